package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fault matrix rows F10 and F7 through the real worker and the CLI: an operator cancels an upgrade
 * in the middle of a drain, and new nodes that never turn Ready are aborted. In both, the old node
 * group keeps serving: nothing of it is deleted, and no old node is left cordoned.
 */
class CancelEndToEndTest {

  /** The writer's budget never allows an eviction, so the drain of its node is still running when cancelled. */
  private static final String BLOCKING_BUDGET =
      """
      name: cancel
      timeScale: 600
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 2, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: ledger, name: writer, kind: StatefulSet, replicas: 1, nodeSelector: {role: apps}}
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: apps}}
            pdbs:
              - {namespace: ledger, name: writer, selector: {app: writer}, maxUnavailable: "0"}
      """;

  private static final String NEVER_READY =
      """
      name: never-ready
      timeScale: 600
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 2, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: apps}}
      faults:
        nodesNeverReady: [apps-1-34]
      """;

  /** A control-plane update of 15 s real time, long enough to cancel in the middle of it. */
  private static final String SLOW_CONTROL_PLANE =
      """
      name: slow-control-plane
      timeScale: 20
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 1, labels: {role: apps}}
      durations:
        controlPlaneUpdate: 5m
      """;

  private static final String[] WHERE = {"--cluster", "shop", "--region", "eu-central-1"};

