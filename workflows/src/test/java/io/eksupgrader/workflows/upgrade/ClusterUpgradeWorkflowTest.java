package io.eksupgrader.workflows.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClusterUpgradeWorkflowTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);

  private final FakeEks eks = new FakeEks("1.32");

  @RegisterExtension
  final TestWorkflowExtension testWorkflow = extension(eks, new FakeDataPlane());

  /** Tests that do not care about Karpenter, Fargate or add-ons get a cluster without them. */
  private static Object[] withKarpenterAndFargate(Object... activities) {
    List<Object> all = new java.util.ArrayList<>(List.of(activities));
    if (all.stream().noneMatch(a -> a instanceof FakeKarpenterFargate)) {
      all.add(new FakeKarpenterFargate());
    }
    if (all.stream().noneMatch(a -> a instanceof FakeAddons)) {
      all.add(new FakeAddons());
    }
    if (all.stream().noneMatch(a -> a instanceof FakeComponents)) {
      all.add(new FakeComponents());
    }
    if (all.stream().noneMatch(a -> a instanceof FakeChecks)) {
      all.add(new FakeChecks());
    }
    if (all.stream().noneMatch(a -> a instanceof FakeOperator)) {
      all.add(new FakeOperator());
    }
    return all.toArray();
  }

  static TestWorkflowExtension extension(Object... activities) {
    return extensionBuilder(activities).build();
  }

  /** The test environment of {@link #extension}, for tests that add client options (a data converter). */
  static TestWorkflowExtension.Builder extensionBuilder(Object... activities) {
    TestWorkflowExtension.Builder builder =
        TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(
                UpgradeActivityOptions.implementationOptions(UpgradeActivityOptions.defaults()),
                ClusterUpgradeWorkflowImpl.class,
                ControlPlaneUpgradeWorkflowImpl.class,
                NodeGroupUpgradeWorkflowImpl.class)
            .setActivityImplementations(withKarpenterAndFargate(activities));
    UpgradeSearchAttributes.ALL.forEach(
        key -> builder.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return builder;
  }

  @Test
  void upgradesOneMinorAtATimeAndChangesNothingBeforeEachGateIsApproved(
      WorkflowClient client, WorkflowOptions options) {
    ClusterUpgradeWorkflow upgrade = start(client, options, "1.34", false);

    UpgradeStatus atFirstGate = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atFirstGate.openGate().gate()).isEqualTo("control-plane-1.33");
    assertThat(atFirstGate.steps()).extracting(StepStatus::id)
        .containsExactly("preflight", "control-plane-1.33", "control-plane-1.34", "verify");
    assertThat(eks.mutatingCalls()).as("nothing mutates before the first approval").isEmpty();
    assertThat(client.newUntypedWorkflowStub(ID).describe().getTypedSearchAttributes().get(UpgradeSearchAttributes.AWAITING_GATE))
        .as("the UI can filter upgrades that wait for a human")
        .isEqualTo("control-plane-1.33");
    assertThat(currentDetails(client))
        .contains("**Waiting for approval** of gate `control-plane-1.33`")
        .contains("Send signal `approve` (or `reject`)")
        .contains("{\"gate\":\"control-plane-1.33\",\"by\":\"<your name>\",\"comment\":\"<why>\"}")
        .contains("eks-upgrader approve --gate control-plane-1.33 --cluster payments --region us-east-1");

    // The CLI path: an update with an immediate answer.
    assertThat(upgrade.approveGate(new Approval("control-plane-1.33", "alice", "change CHG-1")))
        .isEqualTo("approved gate control-plane-1.33");

    UpgradeStatus atSecondGate =
        awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals("control-plane-1.34"));
    assertThat(atSecondGate.currentVersion()).isEqualTo("1.33");
    assertThat(eks.mutatingCalls()).containsExactly("StartVersionUpdate 1.33");

    // The Temporal UI path: a signal with a plain JSON object.
    client.newUntypedWorkflowStub(ID).signal("approve", Map.of("gate", "control-plane-1.34", "by", "bob"));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(result.finalVersion()).isEqualTo("1.34");
    var attributes = client.newUntypedWorkflowStub(ID).describe().getTypedSearchAttributes();
    assertThat(attributes.get(UpgradeSearchAttributes.CLUSTER)).isEqualTo("us-east-1/payments");
    assertThat(attributes.get(UpgradeSearchAttributes.TARGET_VERSION)).isEqualTo("1.34");
    assertThat(attributes.get(UpgradeSearchAttributes.PHASE)).isEqualTo("succeeded");
    assertThat(attributes.containsKey(UpgradeSearchAttributes.AWAITING_GATE)).as("no gate waits any more").isFalse();
    assertThat(eks.calls())
        .containsExactly(
            "InspectCluster",
            "StartVersionUpdate 1.33",
            "AwaitVersionUpdate 1.33",
            "InspectCluster",
            "StartVersionUpdate 1.34",
            "AwaitVersionUpdate 1.34",
            "InspectCluster",
            "InspectCluster");
    assertThat(result.status().steps()).extracting(StepStatus::state).containsOnly(StepState.SUCCEEDED);
    assertThat(result.status().audit())
        .extracting(AuditEntry::kind, AuditEntry::target, AuditEntry::by, AuditEntry::accepted, AuditEntry::via)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("approve", "control-plane-1.33", "alice", true, "update"),
            org.assertj.core.groups.Tuple.tuple("approve", "control-plane-1.34", "bob", true, "signal"));
  }

  @Test
  void refusesWrongGatesAndMalformedPayloadsAndRecordsThemWithoutApproving(
      WorkflowClient client, WorkflowOptions options) {
    ClusterUpgradeWorkflow upgrade = start(client, options, "1.34", false);
    awaitStatus(client, s -> s.openGate() != null);
    var untyped = client.newUntypedWorkflowStub(ID);

    untyped.signal("approve", Map.of("gate", "control-plane-1.34", "by", "mallory"));
    untyped.signal("approve", Map.of("gate", "control-plane-9.99", "by", "mallory"));
    untyped.signal("approve", "yes please");
    untyped.signal("approve", Map.of("gate", "control-plane-1.33", "by", "eve", "force", "true"));
    untyped.signal("approve", Map.of("gate", "control-plane-1.33"));
    untyped.signal("aprove", Map.of("gate", "control-plane-1.33", "by", "eve"));
    untyped.signal("decide", Map.of("step", "control-plane-1.33", "action", "retry", "by", "eve"));
    assertThatThrownBy(() -> upgrade.approveGate(new Approval("verify", "mallory", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("unknown gate 'verify'");
    assertThatThrownBy(() -> upgrade.approveGate(new Approval("control-plane-1.33", " ", null)))
        .as("the validator refuses a payload without an approver")
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("gate and by are required");

    UpgradeStatus status = awaitStatus(client, s -> s.refused().size() >= 8);
    assertThat(status.openGate().gate()).as("the gate is still open").isEqualTo("control-plane-1.33");
    assertThat(status.audit()).noneMatch(AuditEntry::accepted);
    assertThat(status.refused())
        .extracting(AuditEntry::reason)
        .anySatisfy(r -> assertThat(r).contains("gate control-plane-1.34 is not open; the open gate is control-plane-1.33"))
        .anySatisfy(r -> assertThat(r).contains("unknown gate 'control-plane-9.99'"))
        .anySatisfy(r -> assertThat(r).contains("malformed payload: expected a JSON object"))
        .anySatisfy(r -> assertThat(r).contains("unknown field 'force'"))
        .anySatisfy(r -> assertThat(r).contains("names no approver"))
        .anySatisfy(r -> assertThat(r).contains("unknown signal 'aprove'"))
        .anySatisfy(r -> assertThat(r).contains("no step waits for a decision"))
        .anySatisfy(r -> assertThat(r).contains("unknown gate 'verify'"));
    assertThat(eks.mutatingCalls()).isEmpty();

    upgrade.rejectGate(new Approval("control-plane-1.33", "alice", "not during the sale"));
    UpgradeResult result = untyped.getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.REJECTED);
    assertThat(result.status().steps())
        .extracting(StepStatus::id, StepStatus::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("preflight", StepState.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("control-plane-1.33", StepState.REJECTED),
            org.assertj.core.groups.Tuple.tuple("control-plane-1.34", StepState.CANCELLED),
            org.assertj.core.groups.Tuple.tuple("verify", StepState.CANCELLED));
    assertThat(eks.mutatingCalls()).as("a rejected gate changes nothing").isEmpty();
  }

  @Test
  void aFailedStepWaitsForADecisionAndRetryRunsOnlyThatStepWithANewToken(
      WorkflowClient client, WorkflowOptions options) {
    eks.failStarts("1.34", 1);
    ClusterUpgradeWorkflow upgrade = start(client, options, "1.34", true);

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("control-plane-1.34");
    assertThat(currentDetails(client))
        .contains("**Step `control-plane-1.34` FAILED** and waits for a decision ([RETRY, SKIP, ABORT])")
        .contains("Send signal `decide`")
        .contains("EksInvalidRequest: Unsupported Kubernetes minor version update");
    assertThat(client.newUntypedWorkflowStub(ID).describe().getTypedSearchAttributes().get(UpgradeSearchAttributes.AWAITING_GATE))
        .isEqualTo("decide:control-plane-1.34");
    assertThat(failed.pendingDecision().error()).contains("EksInvalidRequest", "Unsupported Kubernetes minor version update");
    assertThat(failed.lastError()).startsWith("control-plane-1.34:");
    assertThat(stepState(failed, "control-plane-1.33")).isEqualTo(StepState.SUCCEEDED);
    assertThat(stepState(failed, "control-plane-1.34")).isEqualTo(StepState.FAILED);

    assertThatThrownBy(() -> upgrade.decideStep(new OperatorDecision("control-plane-1.33", DecisionAction.RETRY, "alice", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("step 'control-plane-1.33' does not wait for a decision");
    assertThat(upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "alice", "fixed")))
        .isEqualTo("RETRY accepted for step control-plane-1.34");

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(eks.mutatingCalls())
        .as("the completed 1.33 step is not run again")
        .containsExactly("StartVersionUpdate 1.33", "StartVersionUpdate 1.34", "StartVersionUpdate 1.34");
    assertThat(eks.tokens.get(2)).as("an operator's retry is a new EKS request").isNotEqualTo(eks.tokens.get(1));
    StepStatus retried = result.status().steps().stream().filter(s -> s.id().equals("control-plane-1.34")).findFirst().orElseThrow();
    assertThat(retried.attempts()).isEqualTo(2);
    assertThat(retried.state()).isEqualTo(StepState.SUCCEEDED);
  }

  @Test
  void skipGoesOnAndAbortEndsTheUpgradeWithLaterStepsCancelled(
      WorkflowClient client, WorkflowOptions options) {
    eks.failStarts("1.33", 1);
    start(client, options, "1.34", true);
    awaitStatus(client, s -> s.pendingDecision() != null);
    var untyped = client.newUntypedWorkflowStub(ID);
    untyped.signal("decide", Map.of("step", "control-plane-1.33", "action", "later", "by", "alice"));
    untyped.signal("decide", Map.of("step", "control-plane-1.33", "action", "skip", "by", "alice"));

    // Skipping 1.33 leaves the cluster at 1.32, so 1.34 fails next; abort ends it there.
    eks.failStarts("1.34", 1);
    awaitStatus(client, s -> s.pendingDecision() != null && s.pendingDecision().step().equals("control-plane-1.34"));
    untyped.signal("decide", Map.of("step", "control-plane-1.34", "action", "ABORT", "by", "alice"));

    UpgradeResult result = untyped.getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(result.status().steps())
        .extracting(StepStatus::state)
        .containsExactly(StepState.SUCCEEDED, StepState.SKIPPED, StepState.ABORTED, StepState.CANCELLED);
    assertThat(result.status().refused()).extracting(AuditEntry::reason)
        .containsExactly("malformed payload: action 'later' is not retry, skip, abort, force or continue");
    assertThat(eks.calls()).doesNotContain("AwaitVersionUpdate 1.33", "AwaitVersionUpdate 1.34");
  }

  @Test
  void aGateThatWaitsLongRemindsButNeverApprovesByItself(
      TestWorkflowEnvironment env, WorkflowClient client, WorkflowOptions options) {
    start(client, options, "1.33", false);
    awaitStatus(client, s -> s.openGate() != null);

    env.sleep(Duration.ofMinutes(UpgradeOptions.DEFAULT_GATE_REMINDER_MINUTES * 3 + 1));

    UpgradeStatus status = awaitStatus(client, s -> s.openGate() != null && s.openGate().reminders() == 3);
    assertThat(status.openGate().lastReminderAt()).isNotNull();
    assertThat(status.outcome()).isEqualTo(UpgradeOutcome.RUNNING);
    assertThat(eks.mutatingCalls()).isEmpty();
  }

  @Test
  void refusesBeforeAnyChangeWhenTheClusterCannotBeUpgraded(WorkflowClient client, WorkflowOptions options) {
    assertRefused(client, options, "1.32", "already runs 1.32: there is nothing to upgrade");
    assertRefused(client, options, "1.31", "EKS cannot downgrade");
    assertRefused(client, options, "1.36", "EKS does not offer Kubernetes 1.35");
    assertRefused(client, options, "1.33.2", "not an EKS Kubernetes version");
    eks.inProgress = List.of(new ClusterSnapshot.InProgressUpdate("u-1", "VersionUpdate", "1.33"));
    assertRefused(client, options, "1.33", "update u-1 (VersionUpdate to 1.33) is in progress");
    eks.inProgress = List.of();
    eks.status = "UPDATING";
    assertRefused(client, options, "1.33", "is UPDATING, not ACTIVE");
    eks.exists = false;
    assertRefused(client, options, "1.33", "does not exist: check the name and the region");
    assertThat(eks.mutatingCalls()).isEmpty();
  }

  @Test
  void aSecondUpgradeOfTheSameClusterIsRefusedWhileOneRuns(WorkflowClient client, WorkflowOptions options) {
    start(client, options, "1.34", false);
    assertThatThrownBy(() -> start(client, options, "1.33", false))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
  }

  private void assertRefused(WorkflowClient client, WorkflowOptions options, String target, String reason) {
    String id = ID + "-" + target + "-" + eks.status + "-" + eks.exists + "-" + eks.inProgress.size();
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(
            ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    assertThatThrownBy(() -> upgrade.upgrade(request(target, false)))
        .isInstanceOf(WorkflowFailedException.class)
        .hasStackTraceContaining(ClusterUpgradeWorkflowImpl.UPGRADE_REFUSED)
        .hasStackTraceContaining(reason);
    UpgradeStatus status = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id).status();
    assertThat(status.outcome()).isEqualTo(UpgradeOutcome.REFUSED);
    assertThat(client.fetchHistory(id).getEvents())
        .as("the refusal is visible to a search-attribute filter")
        .anyMatch(e -> e.hasUpsertWorkflowSearchAttributesEventAttributes()
            && e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap()
                .get("EksUpgradePhase").getData().toStringUtf8().contains("refused"));
    assertThat(status.steps()).extracting(StepStatus::state).containsExactly(StepState.FAILED);
  }

  private static ClusterUpgradeWorkflow start(
      WorkflowClient client, WorkflowOptions options, String target, boolean autoApprove) {
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(
            ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(ID).build());
    WorkflowClient.start(upgrade::upgrade, request(target, autoApprove));
    return client.newWorkflowStub(ClusterUpgradeWorkflow.class, ID);
  }

  static UpgradeRequest request(String target, boolean autoApprove) {
    return new UpgradeRequest(CLUSTER, target, new UpgradeOptions(autoApprove, 0), "carol");
  }

  private static UpgradeStatus awaitStatus(WorkflowClient client, Predicate<UpgradeStatus> condition) {
    ClusterUpgradeWorkflow upgrade = client.newWorkflowStub(ClusterUpgradeWorkflow.class, ID);
    UpgradeStatus[] last = new UpgradeStatus[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> condition.test(last[0] = upgrade.status()));
    return last[0];
  }

  /** What the Temporal UI shows as the workflow's current details. */
  private static String currentDetails(WorkflowClient client) {
    return client
        .newUntypedWorkflowStub(ID)
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }

  private static StepState stepState(UpgradeStatus status, String id) {
    return status.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().state();
  }
}
