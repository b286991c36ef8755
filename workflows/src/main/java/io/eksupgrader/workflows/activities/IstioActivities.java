package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.IstioInstallation.Gateway;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioInstallation.RevisionTag;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Istio's canary revisions. Helm installs and removes istiod revisions and upgrades gateways
 * ({@link HelmActivities}); these observe, move namespaces and their workloads between revisions,
 * and check what a revision still serves before it goes. Each is safe to run again.
 */
@ActivityInterface
public interface IstioActivities {

  /**
   * The revisions (istiod Deployments and their versions), revision tags, the namespaces that select
   * a revision and how, the gateways; and, from the compatibility table, the Istio versions the
   * target needs, one per minor. Reads only.
   */
  @ActivityMethod(name = ActivityTypes.INSPECT_ISTIO)
  IstioInstallation inspectIstio(ComponentInspectionRequest request);

  /**
   * Waits until the revision's istiod runs {@code version} with its replicas Ready and its injector
   * webhook exists (heartbeating); with {@code untilReady} false it looks once. Fails with the
   * non-retryable {@link FailureTypes#COMPONENT_NOT_READY} saying what differs.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_ISTIO_REVISION)
  RevisionStatus awaitRevision(RevisionRequest request);

  /**
   * Moves workloads to a revision, namespace by namespace: sets each revision tag and namespace label
   * as given, then restarts (like {@code kubectl rollout restart}) the Deployments, StatefulSets
   * and DaemonSets whose injected pods run another revision, {@code restartBatch} at a time, and
   * waits until every injected pod of those namespaces runs the revision's proxy. A workload is
   * restarted once per revision (an annotation records it). Without progress for the stall timeout
   * it fails with the non-retryable {@link FailureTypes#ISTIO_WORKLOADS_NOT_MOVED} naming the pods
   * left.
   */
  @ActivityMethod(name = ActivityTypes.MOVE_WORKLOADS_TO_REVISION)
  MoveResult moveWorkloads(MoveRequest request);

  /**
   * Waits until every pod of the gateways runs {@code version}'s proxy from {@code revision}
   * (heartbeating); with {@code untilReady} false it looks once. Fails with {@link
   * FailureTypes#COMPONENT_NOT_READY} naming the gateways behind.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_ISTIO_GATEWAYS)
  GatewayResult awaitGateways(GatewayRequest request);

  /**
   * Checks a revision after the move: {@code istioctl analyze} when the binary is there, istiod's
   * health, and the injected pods that run another revision. Reads only; never fails on findings.
   */
  @ActivityMethod(name = ActivityTypes.VALIDATE_ISTIO_REVISION)
  Validation validateRevision(RevisionRequest request);

  /** What still uses a revision: injected pods, namespaces and tags that select it. Reads only. */
  @ActivityMethod(name = ActivityTypes.CHECK_ISTIO_REVISION_USAGE)
  RevisionUsage revisionUsage(RevisionRequest request);

  /** @param untilReady wait (heartbeating) until ready, or look once */
  record RevisionRequest(ClusterRef cluster, String namespace, String revision, String version, boolean untilReady) {}

  record RevisionStatus(String revision, String deployment, String version, int readyReplicas, String webhook) {}

  /**
   * @param namespaces each namespace with the labels it must carry ({@code injection} and {@code
   *     rev}; null removes the label) and the revision they resolve to
   * @param tags each revision tag with the revision it must point to
   */
  record MoveRequest(
      ClusterRef cluster,
      String istioNamespace,
      String revision,
      String version,
      List<MeshNamespace> namespaces,
      List<RevisionTag> tags,
      int restartBatch) {
    public MoveRequest {
      namespaces = List.copyOf(namespaces);
      tags = tags == null ? List.of() : List.copyOf(tags);
    }
  }

  /**
   * @param relabeled namespaces whose labels changed
   * @param tagsSwitched tags that now point elsewhere
   * @param restarted workloads restarted, as {@code Kind namespace/name}
   * @param podsAtRevision injected pods of those namespaces that run the revision
   * @param notMoved injected pods that still run another revision, with why (no controller, …)
   */
  record MoveResult(
      List<String> relabeled, List<String> tagsSwitched, List<String> restarted, int podsAtRevision, List<String> notMoved) {}

  record GatewayRequest(ClusterRef cluster, List<Gateway> gateways, String revision, String version, boolean untilReady) {
    public GatewayRequest {
      gateways = List.copyOf(gateways);
    }
  }

  record GatewayResult(List<String> atVersion, List<String> behind) {}

  /**
   * @param analyzed whether {@code istioctl analyze} ran
   * @param findings its findings, or why it did not run
   * @param istiodHealth istiod's readiness, in words
   * @param podsOnOtherRevisions injected pods that run another revision
   */
  record Validation(boolean analyzed, List<String> findings, String istiodHealth, List<String> podsOnOtherRevisions) {}

  record RevisionUsage(String revision, List<String> pods, List<String> namespaces, List<String> tags) {
    public boolean unused() {
      return pods.isEmpty() && namespaces.isEmpty() && tags.isEmpty();
    }
  }
}