  @Test
  void aCancelMidDrainStopsTheDrainUncordonsTheOldNodesAndDeletesNothing() {
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(BLOCKING_BUDGET, "cancel"), 0, 0, "cancel")) {
      env.startWorker();
      String[] where = where(env, "cancel");
      CliRun started = CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      CallLog log = env.sandbox.callLog();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
          .until(() -> log.entries("CreateEviction").stream().anyMatch(e -> e.resourceId().startsWith("ledger/writer-0")));
      assertThat(oldNodes(env)).as("the old nodes are cordoned while they drain").allMatch(CancelEndToEndTest::cordoned);

      CliRun cancelled =
          CliRun.of(CliRun.concat(new String[] {"cancel", "--reason", "INC-9 change freeze", "--json"}, where));
      assertThat(cancelled.exitCode()).as(cancelled.toString()).isEqualTo(ExitCodes.OK);
      assertThat(cancelled.out()).contains("\"action\" : \"cancel\"").contains("\"by\" : \"bob\"");

      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.UPGRADE_NOT_SUCCEEDED);
      assertThat(watched.out())
          .contains("\"outcome\" : \"CANCELLED\"")
          .contains("cancelled by bob (INC-9 change freeze) at nodegroup-apps")
          .contains("node group apps stays, old nodes of apps uncordoned: 2 of 2");
      int evictionsAtTheEnd = log.entries("CreateEviction").size();

      assertThat(oldNodes(env)).as("the old group keeps serving").hasSize(2).noneMatch(CancelEndToEndTest::cordoned);
      assertThat(log.entries("DeleteNodegroup")).as("no node group is deleted").isEmpty();
      assertThat(log.entries("DeletePod")).as("nothing is deleted around the budget").isEmpty();
      assertThat(env.sandbox.kubernetes("eu-central-1", "shop").adminClient()
              .pods().inNamespace("ledger").withName("writer-0").get().getSpec().getNodeName())
          .as("the blocked pod stays where it was")
          .startsWith("ip-");
      CliRun again = CliRun.of(CliRun.concat(new String[] {"cancel"}, where));
      assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.REFUSED);
      assertThat(again.err()).contains("no upgrade of eu-central-1/shop runs").contains("ended CANCELLED");
      assertThat(log.entries("CreateEviction")).as("the drain stopped: no eviction after the end").hasSize(evictionsAtTheEnd);
    }
  }

  @Test
  void aCancelMidControlPlaneUpdateWaitsForEksToEndItReportsItAndStartsNothingElse() {
    try (LocalEnvironment env =
        LocalEnvironment.start(Scenario.parse(SLOW_CONTROL_PLANE, "slow-control-plane"), 0, 0, "slow-cp")) {
      env.startWorker();
      String[] where = where(env, "slow-cp");
      CliRun started = CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
      CallLog log = env.sandbox.callLog();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
          .until(() -> !log.entries("UpdateClusterVersion").isEmpty());

      CliRun cancelled = CliRun.of(CliRun.concat(new String[] {"cancel", "--reason", "wrong window"}, where));
      assertThat(cancelled.exitCode()).as(cancelled.toString()).isEqualTo(ExitCodes.OK);
      assertThat(cancelled.out()).contains("announced by bob at control-plane-1.34");
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status", "--json"}, where));
        assertThat(status.out())
            .contains("\"phase\" : \"cancelling\"")
            .contains("an EKS update cannot be stopped, so the upgrade waits until EKS reports it Successful or Failed");
      });

      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.UPGRADE_NOT_SUCCEEDED);
      assertThat(watched.out())
          .contains("\"outcome\" : \"CANCELLED\"")
          .contains("cancelled by bob (wrong window) at control-plane-1.34")
          .contains("the control-plane update to 1.34 was observed to its end: Successful")
          .contains("the cluster runs 1.34")
          .contains("(observed to its end after the cancellation)");
      assertThat(log.entries("UpdateClusterVersion")).as("one update, not restarted").hasSize(1);
      assertThat(log.entries("CreateNodegroup")).as("nothing new starts after the cancellation").isEmpty();
      assertThat(log.entries("PatchNode")).isEmpty();
    }
  }

  @Test
  void newNodesThatNeverTurnReadyFailBeforeAnyOldNodeIsTouchedAndAbortLeavesTheOldGroupAsItWas() {
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(NEVER_READY, "never-ready"), 0, 0, "never-ready")) {
      env.startWorker();
      String[] where = where(env, "never-ready");
      CliRun started = CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out())
            .contains("Step `nodegroup-apps` FAILED")
            .contains("node group apps-1-34 is CREATE_FAILED");
      });
      CallLog log = env.sandbox.callLog();
      assertThat(log.entries("PatchNode")).as("no old node was cordoned").isEmpty();

      CliRun aborted =
          CliRun.of(CliRun.concat(new String[] {"decide", "--step", "nodegroup-apps", "--abort", "--comment", "no capacity"}, where));
      assertThat(aborted.exitCode()).as(aborted.toString()).isEqualTo(ExitCodes.OK);
      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.UPGRADE_NOT_SUCCEEDED);
      assertThat(watched.out())
          .contains("\"outcome\" : \"ABORTED\"")
          .contains("aborted; old nodes of apps uncordoned: 0 of 2");

      assertThat(oldNodes(env)).as("old capacity untouched").hasSize(2).noneMatch(CancelEndToEndTest::cordoned);
      assertThat(log.entries("PatchNode")).as("not cordoned, so nothing to uncordon").isEmpty();
      assertThat(log.entries("CreateEviction")).as("no eviction").isEmpty();
      assertThat(log.entries("DeleteNodegroup")).as("not deleted").isEmpty();
      assertThat(log.entries("DeletePod")).isEmpty();

      CliRun none = CliRun.of("cancel", "--temporal", env.temporalTarget(), "--cluster", "other", "--region", "eu-central-1");
      assertThat(none.exitCode()).as(none.toString()).isEqualTo(ExitCodes.NOT_FOUND);
      assertThat(none.err()).contains("no upgrade of eu-central-1/other found");
    }
  }

  private static String[] where(LocalEnvironment env, String taskQueue) {
    return CliRun.concat(
        new String[] {"--temporal", env.temporalTarget(), "--task-queue", taskQueue, "--identity", "bob"}, WHERE);
  }

  private static List<Node> oldNodes(LocalEnvironment env) {
    KubernetesClient kube = env.sandbox.kubernetes("eu-central-1", "shop").adminClient();
    return kube.nodes().withLabel("eks.amazonaws.com/nodegroup", "apps").list().getItems();
  }

  private static boolean cordoned(Node node) {
    return Boolean.TRUE.equals(node.getSpec().getUnschedulable());
  }
}
