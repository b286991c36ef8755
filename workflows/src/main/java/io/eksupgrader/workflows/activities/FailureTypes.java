package io.eksupgrader.workflows.activities;

import java.util.List;

/**
 * Application failure types that retrying cannot fix. Activities throw them as non-retryable;
 * the worker also lists them in every retry policy so that an exception of this type is never
 * retried by accident.
 */
public final class FailureTypes {

  /** EKS answered ResourceNotFoundException for the cluster or the update. */
  public static final String CLUSTER_NOT_FOUND = "ClusterNotFound";
  /** The control-plane update ended Failed or Cancelled; the message carries EKS's errors. */
  public static final String EKS_UPDATE_FAILED = "EksUpdateFailed";
  /** EKS refused the request as invalid (InvalidParameterException, InvalidRequestException). */
  public static final String EKS_INVALID_REQUEST = "EksInvalidRequest";
  /** An update to a different version is in progress: an operator must look. */
  public static final String CONFLICTING_UPDATE = "ConflictingUpdate";

  /** A node group ended CREATE_FAILED, DELETE_FAILED or DEGRADED; the message carries EKS's health issues. */
  public static final String NODE_GROUP_FAILED = "NodeGroupFailed";
  /** A node group named in a request does not exist. */
  public static final String NODE_GROUP_NOT_FOUND = "NodeGroupNotFound";
  /** New nodes did not turn Ready in time; the message names them. */
  public static final String NODES_NOT_READY = "NodesNotReady";
  /**
   * A drain could not finish; the details ({@link io.eksupgrader.workflows.model.DrainBlockage})
   * name each blocking pod and its PodDisruptionBudgets.
   */
  public static final String DRAIN_BLOCKED = "DrainBlocked";
  /** The safety check before deleting a node group found pods or schedulable nodes on it. */
  public static final String NODES_NOT_DRAINED = "NodesNotDrained";

  /**
   * Karpenter replaced no old node for the stall timeout; the details ({@link
   * io.eksupgrader.workflows.model.KarpenterDriftStall}) say what it waits for.
   */
  public static final String KARPENTER_DRIFT_STALLED = "KarpenterDriftStalled";
  /**
   * Some of a Fargate profile's pods still run an old version: bare pods nobody can recreate, or
   * a rollout that made no progress; the message names them.
   */
  public static final String FARGATE_PODS_NOT_RECYCLED = "FargatePodsNotRecycled";

  /** An add-on update ended Failed or left the add-on DEGRADED; the message carries EKS's words. */
  public static final String ADDON_UPDATE_FAILED = "AddonUpdateFailed";

  /**
   * A Helm operation failed in a way a retry cannot mend (the chart or version does not exist, a
   * release is left pending or failed by an earlier attempt); the message carries Helm's words.
   */
  public static final String HELM_RELEASE_FAILED = "HelmReleaseFailed";
  /**
   * A component (Karpenter's controller or CRDs, an istiod revision, a gateway) is not at the
   * version or readiness it must have; the message says what differs.
   */
  public static final String COMPONENT_NOT_READY = "ComponentNotReady";
  /** Injected pods still run another Istio revision after their restart; the message names them. */
  public static final String ISTIO_WORKLOADS_NOT_MOVED = "IstioWorkloadsNotMoved";

  /** A Velero backup could not be made or ended other than Completed; the message says why. */
  public static final String BACKUP_FAILED = "BackupFailed";
  /** A webhook answered a 4xx other than 429: the URL or the payload is wrong, retrying will not help. */
  public static final String NOTIFICATION_REFUSED = "NotificationRefused";

  public static final List<String> NON_RETRYABLE =
      List.of(
          CLUSTER_NOT_FOUND,
          EKS_UPDATE_FAILED,
          EKS_INVALID_REQUEST,
          CONFLICTING_UPDATE,
          NODE_GROUP_FAILED,
          NODE_GROUP_NOT_FOUND,
          NODES_NOT_READY,
          DRAIN_BLOCKED,
          NODES_NOT_DRAINED,
          KARPENTER_DRIFT_STALLED,
          FARGATE_PODS_NOT_RECYCLED,
          ADDON_UPDATE_FAILED,
          HELM_RELEASE_FAILED,
          COMPONENT_NOT_READY,
          ISTIO_WORKLOADS_NOT_MOVED,
          BACKUP_FAILED,
          NOTIFICATION_REFUSED);

  private FailureTypes() {}
}
