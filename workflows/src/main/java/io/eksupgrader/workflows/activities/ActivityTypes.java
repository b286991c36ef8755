package io.eksupgrader.workflows.activities;

import java.util.List;

/** Activity type names; the worker sets timeouts and retries per type from configuration. */
public final class ActivityTypes {

  public static final String INSPECT_CLUSTER = "InspectCluster";
  public static final String START_VERSION_UPDATE = "StartVersionUpdate";
  public static final String AWAIT_VERSION_UPDATE = "AwaitVersionUpdate";

  public static final String LIST_NODE_GROUPS = "ListNodeGroups";
  public static final String CREATE_REPLACEMENT_NODE_GROUP = "CreateReplacementNodeGroup";
  public static final String AWAIT_NODE_GROUP_READY = "AwaitNodeGroupReady";
  public static final String DELETE_NODE_GROUP = "DeleteNodeGroup";
  public static final String FORCE_DELETE_AUTO_SCALING_GROUP = "ForceDeleteAutoScalingGroup";
  public static final String CORDON_NODES = "CordonNodes";
  public static final String UNCORDON_NODES = "UncordonNodes";
  public static final String DRAIN_NODE = "DrainNode";
  public static final String CHECK_NODES_DRAINED = "CheckNodesDrained";
  public static final String LIST_SELF_MANAGED_NODE_GROUPS = "ListSelfManagedNodeGroups";
  public static final String CREATE_REPLACEMENT_AUTO_SCALING_GROUP = "CreateReplacementAutoScalingGroup";
  public static final String AWAIT_AUTO_SCALING_GROUP_READY = "AwaitAutoScalingGroupReady";
  public static final String DELETE_SELF_MANAGED_NODE_GROUP = "DeleteSelfManagedNodeGroup";
  public static final String INSPECT_KARPENTER = "InspectKarpenter";
  public static final String AWAIT_KARPENTER_DRIFT = "AwaitKarpenterDrift";
  public static final String LIST_FARGATE_PROFILES = "ListFargateProfiles";
  public static final String RECYCLE_FARGATE_PODS = "RecycleFargatePods";
  public static final String LIST_ADDONS = "ListAddons";
  public static final String START_ADDON_UPDATE = "StartAddonUpdate";
  public static final String AWAIT_ADDON_UPDATE = "AwaitAddonUpdate";
  public static final String UPGRADE_HELM_RELEASE = "UpgradeHelmRelease";
  public static final String ROLLBACK_HELM_RELEASE = "RollbackHelmRelease";
  public static final String UNINSTALL_HELM_RELEASE = "UninstallHelmRelease";
  public static final String INSPECT_KARPENTER_INSTALLATION = "InspectKarpenterInstallation";
  public static final String MIGRATE_KARPENTER_STORAGE = "MigrateKarpenterStorage";
  public static final String AWAIT_KARPENTER_READY = "AwaitKarpenterReady";
  public static final String UPDATE_NODE_CLASSES = "UpdateNodeClasses";
  public static final String RESTORE_NODE_CLASSES = "RestoreNodeClasses";
  public static final String INSPECT_ISTIO = "InspectIstio";
  public static final String AWAIT_ISTIO_REVISION = "AwaitIstioRevision";
  public static final String MOVE_WORKLOADS_TO_REVISION = "MoveWorkloadsToRevision";
  public static final String AWAIT_ISTIO_GATEWAYS = "AwaitIstioGateways";
  public static final String VALIDATE_ISTIO_REVISION = "ValidateIstioRevision";
  public static final String CHECK_ISTIO_REVISION_USAGE = "CheckIstioRevisionUsage";
  public static final String CHECK_UPGRADE_INSIGHTS = "CheckUpgradeInsights";
  public static final String CHECK_DEPRECATED_APIS = "CheckDeprecatedApis";
  public static final String CHECK_CLUSTER_RESOURCES = "CheckClusterResources";
  public static final String CHECK_ADDONS = "CheckAddons";
  public static final String CHECK_WORKLOADS = "CheckWorkloads";
  public static final String CHECK_SUPPORT_WINDOW = "CheckSupportWindow";
  public static final String CREATE_VELERO_BACKUP = "CreateVeleroBackup";
  public static final String AWAIT_VELERO_BACKUP = "AwaitVeleroBackup";
  public static final String EVALUATE_HEALTH_GATES = "EvaluateHealthGates";
  public static final String NOTIFY = "Notify";
  public static final String LOAD_APPROVAL_POLICY = "LoadApprovalPolicy";

  public static final List<String> ALL =
      List.of(
          INSPECT_CLUSTER,
          START_VERSION_UPDATE,
          AWAIT_VERSION_UPDATE,
          LIST_NODE_GROUPS,
          CREATE_REPLACEMENT_NODE_GROUP,
          AWAIT_NODE_GROUP_READY,
          DELETE_NODE_GROUP,
          FORCE_DELETE_AUTO_SCALING_GROUP,
          CORDON_NODES,
          UNCORDON_NODES,
          DRAIN_NODE,
          CHECK_NODES_DRAINED,
          LIST_SELF_MANAGED_NODE_GROUPS,
          CREATE_REPLACEMENT_AUTO_SCALING_GROUP,
          AWAIT_AUTO_SCALING_GROUP_READY,
          DELETE_SELF_MANAGED_NODE_GROUP,
          INSPECT_KARPENTER,
          AWAIT_KARPENTER_DRIFT,
          LIST_FARGATE_PROFILES,
          RECYCLE_FARGATE_PODS,
          LIST_ADDONS,
          START_ADDON_UPDATE,
          AWAIT_ADDON_UPDATE,
          UPGRADE_HELM_RELEASE,
          ROLLBACK_HELM_RELEASE,
          UNINSTALL_HELM_RELEASE,
          INSPECT_KARPENTER_INSTALLATION,
          MIGRATE_KARPENTER_STORAGE,
          AWAIT_KARPENTER_READY,
          UPDATE_NODE_CLASSES,
          RESTORE_NODE_CLASSES,
          INSPECT_ISTIO,
          AWAIT_ISTIO_REVISION,
          MOVE_WORKLOADS_TO_REVISION,
          AWAIT_ISTIO_GATEWAYS,
          VALIDATE_ISTIO_REVISION,
          CHECK_ISTIO_REVISION_USAGE,
          CHECK_UPGRADE_INSIGHTS,
          CHECK_DEPRECATED_APIS,
          CHECK_CLUSTER_RESOURCES,
          CHECK_ADDONS,
          CHECK_WORKLOADS,
          CHECK_SUPPORT_WINDOW,
          CREATE_VELERO_BACKUP,
          AWAIT_VELERO_BACKUP,
          EVALUATE_HEALTH_GATES,
          NOTIFY,
          LOAD_APPROVAL_POLICY);

  private ActivityTypes() {}
}
