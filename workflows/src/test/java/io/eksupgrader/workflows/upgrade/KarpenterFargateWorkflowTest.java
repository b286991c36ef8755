package io.eksupgrader.workflows.upgrade;

import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.approve;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.awaitStatus;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.detail;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.options;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.start;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.stepState;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Karpenter's drift and Fargate's restarts in the data plane of an upgrade. */
class KarpenterFargateWorkflowTest {

  private final FakeEks eks = new FakeEks("1.33");
  private final FakeDataPlane nodes = new FakeDataPlane();
  private final FakeKarpenterFargate others = new FakeKarpenterFargate();

  @RegisterExtension
  final TestWorkflowExtension testWorkflow = ClusterUpgradeWorkflowTest.extension(eks, nodes, others);

  @Test
  void watchesDriftAfterTheNodeGroupsThenRestartsEachFargateProfileBeforeAnyTeardown(
      WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 1);
    others.addKarpenterNode("ip-10-0-200-2", "general", "1.33");
    others.addKarpenterNode("ip-10-0-200-3", "general", "1.33");
    others.addFargateProfile("serverless", "batch");
    others.addFargateProfile("jobs", "cron");
    var upgrade = start(client, options, options(1, 1));

    UpgradeStatus atControlPlane = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atControlPlane.steps())
        .extracting(StepStatus::id)
        .containsExactly(
            "preflight",
            "control-plane-1.34",
            "nodegroup-apps",
            "karpenter-drift",
            "fargate-jobs",
            "fargate-serverless",
            "teardown-apps",
            "verify");
    assertThat(atControlPlane.plan().steps())
        .filteredOn(s -> s.kind() == StepKind.KARPENTER_DRIFT)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.title()).isEqualTo("watch Karpenter's drift replace 2 node(s) of NodePool(s) general with nodes at 1.34");
              assertThat(s.gate()).as("Karpenter drifts on its own; watching needs no approval").isNull();
            });
    assertThat(detail(atControlPlane, "preflight"))
        .contains("Karpenter NodePools: general (2 nodes)")
        .contains("Fargate profiles: jobs, serverless");
    approve(client, upgrade, "control-plane-1.34");
    // Hold the new node group's readiness: the drift watch must start beside it, not after it.
    nodes.heldGroup = "apps";
    nodes.holdAwaitUntilCreate = new java.util.concurrent.CountDownLatch(1);
    approve(client, upgrade, "data-plane");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> others.calls().contains("AwaitKarpenterDrift 1.34"));
    assertThat(nodes.calls())
        .as("Karpenter is watched while the node group is still being replaced")
        .noneMatch(c -> c.startsWith("CordonNodes"));
    nodes.holdAwaitUntilCreate.countDown();
    approve(client, upgrade, "teardown-apps");

    UpgradeResult result = client.newUntypedWorkflowStub(WorkflowIdsFor.ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(others.calls())
        .containsExactly(
            "InspectKarpenter",
            "ListFargateProfiles",
            "AwaitKarpenterDrift 1.34",
            "RecycleFargatePods jobs 1.34",
            "RecycleFargatePods serverless 1.34",
            "InspectKarpenter");
    assertThat(detail(result.status(), "karpenter-drift"))
        .isEqualTo("Karpenter's 2 node(s) run 1.34; drift replaced ip-10-0-200-2, ip-10-0-200-3");
    assertThat(detail(result.status(), "fargate-jobs"))
        .isEqualTo("restarted Deployment jobs/worker; 2 pod(s) of Fargate profile jobs run 1.34");
    assertThat(detail(result.status(), "verify")).contains("Karpenter nodes: 2 (2 at 1.34)");
  }

  @Test
  void aStalledDriftWaitsForADecisionAndASkipIsNamedByVerify(WorkflowClient client, WorkflowOptions options) {
    others.addKarpenterNode("ip-10-0-200-2", "frozen", "1.33");
    others.stallDrift(2);
    var upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");

    UpgradeStatus stalled = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(stalled.pendingDecision().step()).isEqualTo("karpenter-drift");
    assertThat(stalled.pendingDecision().allowed())
        .as("nothing to force: Karpenter, not the upgrade, replaces the nodes")
        .containsExactly(DecisionAction.RETRY, DecisionAction.SKIP, DecisionAction.ABORT);
    assertThat(stalled.pendingDecision().error())
        .contains("Karpenter replaced none of 1 old node(s) for 30m: ip-10-0-200-2 (frozen, 1.33)");
    upgrade.decideStep(new OperatorDecision("karpenter-drift", DecisionAction.RETRY, "alice", "budget raised"));

    awaitStatus(client, s -> s.pendingDecision() != null && s.steps().stream()
        .anyMatch(st -> st.id().equals("karpenter-drift") && st.attempts() == 2));
    upgrade.decideStep(new OperatorDecision("karpenter-drift", DecisionAction.SKIP, "alice", "frozen on purpose"));

    UpgradeResult result = client.newUntypedWorkflowStub(WorkflowIdsFor.ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(stepState(result.status(), "karpenter-drift")).isEqualTo(StepState.SKIPPED);
    assertThat(detail(result.status(), "verify"))
        .contains("kept behind by an operator's decision: Karpenter nodes ip-10-0-200-2 (1.33)");
  }

  /** The id every test here starts its upgrade under. */
  private static final class WorkflowIdsFor {
    static final String ID =
        io.eksupgrader.workflows.planning.WorkflowIds.clusterUpgrade(
            new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"));
  }
}
