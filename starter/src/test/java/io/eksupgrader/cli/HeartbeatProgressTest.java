package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.activities.fargate.RecycleProgress;
import io.eksupgrader.activities.istio.KubernetesIstioActivities;
import io.eksupgrader.activities.karpenter.DriftProgress;
import io.eksupgrader.activities.kube.DrainProgress;
import io.eksupgrader.activities.nodegroups.DeletionProgress;
import io.eksupgrader.activities.nodegroups.ReadyWaitProgress;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Progress as the operator reads it, from the heartbeats the worker's activities really send: the
 * activities' own records go through Temporal's data converter into a describe response, and the
 * CLI, which knows none of those classes, reads them back by field name.
 */
class HeartbeatProgressTest {

  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  private static PendingActivityInfo pending(String type, Object heartbeat, int attempt) {
    PendingActivityInfo.Builder info =
        PendingActivityInfo.newBuilder()
            .setActivityId("1")
            .setActivityType(ActivityType.newBuilder().setName(type))
            .setState(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
            .setAttempt(attempt);
    if (heartbeat != null) {
      info.setHeartbeatDetails(CONVERTER.toPayloads(heartbeat).orElseThrow());
    }
    return info.build();
  }

  private static DescribeWorkflowExecutionResponse described(String id, List<PendingActivityInfo> activities, List<String> children) {
    DescribeWorkflowExecutionResponse.Builder response =
        DescribeWorkflowExecutionResponse.newBuilder()
            .setWorkflowExecutionInfo(
                WorkflowExecutionInfo.newBuilder().setExecution(WorkflowExecution.newBuilder().setWorkflowId(id).setRunId("run")))
            .addAllPendingActivities(activities);
    for (String child : children) {
      response.addPendingChildren(
          PendingChildExecutionInfo.newBuilder().setWorkflowId(child).setRunId("child-run").setWorkflowTypeName("NodeGroupUpgrade"));
    }
    return response.build();
  }

  private static ActivityProgress only(String type, Object heartbeat) {
    List<ActivityProgress> read =
        PendingActivities.read(described("eks-upgrade/us-east-1/demo", List.of(pending(type, heartbeat, 1)), List.of()), "step", CONVERTER);
    assertThat(read).hasSize(1);
    return read.get(0);
  }

  @Test
  void aDrainShowsPodsEvictedOfAllWithABarAndWhatRefusesIt() {
    DrainProgress progress =
        new DrainProgress(
            "ip-10-0-1-23",
            1_700_000_000_000L,
            List.of("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11", "u12", "u13"),
            List.of(),
            List.of("g1"),
            3,
            List.of("shop/web-1: 2026-12-07T15:00:00Z"),
            2,
            0,
            17);

    ActivityProgress drain = only("DrainNode", progress);

    assertThat(drain.reading().text())
        .isEqualTo(
            "drain ip-10-0-1-23: 14/31 pods evicted, 1 already gone, 3 evictions refused"
                + " (still refused: shop/web-1), 2 DaemonSet pods left");
    assertThat(drain.reading().steadyText())
        .as("a log is not told of each retried eviction")
        .isEqualTo("drain ip-10-0-1-23: 14/31 pods evicted, 1 already gone, evictions refused (still refused: shop/web-1), 2 DaemonSet pods left");
    assertThat(drain.reading().bar(10)).isEqualTo("[####......]");
    assertThat(drain.toJson(false).path("done").asInt()).isEqualTo(14);
    assertThat(drain.toJson(false).path("total").asInt()).isEqualTo(31);
    assertThat(drain.toJson(false).path("details").path("node").asText()).as("the raw heartbeat is kept").isEqualTo("ip-10-0-1-23");
  }

  @Test
  void aDrainThatHasNotListedItsPodsCountsNothingAndAFinishedOneIsFull() {
    assertThat(only("DrainNode", DrainProgress.start("ip-1", 1L)).reading())
        .satisfies(r -> assertThat(r.text()).isEqualTo("drain ip-1: listing pods"))
        .satisfies(r -> assertThat(r.counted()).isFalse());
    DrainProgress done = new DrainProgress("ip-1", 1L, List.of("a", "b"), List.of("c"), List.of(), 0, List.of(), 0, 0, 0);
    HeartbeatReading reading = only("DrainNode", done).reading();
    assertThat(reading.text()).isEqualTo("drain ip-1: 3/3 pods evicted, 1 force-deleted");
    assertThat(reading.bar(10)).isEqualTo("[##########]");
  }

  @Test
  void waitsWithSomethingToCountHaveBarsAndOthersSayWhatTheyWaitFor() {
    HeartbeatReading drift =
        only("AwaitKarpenterDrift", new DriftProgress(List.of("n1", "n2", "n3"), List.of("claim-1: no capacity"), 1, 2, 4)).reading();
    assertThat(drift.text()).isEqualTo("karpenter drift: 1/3 nodes at the target, 1 failed launches (claim-1: no capacity)");
    assertThat(drift.bar(10)).isEqualTo("[###.......]");

    HeartbeatReading fargate =
        only("RecycleFargatePods", new RecycleProgress(List.of("shop/api"), List.of("shop/api"), 3, 1)).reading();
    assertThat(fargate.text()).isEqualTo("fargate: 1/4 pods at the target, rolling out: shop/api");
    assertThat(fargate.bar(8)).isEqualTo("[##......]");

    assertThat(only("MoveWorkloadsToRevision", new KubernetesIstioActivities.MoveProgress(List.of("shop/web"), "shop", 4)).reading().text())
        .isEqualTo("istio shop: 4 pods at the new revision, 1 workloads restarted");
    assertThat(only("DeleteNodeGroup", new DeletionProgress(3, true, List.of("i-1", "i-2"), true, "eks-apps-asg")).reading().text())
        .isEqualTo("DeleteNodeGroup: ASG eks-apps-asg, deletion requested, scale-in protection removed from 2 instances, poll 3");
    assertThat(only("AwaitNodeGroupReady", new ReadyWaitProgress(7, 0)).reading().text()).isEqualTo("AwaitNodeGroupReady: poll 7");
    assertThat(only("AwaitNodeGroupReady", new ReadyWaitProgress(7, 1_700_000_000_000L)).reading().text())
        .isEqualTo("AwaitNodeGroupReady: poll 7, group ACTIVE, waiting for Ready nodes since 2023-11-14T22:13:20Z");
    assertThat(only("AwaitVersionUpdate", 12).reading().text()).isEqualTo("AwaitVersionUpdate: poll 12");
    assertThat(only("AwaitVersionUpdate", 12).reading().steadyText()).isEqualTo("AwaitVersionUpdate: waiting");
    assertThat(only("StartVersionUpdate", "round 2: 409 update in progress").reading().text())
        .isEqualTo("StartVersionUpdate: round 2: 409 update in progress");
    assertThat(only("AwaitIstioGateways", List.of("istio-system/gw: 1 of 2 pod(s) run 1.27")).reading().text())
        .isEqualTo("AwaitIstioGateways: 1 left: istio-system/gw: 1 of 2 pod(s) run 1.27");
    assertThat(only("AwaitAddonUpdate", null).reading().text()).isEqualTo("AwaitAddonUpdate: no progress reported yet");
  }

  @Test
  void anUnknownShapeIsShownFieldByFieldAndUnknownFieldsOfAKnownOneAreIgnored() {
    assertThat(only("SomethingNew", Map.of("polls", 2, "waitingFor", List.of("a", "b"))).reading().text())
        .contains("polls=2")
        .contains("waitingFor=2");
    Map<String, Object> drainWithMore =
        Map.of("node", "ip-2", "evictedUids", List.of("a"), "pending", 1, "total", 5, "somethingNew", true);
    HeartbeatReading reading = only("DrainNode", drainWithMore).reading();
    assertThat(reading.text()).as("a total, when the drain sends one, wins").isEqualTo("drain ip-2: 1/5 pods evicted");
    assertThat(reading.bar(10)).isEqualTo("[##........]");
  }

  @Test
  void theUpgradesChildrenAreDescribedAndTheirActivitiesBelongToTheirStep() {
    String upgrade = "eks-upgrade/us-east-1/demo";
    String child = upgrade + "/nodegroup-apps/attempt-2";
    List<String> describedIds = new ArrayList<>();
    PendingActivities pendingActivities =
        new PendingActivities(
            execution -> {
              describedIds.add(execution.getWorkflowId());
              return execution.getWorkflowId().equals(upgrade)
                  ? described(upgrade, List.of(pending("AwaitAddonUpdate", 3, 2)), List.of(child))
                  : described(child, List.of(pending("DrainNode", DrainProgress.start("ip-9", 1L), 1)), List.of());
            },
            CONVERTER);

    List<ActivityProgress> found = pendingActivities.of(upgrade, "addons-after-1.33");

    assertThat(describedIds).containsExactly(upgrade, child);
    assertThat(found).extracting(ActivityProgress::step, ActivityProgress::activityType, ActivityProgress::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("addons-after-1.33", "AwaitAddonUpdate", 2),
            org.assertj.core.groups.Tuple.tuple("nodegroup-apps", "DrainNode", 1));
    assertThat(found.get(1).workflowId()).isEqualTo(child);
  }

  @Test
  void barsFillByWholeTenthsAndNeverOverflow() {
    assertThat(ProgressBar.of(0, 31, 10)).isEqualTo("[..........]");
    assertThat(ProgressBar.of(14, 31, 10)).isEqualTo("[####......]");
    assertThat(ProgressBar.of(30, 31, 10)).isEqualTo("[#########.]");
    assertThat(ProgressBar.of(31, 31, 10)).isEqualTo("[##########]");
    assertThat(ProgressBar.of(40, 31, 10)).isEqualTo("[##########]");
    assertThat(ProgressBar.of(3, 0, 5)).isEqualTo("[.....]");
  }
}
