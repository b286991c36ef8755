package io.eksupgrader.workflows.upgrade;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replays histories recorded from released workflow code (see {@link RecordHistoriesTest}). A
 * change that is not guarded by Workflow.getVersion makes them fail with a non-determinism error.
 */
class WorkflowReplayTest {

  private static final String UPGRADE_ID = "eks-upgrade/us-east-1/payments";

  private TestWorkflowEnvironment env;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void theRecordedUpgradeWithGatesARefusedSignalAndARetriedStepReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-1.32-to-1.34.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedControlPlaneChildReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("control-plane-1.33.json", UPGRADE_ID + "/control-plane-1.33")))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedDataPlaneWithAForcedDrainAnAsgGateAndASkippedGroupReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-data-plane.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedKarpenterDriftAndFargateProfilesReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-karpenter-fargate.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedAddonsAroundEachMinorReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-addons.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedKarpenterAndIstioPhasesWithARetriedStepReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-components.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedIstioAbortThatMovesTheMeshBackReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-components-abort.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedPreflightWithARetriedBlockerWarningsABackupAndARecheckReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-preflight.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedPolicyHealthPausesAndStoppedDrainReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-operator.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedChildrenWithActivitySummariesReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(
            () ->
                worker.replayWorkflowExecution(
                    history("node-group-apps-summaries.json", UPGRADE_ID + "/nodegroup-apps/attempt-2")))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                worker.replayWorkflowExecution(
                    history("control-plane-1.34-summaries.json", UPGRADE_ID + "/control-plane-1.34")))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedDryRunReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(
            () ->
                worker.replayWorkflowExecution(
                    history("cluster-plan-dry-run.json", "eks-plan/us-east-1/payments/20261203-120000")))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedNodeGroupChildReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(
            () ->
                worker.replayWorkflowExecution(
                    history("node-group-apps-attempt-2.json", UPGRADE_ID + "/nodegroup-apps/attempt-2")))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedCancellationMidDrainReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cancel-mid-drain.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                worker.replayWorkflowExecution(
                    history("cancel-mid-drain-nodegroup-apps.json", UPGRADE_ID + "/nodegroup-apps")))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedCancellationMidControlPlaneUpdateReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cancel-mid-control-plane.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void anUnguardedChangeToTheWorkflowIsCaughtByReplay() {
    Worker worker = registered(ChangedWithoutGetVersion.class);
    assertThatThrownBy(() -> worker.replayWorkflowExecution(history("cluster-upgrade-1.32-to-1.34.json", UPGRADE_ID)))
        .hasMessageContaining("TMPRL1100");
  }

  @Test
  void theRecordedHealthPauseClearedByRetryAndTheDataPlaneGateRejectedByUpdateReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-health-retry-rejected.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedAutoApprovalsAndAPolicyHeldTeardownGateRejectedBySignalReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(
            () ->
                worker.replayWorkflowExecution(
                    history("cluster-upgrade-auto-approved-rejected-by-signal.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedGateThatRemindsTwiceBeforeItIsApprovedReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-gate-reminders.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedKarpenterExternalStrategyVerifiedAfterARetryReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-karpenter-external.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedIstioExternalStrategyWithTheGatewaysGateReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-istio-external.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedSkippedControlPlaneStepAndTheAbortedVerificationReplay() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-control-plane-skipped.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                worker.replayWorkflowExecution(
                    history("control-plane-1.34-start-refused.json", UPGRADE_ID + "/control-plane-1.34")))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedNodeGroupKeptBackBehindASkippedControlPlaneReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-node-skew-guard.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedSkippedAddonStepReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-addon-skipped.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedHealthPauseAbortedReplays() {
    Worker worker = registered(ClusterUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("cluster-upgrade-health-abort.json", UPGRADE_ID)))
        .doesNotThrowAnyException();
  }

  @Test
  void theRecordedFleetWithASoakAGateAndAFailedClusterReplays() {
    Worker worker = env.newWorker("replay-fleet");
    worker.registerWorkflowImplementationTypes(
        UpgradeActivityOptions.implementationOptions(UpgradeActivityOptions.defaults()),
        io.eksupgrader.workflows.fleet.FleetUpgradeWorkflowImpl.class);
    assertThatCode(() -> worker.replayWorkflowExecution(history("fleet-upgrade.json", "eks-fleet/platform")))
        .doesNotThrowAnyException();
  }

  @Test
  void anUnguardedChangeToTheFleetIsCaughtByReplay() {
    Worker worker = env.newWorker("replay-fleet-changed");
    worker.registerWorkflowImplementationTypes(
        UpgradeActivityOptions.implementationOptions(UpgradeActivityOptions.defaults()), ChangedFleet.class);
    assertThatThrownBy(() -> worker.replayWorkflowExecution(history("fleet-upgrade.json", "eks-fleet/platform")))
        .hasMessageContaining("TMPRL1100");
  }

  /** The released fleet with a timer added in front, as a careless change would do. */
  public static class ChangedFleet extends io.eksupgrader.workflows.fleet.FleetUpgradeWorkflowImpl {
    @Override
    public io.eksupgrader.workflows.fleet.FleetResult upgrade(io.eksupgrader.workflows.fleet.FleetRequest request) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.upgrade(request);
    }
  }

  private Worker registered(Class<?> upgradeImplementation) {
    Worker worker = env.newWorker("replay");
    worker.registerWorkflowImplementationTypes(
        UpgradeActivityOptions.implementationOptions(UpgradeActivityOptions.defaults()),
        upgradeImplementation,
        ControlPlaneUpgradeWorkflowImpl.class,
        NodeGroupUpgradeWorkflowImpl.class);
    return worker;
  }

  /** The workflow id is part of what replays: child ids and request tokens derive from it. */
  private static WorkflowExecutionHistory history(String name, String workflowId) throws IOException {
    try (InputStream in = WorkflowReplayTest.class.getResourceAsStream("/histories/" + name)) {
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), workflowId);
    }
  }

  /** The released workflow with a timer added in front, as a careless change would do. */
  public static class ChangedWithoutGetVersion implements ClusterUpgradeWorkflow {
    private final ClusterUpgradeWorkflowImpl released = new ClusterUpgradeWorkflowImpl();

    @Override
    public UpgradeResult upgrade(UpgradeRequest request) {
      Workflow.sleep(Duration.ofSeconds(1));
      return released.upgrade(request);
    }

    @Override
    public UpgradeStatus status() {
      return released.status();
    }

    @Override
    public String approveGate(Approval approval) {
      return released.approveGate(approval);
    }

    @Override
    public void validateApproveGate(Approval approval) {
      released.validateApproveGate(approval);
    }

    @Override
    public String rejectGate(Approval approval) {
      return released.rejectGate(approval);
    }

    @Override
    public void validateRejectGate(Approval approval) {
      released.validateRejectGate(approval);
    }

    @Override
    public String decideStep(OperatorDecision decision) {
      return released.decideStep(decision);
    }

    @Override
    public void validateDecideStep(OperatorDecision decision) {
      released.validateDecideStep(decision);
    }

    @Override
    public String announceCancel(io.eksupgrader.workflows.model.CancelRequest cancel) {
      return released.announceCancel(cancel);
    }

    @Override
    public void validateAnnounceCancel(io.eksupgrader.workflows.model.CancelRequest cancel) {
      released.validateAnnounceCancel(cancel);
    }
  }
}
