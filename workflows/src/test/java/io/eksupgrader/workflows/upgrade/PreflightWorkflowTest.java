package io.eksupgrader.workflows.upgrade;

import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.awaitStatus;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.detail;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.BackupOptions;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pre-flight's checks as the first phase: blockers stop the upgrade before any change until the
 * operator fixes them and retries; warnings wait at the {@code preflight} gate; a check that cannot
 * run says so; a dry run builds the plan and changes nothing; the checks run again before each later
 * minor; a group whose kubelets the path would leave too far behind is replaced on the way.
 */
class PreflightWorkflowTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);

  private final FakeEks eks = new FakeEks("1.32");
  private final FakeDataPlane nodes = new FakeDataPlane();
  private final FakeChecks checks = new FakeChecks();

  @RegisterExtension
  final TestWorkflowExtension testWorkflow = ClusterUpgradeWorkflowTest.extension(eks, nodes, checks);

  private static UpgradeRequest request(String target, boolean dryRun, BackupOptions backup) {
    return new UpgradeRequest(CLUSTER, target, new UpgradeOptions(false, 0, null, 0, null, null, dryRun, backup), "carol");
  }

  private static void approve(WorkflowClient client, ClusterUpgradeWorkflow upgrade, String gate) {
    awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals(gate));
    upgrade.approveGate(new Approval(gate, "alice", null));
  }

  private static UpgradeResult result(WorkflowClient client) {
    return client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
  }

  @Test
  void blockersStopTheUpgradeBeforeAnyChangeUntilTheOperatorFixesThemAndRetries(WorkflowClient client, WorkflowOptions options) {
    checks.add(PreflightActivities.DEPRECATED_API, Severity.BLOCKER, "shop/web-hpa (HorizontalPodAutoscaler)", "1.33",
        "autoscaling/v2beta2 is removed in 1.26");
    checks.add(PreflightActivities.SUPPORT_WINDOW, Severity.INFO, "1.34", null, "standard support until 2026-12-02");
    var upgrade = start(client, options, request("1.34", false, null));

    UpgradeStatus stopped = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(stopped.pendingDecision().step()).isEqualTo("preflight");
    assertThat(stopped.pendingDecision().error())
        .contains("1 pre-flight blocker(s): [deprecated-api] shop/web-hpa (HorizontalPodAutoscaler): autoscaling/v2beta2 is removed in 1.26")
        .contains("Fix them, then decide retry to run pre-flight again; nothing has been changed");
    assertThat(stopped.findings()).extracting(PreflightFinding::check, PreflightFinding::severity)
        .as("blockers first")
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(PreflightActivities.DEPRECATED_API, Severity.BLOCKER),
            org.assertj.core.groups.Tuple.tuple(PreflightActivities.SUPPORT_WINDOW, Severity.INFO));
    assertThat(eks.mutatingCalls()).isEmpty();

    checks.clear(PreflightActivities.DEPRECATED_API);
    checks.clear(PreflightActivities.PDB_NEVER_ALLOWS);
    upgrade.decideStep(new OperatorDecision("preflight", DecisionAction.RETRY, "alice", "HPA moved to autoscaling/v2"));
    approve(client, upgrade, "control-plane-1.33");
    approve(client, upgrade, "control-plane-1.34");
    UpgradeResult result = result(client);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(checks.calls()).filteredOn(c -> c.startsWith(PreflightActivities.DEPRECATED_API))
        .as("pre-flight twice for the whole path, then again before the second minor only")
        .containsExactly("deprecated-api [1.33, 1.34]", "deprecated-api [1.33, 1.34]", "deprecated-api [1.34]");
    assertThat(detail(result.status(), "preflight")).contains("checks: 0 blocker(s), 0 warning(s), 1 info");
  }

  @Test
  void warningsWaitAtThePreflightGateAndACheckThatCannotRunIsOne(WorkflowClient client, WorkflowOptions options) {
    checks.add(PreflightActivities.PDB_NEVER_ALLOWS, Severity.WARNING, "ledger/writer (PodDisruptionBudget)", null,
        "maxUnavailable 0: no eviction is ever allowed");
    checks.fail(PreflightActivities.SUBNET_FREE_IPS, 1);
    var upgrade = start(client, options, request("1.33", false, null));

    UpgradeStatus atGate = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atGate.openGate().gate()).isEqualTo("preflight");
    assertThat(atGate.steps()).extracting(StepStatus::id).startsWith("preflight", "preflight-review", "control-plane-1.33");
    assertThat(atGate.findings())
        .filteredOn(f -> f.severity() == Severity.WARNING)
        .extracting(PreflightFinding::check, PreflightFinding::subject)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(PreflightActivities.CHECK_FAILED, "cluster-resources"),
            org.assertj.core.groups.Tuple.tuple(PreflightActivities.PDB_NEVER_ALLOWS, "ledger/writer (PodDisruptionBudget)"));
    assertThat(atGate.findings().get(0).evidence()).singleElement().asString().contains("AccessDeniedException: not authorized");
    assertThat(eks.mutatingCalls()).isEmpty();

    upgrade.approveGate(new Approval("preflight", "alice", "PDB owner informed"));
    approve(client, upgrade, "control-plane-1.33");
    UpgradeResult result = result(client);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(detail(result.status(), "preflight-review")).isEqualTo("pre-flight's 2 warning(s) were approved at gate preflight");
  }

  @Test
  void aDryRunBuildsThePlanAndChangesNothing(WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.32", 2);
    checks.add(PreflightActivities.INSIGHTS, Severity.BLOCKER, "Kubelet version skew", "1.33", "ERROR");
    start(client, options, request("1.34", true, new BackupOptions(true, null, null, null)));

    UpgradeResult result = result(client);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.PLANNED);
    assertThat(result.message()).isEqualTo("dry run: the plan has 6 steps after pre-flight; 1 blocker(s), 0 warning(s), 0 info; nothing was changed");
    assertThat(result.status().plan().steps()).extracting(PlanStep::id)
        .containsExactly("preflight", "backup", "control-plane-1.33", "control-plane-1.34", "nodegroup-apps", "teardown-apps", "verify")
        .as("the plan is there even with a blocker: the dry run shows what the upgrade would do once it is fixed");
    assertThat(result.status().findings()).singleElement().extracting(PreflightFinding::severity).isEqualTo(Severity.BLOCKER);
    assertThat(eks.mutatingCalls()).isEmpty();
    assertThat(nodes.calls()).as("only looks").allMatch(c -> c.startsWith("List"));
    assertThat(checks.calls()).noneMatch(c -> c.contains("Velero"));
  }

  @Test
  void theChecksRunAgainBeforeALaterMinorAndTheirBlockersStopItBeforeEks(WorkflowClient client, WorkflowOptions options) {
    var upgrade = start(client, options, request("1.34", false, new BackupOptions(true, "velero", null, "720h0m0s")));
    approve(client, upgrade, "control-plane-1.33");
    awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals("control-plane-1.34"));
    // Something started using an API 1.34 removes while the first minor ran.
    checks.add(PreflightActivities.DEPRECATED_API, Severity.BLOCKER, "apps/jobs (CronJob)", "1.34", "batch/v1beta1 is removed");
    // A bare pod is the drain's to stop on, not the control plane's.
    checks.add(
        PreflightActivities.PDB_NEVER_ALLOWS, PreflightActivities.POD_WITHOUT_CONTROLLER, Severity.BLOCKER, "ops/shell (Pod)",
        null, "has no controller");
    upgrade.approveGate(new Approval("control-plane-1.34", "alice", null));

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("control-plane-1.34");
    assertThat(failed.pendingDecision().error())
        .startsWith("pre-flight before 1.34: 1 pre-flight blocker(s): [deprecated-api] apps/jobs (CronJob): batch/v1beta1 is removed")
        .endsWith("EKS was not called for 1.34")
        .doesNotContain("ops/shell");
    assertThat(eks.mutatingCalls()).containsExactly("StartVersionUpdate 1.33");

    checks.clear(PreflightActivities.DEPRECATED_API);
    checks.clear(PreflightActivities.PDB_NEVER_ALLOWS);
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "alice", "CronJob moved to batch/v1"));
    UpgradeResult result = result(client);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(eks.mutatingCalls()).containsExactly("StartVersionUpdate 1.33", "StartVersionUpdate 1.34");
    assertThat(checks.calls()).filteredOn(c -> c.contains("Velero"))
        .as("the backup ran once, before the first change")
        .hasSize(2)
        .allMatch(c -> c.contains("eks-upgrade-payments-"));
    assertThat(detail(result.status(), "backup")).matches("Velero backup velero/eks-upgrade-payments-[0-9a-f]{8} Completed: 42 item\\(s\\)");
    assertThat(result.status().steps()).extracting(StepStatus::id).startsWith("preflight", "backup", "control-plane-1.33");
  }

  @Test
  void aGroupTheSkewRuleWouldLeaveBehindIsReplacedBeforeTheMinorThatWouldBreakIt(WorkflowClient client, WorkflowOptions options) {
    eks.version = "1.30";
    nodes.addGroup("apps", "1.27", 2);
    var upgrade = start(client, options, request("1.33", false, null));

    UpgradeStatus atGate = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atGate.steps()).extracting(s -> s.id() + (s.gate() == null ? "" : " [" + s.gate() + "]"))
        .as("1.31 allows kubelets three minors behind: 1.27 would be four")
        .containsExactly(
            "preflight",
            "nodegroup-apps [data-plane-1.30]",
            "teardown-apps [teardown-apps]",
            "control-plane-1.31 [control-plane-1.31]",
            "control-plane-1.32 [control-plane-1.32]",
            "control-plane-1.33 [control-plane-1.33]",
            "nodegroup-apps-1-30 [data-plane]",
            "teardown-apps-1-30 [teardown-apps-1-30]",
            "verify");
    assertThat(atGate.findings()).filteredOn(f -> f.check().equals(PreflightActivities.VERSION_SKEW))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).isEqualTo(
            "kubelets too far behind for control plane 1.31: the plan replaces these node groups at 1.30 before it"));
    for (String gate :
        List.of("data-plane-1.30", "teardown-apps", "control-plane-1.31", "control-plane-1.32", "control-plane-1.33", "data-plane", "teardown-apps-1-30")) {
      approve(client, upgrade, gate);
    }
    UpgradeResult result = result(client);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls())
        .containsSubsequence(
            "CreateReplacementNodeGroup apps -> apps-1-30",
            "DeleteNodeGroup apps",
            "CreateReplacementNodeGroup apps-1-30 -> apps-1-33",
            "DeleteNodeGroup apps-1-30");
    assertThat(result.status().steps()).allMatch(s -> s.state() == StepState.SUCCEEDED || s.id().equals("preflight"));
  }
}
