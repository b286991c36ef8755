package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Activity options per activity type. Workflow code creates its stubs without options, so every
 * timeout and retry policy is set here at registration: the worker builds the map from its
 * configuration, tests use {@link #defaults()}.
 */
public final class UpgradeActivityOptions {

  private UpgradeActivityOptions() {}

  public static ActivityOptions options(
      Duration startToClose,
      Duration heartbeat,
      Duration initialInterval,
      double backoff,
      Duration maximumInterval,
      int maximumAttempts) {
    ActivityOptions.Builder builder =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(startToClose)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(initialInterval)
                    .setBackoffCoefficient(backoff)
                    .setMaximumInterval(maximumInterval)
                    .setMaximumAttempts(maximumAttempts)
                    .setDoNotRetry(FailureTypes.NON_RETRYABLE.toArray(String[]::new))
                    .build());
    if (heartbeat != null) {
      builder.setHeartbeatTimeout(heartbeat);
    }
    return builder.build();
  }

  /** The defaults of the worker's application.yml. */
  public static Map<String, ActivityOptions> defaults() {
    Map<String, ActivityOptions> map = new LinkedHashMap<>();
    map.put(
        ActivityTypes.INSPECT_CLUSTER,
        options(Duration.ofMinutes(2), null, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 10));
    map.put(
        ActivityTypes.START_VERSION_UPDATE,
        options(
            Duration.ofMinutes(30),
            Duration.ofMinutes(2),
            Duration.ofSeconds(5),
            2.0,
            Duration.ofMinutes(2),
            10));
    map.put(
        ActivityTypes.AWAIT_VERSION_UPDATE,
        options(
            Duration.ofMinutes(90),
            Duration.ofMinutes(2),
            Duration.ofSeconds(5),
            2.0,
            Duration.ofMinutes(2),
            10));
    Duration quick = Duration.ofMinutes(2);
    for (String read :
        new String[] {
          ActivityTypes.LIST_NODE_GROUPS,
          ActivityTypes.CORDON_NODES,
          ActivityTypes.UNCORDON_NODES,
          ActivityTypes.CHECK_NODES_DRAINED,
          ActivityTypes.LIST_SELF_MANAGED_NODE_GROUPS,
          ActivityTypes.INSPECT_KARPENTER,
          ActivityTypes.LIST_FARGATE_PROFILES,
          ActivityTypes.LIST_ADDONS,
          ActivityTypes.INSPECT_KARPENTER_INSTALLATION,
          ActivityTypes.INSPECT_ISTIO,
          ActivityTypes.VALIDATE_ISTIO_REVISION,
          ActivityTypes.CHECK_ISTIO_REVISION_USAGE,
          ActivityTypes.UPDATE_NODE_CLASSES,
          ActivityTypes.RESTORE_NODE_CLASSES,
          ActivityTypes.CREATE_VELERO_BACKUP,
          ActivityTypes.LOAD_APPROVAL_POLICY
        }) {
      map.put(read, options(quick, null, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 10));
    }
    for (String create :
        new String[] {
          ActivityTypes.CREATE_REPLACEMENT_NODE_GROUP,
          ActivityTypes.CREATE_REPLACEMENT_AUTO_SCALING_GROUP,
          ActivityTypes.START_ADDON_UPDATE
        }) {
      map.put(create, options(Duration.ofMinutes(10), null, Duration.ofSeconds(5), 2.0, Duration.ofMinutes(2), 10));
    }
    // A check reads many objects (every pod, every Helm release); it may take a few minutes.
    for (String check :
        new String[] {
          ActivityTypes.CHECK_UPGRADE_INSIGHTS,
          ActivityTypes.CHECK_DEPRECATED_APIS,
          ActivityTypes.CHECK_CLUSTER_RESOURCES,
          ActivityTypes.CHECK_ADDONS,
          ActivityTypes.CHECK_WORKLOADS,
          ActivityTypes.CHECK_SUPPORT_WINDOW
        }) {
      map.put(check, options(Duration.ofMinutes(5), null, Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 5));
    }
    // A Helm run renders and applies a chart; it gives up on its own before this.
    for (String helm :
        new String[] {
          ActivityTypes.UPGRADE_HELM_RELEASE, ActivityTypes.ROLLBACK_HELM_RELEASE, ActivityTypes.UNINSTALL_HELM_RELEASE
        }) {
      map.put(helm, options(Duration.ofMinutes(15), null, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(2), 5));
    }
    // The long waits heartbeat; a retried attempt resumes from the last heartbeat.
    for (String wait :
        new String[] {
          ActivityTypes.AWAIT_NODE_GROUP_READY,
          ActivityTypes.DELETE_NODE_GROUP,
          ActivityTypes.FORCE_DELETE_AUTO_SCALING_GROUP,
          ActivityTypes.AWAIT_AUTO_SCALING_GROUP_READY,
          ActivityTypes.DELETE_SELF_MANAGED_NODE_GROUP,
          ActivityTypes.AWAIT_KARPENTER_DRIFT,
          ActivityTypes.RECYCLE_FARGATE_PODS,
          ActivityTypes.AWAIT_ADDON_UPDATE,
          ActivityTypes.MIGRATE_KARPENTER_STORAGE,
          ActivityTypes.AWAIT_KARPENTER_READY,
          ActivityTypes.AWAIT_ISTIO_REVISION,
          ActivityTypes.MOVE_WORKLOADS_TO_REVISION,
          ActivityTypes.AWAIT_ISTIO_GATEWAYS,
          ActivityTypes.AWAIT_VELERO_BACKUP
        }) {
      map.put(
          wait,
          options(Duration.ofMinutes(60), quick, Duration.ofSeconds(5), 2.0, Duration.ofMinutes(2), 10));
    }
    // Longer than the drain's own per-node timeout (15 minutes by default), which ends it first.
    map.put(
        ActivityTypes.DRAIN_NODE,
        options(Duration.ofMinutes(60), Duration.ofMinutes(1), Duration.ofSeconds(5), 2.0, Duration.ofMinutes(1), 10));
    // Few attempts: after them the workflow treats health as unknown and asks an operator.
    map.put(
        ActivityTypes.EVALUATE_HEALTH_GATES,
        options(Duration.ofMinutes(1), null, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(30), 5));
    // A webhook that is down for a while still gets the message; the workflow never waits for it.
    map.put(
        ActivityTypes.NOTIFY,
        options(Duration.ofSeconds(30), null, Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 8));
    return map;
  }

  public static WorkflowImplementationOptions implementationOptions(
      Map<String, ActivityOptions> perType) {
    for (String type : ActivityTypes.ALL) {
      if (!perType.containsKey(type)) {
        throw new IllegalArgumentException("no activity options configured for activity type " + type);
      }
    }
    return WorkflowImplementationOptions.newBuilder().setActivityOptions(perType).build();
  }
}
