package io.eksupgrader.workflows.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.activities.NotificationActivities.Events;
import io.eksupgrader.workflows.activities.NotificationActivities.Notification;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.HealthGateOptions;
import io.eksupgrader.workflows.model.NotificationOptions;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Approval policies, health gates and notifications: who may let an upgrade go on, what pauses it,
 * and who is told.
 */
class OperatorWorkflowTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);
  private static final String PROMETHEUS = "http://prometheus.monitoring:9090";

  private final FakeEks eks = new FakeEks("1.33");
  private final FakeDataPlane nodes = new FakeDataPlane();
  private final FakeOperator operator = new FakeOperator();
  private final FakeAddons addons = new FakeAddons(eks);

  @RegisterExtension final TestWorkflowExtension testWorkflow = extension(eks, nodes, operator, addons);

  /** Drains heartbeat every 2 s at most, so that a cancelled drain learns it within seconds. */
  static TestWorkflowExtension extension(Object... activities) {
    Map<String, ActivityOptions> options = new java.util.LinkedHashMap<>(UpgradeActivityOptions.defaults());
    options.put(
        ActivityTypes.DRAIN_NODE,
        UpgradeActivityOptions.options(
            Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5), 3));
    TestWorkflowExtension.Builder builder =
        TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(
                UpgradeActivityOptions.implementationOptions(options),
                ClusterUpgradeWorkflowImpl.class,
                ControlPlaneUpgradeWorkflowImpl.class,
                NodeGroupUpgradeWorkflowImpl.class)
            .setActivityImplementations(
                List.of(activities, new Object[] {new FakeKarpenterFargate(), new FakeComponents(), new FakeChecks()})
                    .stream()
                    .flatMap(java.util.Arrays::stream)
                    .toArray());
    UpgradeSearchAttributes.ALL.forEach(
        key -> builder.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return builder.build();
  }

  @Test
  void onlyListedApproversOtherThanTheStarterMayApproveAndEveryAttemptIsAudited(
      WorkflowClient client, WorkflowOptions options) {
    ApprovalPolicy policy =
        new ApprovalPolicy(Map.of("control-plane", List.of("alice", "bob")), true, List.of(), List.of());
    ClusterUpgradeWorkflow upgrade = start(client, options, request(policy, null, null, false, "alice"));

    UpgradeStatus atGate = awaitGate(client, "control-plane-1.34");
    assertThat(atGate.openGate().type()).isEqualTo("control-plane");
    assertThat(atGate.openGate().approvers()).containsExactly("alice", "bob");
    assertThat(atGate.approvals().fourEyes()).isTrue();

    assertThatThrownBy(() -> upgrade.approveGate(new Approval("control-plane-1.34", "alice", "mine", "alice@laptop")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("four eyes: alice started this upgrade");
    assertThatThrownBy(() -> upgrade.approveGate(new Approval("control-plane-1.34", "carol", null, "carol@laptop")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("carol may not answer control-plane gates; allowed: alice, bob");
    // The Temporal UI's signal: "by" is only a claim, so the same rules apply to it.
    client.newUntypedWorkflowStub(ID).signal("approve", Map.of("gate", "control-plane-1.34", "by", "Alice"));
    awaitStatus(client, s -> s.audit().size() == 3);
    assertThat(eks.mutatingCalls()).as("no refused approval moved anything").isEmpty();

    upgrade.approveGate(new Approval("control-plane-1.34", "bob", "CHG-7", "bob@bastion"));
    awaitStatus(client, s -> s.currentVersion().equals("1.34"));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(result.status().audit())
        .extracting(AuditEntry::by, AuditEntry::accepted, AuditEntry::via, AuditEntry::identity)
        .containsExactly(
            tuple("alice", false, "update", "alice@laptop"),
            tuple("carol", false, "update", "carol@laptop"),
            tuple("Alice", false, "signal",
                "not known to the workflow: the Temporal server records the sender's identity on the signal's"
                    + " WorkflowExecutionSignaled history event"),
            tuple("bob", true, "update", "bob@bastion"));
    assertThat(result.status().audit().get(2).reason()).startsWith("four eyes");
  }

  @Test
  void theWorkersPolicyIsAFloorThatTheSpecCanTightenButNotLoosen(WorkflowClient client, WorkflowOptions options) {
    operator.workerPolicy(
        new ApprovalPolicy(Map.of("*", List.of("bob", "dave")), false, List.of(), List.of("control-plane")));
    ApprovalPolicy spec = new ApprovalPolicy(Map.of("*", List.of("alice", "bob")), false, List.of(), List.of());
    ClusterUpgradeWorkflow upgrade = start(client, options, request(spec, null, null, true, "carol"));

    UpgradeStatus atGate = awaitGate(client, "control-plane-1.34");
    assertThat(atGate.openGate().approvers())
        .as("only names on both lists; --auto-approve does not pass a gate type the worker keeps for humans")
        .containsExactly("bob");
    assertThatThrownBy(() -> upgrade.approveGate(new Approval("control-plane-1.34", "alice", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("alice may not answer control-plane gates; allowed: bob");
    upgrade.approveGate(new Approval("control-plane-1.34", "bob", null));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
  }

  @Test
  void listsThatShareNoNameRefuseTheUpgradeBeforeAnyChange(WorkflowClient client, WorkflowOptions options) {
    operator.workerPolicy(new ApprovalPolicy(Map.of("control-plane", List.of("bob")), false, List.of(), List.of()));
    ApprovalPolicy spec = new ApprovalPolicy(Map.of("control-plane", List.of("alice")), false, List.of(), List.of());
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(
            ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(ID).build());

    assertThatThrownBy(() -> upgrade.upgrade(request(spec, null, null, false, "carol")))
        .isInstanceOf(WorkflowFailedException.class)
        .hasStackTraceContaining("approvals.approvers.control-plane [alice] shares no name with the worker's list [bob]");
    assertThat(eks.calls()).as("refused before even the cluster is looked at").isEmpty();
  }

  @Test
  void aGateTypeTheSpecAutoApprovesPassesWithoutAHumanAndSaysWhy(WorkflowClient client, WorkflowOptions options) {
    ApprovalPolicy spec = new ApprovalPolicy(Map.of(), false, List.of("control-plane"), List.of());
    start(client, options, request(spec, null, null, false, "carol"));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(result.status().audit())
        .extracting(AuditEntry::target, AuditEntry::via, AuditEntry::reason)
        .containsExactly(tuple("control-plane-1.34", "policy", "approvals.autoApprove lists control-plane"));
  }

  @Test
  void aBreachBeforeAGatePausesWithTheQueryValueAndMaximumUntilAnOperatorDecides(
      WorkflowClient client, WorkflowOptions options) {
    operator.value("istio-5xx", when -> 7.5);
    operator.value("apiserver-p99", when -> 0.2);
    ClusterUpgradeWorkflow upgrade =
        start(client, options, request(null, health(), NotificationOptions.defaults(), false, "carol"));

    UpgradeStatus paused = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(paused.pendingDecision().step()).isEqualTo("control-plane-1.34");
    assertThat(paused.pendingDecision().allowed())
        .containsExactly(DecisionAction.RETRY, DecisionAction.CONTINUE, DecisionAction.ABORT);
    assertThat(paused.pendingDecision().error())
        .contains("health gate breached before gate control-plane-1.34")
        .contains("istio-5xx = 7.5 req/s > max 1")
        .contains("sum(rate(istio_requests_total{response_code=~\"5.*\"}[5m])) by (destination_service)")
        .doesNotContain("apiserver-p99");
    assertThat(paused.openGate()).as("the gate does not open over a breach").isNull();
    assertThat(paused.health().breaches()).hasSize(1);
    assertThat(eks.mutatingCalls()).isEmpty();
    assertThat(operator.notifications()).extracting(Notification::event).contains(Events.HEALTH_BREACH);

    assertThatThrownBy(
            () -> upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.SKIP, "alice", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("SKIP is not possible");
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "alice", "still bad?"));
    awaitStatus(client, s -> s.pendingDecision() != null && s.audit().size() == 2);
    assertThat(operator.evaluations()).containsExactly("before gate control-plane-1.34", "before gate control-plane-1.34");

    operator.value("istio-5xx", when -> 0.1);
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "alice", "rollout fixed"));
    UpgradeStatus atGate = awaitGate(client, "control-plane-1.34");
    assertThat(atGate.openGate().health()).as("the gate shows the values it opened on").isNotNull();
    assertThat(atGate.openGate().health().readings()).extracting(r -> r.gate() + " " + r.breached())
        .contains("istio-5xx false", "apiserver-p99 false");
    assertThat(currentDetails(client)).contains("istio-5xx = 0.1 req/s ≤ max 1");
    upgrade.approveGate(new Approval("control-plane-1.34", "alice", null));
    assertThat(client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class).outcome())
        .isEqualTo(UpgradeOutcome.SUCCEEDED);
  }

  @Test
  void aBreachDuringADrainStopsTheDrainAndRetryResumesIt(WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 2);
    CountDownLatch release = new CountDownLatch(1);
    nodes.slowDrains = release;
    ClusterUpgradeWorkflow upgrade =
        start(client, options, request(null, health(), NotificationOptions.defaults(), false, "carol"));
    approveWhenOpen(client, upgrade, "control-plane-1.34");
    approveWhenOpen(client, upgrade, "data-plane");
    await().atMost(Duration.ofSeconds(20)).until(() -> nodes.calls().contains("DrainNode started apps-node-1"));

    operator.value("istio-5xx", when -> when.startsWith("while node group apps") ? 12.0 : 0.0);
    UpgradeStatus stopped = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(stopped.pendingDecision().step()).isEqualTo("nodegroup-apps");
    assertThat(stopped.pendingDecision().error())
        .contains("health gate breached while node group apps is replaced: istio-5xx = 12 req/s > max 1")
        .contains("retry resumes it");
    assertThat(stepState(stopped, "nodegroup-apps")).isEqualTo(StepState.FAILED);
    await().atMost(Duration.ofSeconds(20)).until(() -> nodes.drainsCancelled.get() >= 1);
    assertThat(nodes.calls()).as("the drain never finished while the service failed").doesNotContain("DrainNode apps-node-1");
    assertThat(nodes.isCordoned("apps-node-1")).as("stopping is not a rollback").isTrue();

    operator.value("istio-5xx", when -> 0.0);
    release.countDown();
    upgrade.decideStep(new OperatorDecision("nodegroup-apps", DecisionAction.RETRY, "alice", "errors gone"));
    approveWhenOpen(client, upgrade, "teardown-apps");
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls())
        .as("the second attempt reuses the group the first created")
        .filteredOn(c -> c.startsWith("CreateReplacementNodeGroup"))
        .hasSize(2)
        .allMatch(c -> c.equals("CreateReplacementNodeGroup apps -> apps-1-34"));
    assertThat(nodes.calls()).contains("DrainNode apps-node-1", "DrainNode apps-node-2");
    assertThat(
            client.fetchHistory(ID + "/nodegroup-apps/attempt-2").getEvents().stream()
                .filter(e -> e.hasActivityTaskScheduledEventAttributes() && e.hasUserMetadata())
                .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName() + ": "
                    + e.getUserMetadata().getSummary().getData().toStringUtf8()))
        .as("the Temporal UI shows what each long activity does")
        .contains(
            "AwaitNodeGroupReady: \"wait for apps-1-34 to have 2 Ready nodes\"",
            "DrainNode: \"drain apps-node-1 of node group apps\"",
            "DrainNode: \"drain apps-node-2 of node group apps\"");
  }

  @Test
  void aBreachDuringAControlPlaneUpdateWhichCannotBeStoppedHoldsTheNextStep(WorkflowClient client, WorkflowOptions options) {
    eks.updateMillis = 3000;
    operator.value("apiserver-p99", when -> when.startsWith("while the control plane") ? 4.0 : 0.3);
    ClusterUpgradeWorkflow upgrade = start(client, options, request(null, health(), null, true, "carol"));

    UpgradeStatus held = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(held.pendingDecision().step()).isEqualTo("verify");
    assertThat(held.pendingDecision().error())
        .contains("health gates were breached while the last step ran")
        .contains("health gate breached while the control plane updates to 1.34: apiserver-p99 = 4 s > max 1")
        .contains("decide continue to go on");
    assertThat(stepState(held, "control-plane-1.34")).as("the update itself went on").isEqualTo(StepState.SUCCEEDED);
    assertThat(eks.mutatingCalls()).containsExactly("StartVersionUpdate 1.34");

    upgrade.decideStep(new OperatorDecision("verify", DecisionAction.CONTINUE, "alice", "p99 was the update itself"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(result.status().health().breaches()).hasSize(1);
  }

  @Test
  void withoutPrometheusTheGatesAreSkippedAndTheStatusSaysSo(WorkflowClient client, WorkflowOptions options) {
    operator.value("istio-5xx", when -> 99.0);
    start(client, options, request(null, null, null, true, "carol"));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(result.status().health().configured()).isFalse();
    assertThat(result.status().health().summary()).contains("not configured").contains("--prometheus-url");
    assertThat(operator.evaluations()).isEmpty();
  }

  @Test
  void aPrometheusThatDoesNotAnswerCountsAsABreach(WorkflowClient client, WorkflowOptions options) {
    operator.value("istio-5xx", when -> {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("connection refused", "IOException");
    });
    start(client, options, request(null, health(), null, false, "carol"));

    UpgradeStatus paused = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(paused.pendingDecision().error())
        .contains("karpenter-launch-failures: no answer (Prometheus did not answer: IOException: connection refused)");
  }

  @Test
  void notificationsGoToTheSpecsChannelForTheEventsItAsksFor(WorkflowClient client, WorkflowOptions options) {
    eks.failStarts("1.34", 1);
    ClusterUpgradeWorkflow upgrade =
        start(
            client,
            options,
            request(null, null, new NotificationOptions(false, "payments-oncall", List.of()), false, "carol"));
    approveWhenOpen(client, upgrade, "control-plane-1.34");
    awaitStatus(client, s -> s.pendingDecision() != null);
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "alice", null));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(operator.notifications())
        .extracting(Notification::event)
        // Notifications are sent without waiting, so they may arrive in another order than sent.
        .containsExactlyInAnyOrder(Events.GATE_OPENED, Events.STEP_FAILED, Events.UPGRADE_ENDED);
    assertThat(operator.notifications()).extracting(Notification::channel).containsOnly("payments-oncall");
    Notification gate = notification(Events.GATE_OPENED);
    assertThat(gate.title()).isEqualTo("us-east-1/payments: gate control-plane-1.34 waits for approval");
    assertThat(gate.text())
        .contains("eks-upgrader approve --gate control-plane-1.34 --cluster payments --region us-east-1")
        .contains("{\"gate\":\"control-plane-1.34\",\"by\":\"<your name>\",\"comment\":\"<why>\"}");
    assertThat(notification(Events.STEP_FAILED).text()).contains("eks-upgrader decide --step control-plane-1.34 --retry");
    assertThat(notification(Events.UPGRADE_ENDED).title()).isEqualTo("us-east-1/payments: upgrade succeeded");
    var attributes = client.newUntypedWorkflowStub(ID).describe().getTypedSearchAttributes();
    assertThat(attributes.get(UpgradeSearchAttributes.REGION)).isEqualTo("us-east-1");
  }

  private Notification notification(String event) {
    return operator.notifications().stream().filter(n -> n.event().equals(event)).findFirst().orElseThrow();
  }

  @Test
  void notificationsCanBeTurnedOffOrNarrowed(WorkflowClient client, WorkflowOptions options) {
    start(client, options, request(null, null, new NotificationOptions(false, null, List.of(Events.UPGRADE_ENDED)), true, "carol"));
    client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(operator.notifications()).extracting(Notification::event).containsExactly(Events.UPGRADE_ENDED);
  }

  @Test
  void aGateThatWaitsLongIsAnnouncedAgainAndNeverApprovesItself(
      WorkflowClient client, WorkflowOptions options, io.temporal.testing.TestWorkflowEnvironment env) {
    ClusterUpgradeWorkflow upgrade = start(client, options, request(null, null, null, false, "carol"));
    awaitGate(client, "control-plane-1.34");
    env.sleep(Duration.ofMinutes(95));
    UpgradeStatus later = awaitStatus(client, s -> s.openGate() != null && s.openGate().reminders() == 3);
    assertThat(later.openGate().gate()).isEqualTo("control-plane-1.34");
    assertThat(operator.notifications())
        .extracting(Notification::event)
        .containsExactly(Events.GATE_OPENED, Events.GATE_REMINDER, Events.GATE_REMINDER, Events.GATE_REMINDER);
    assertThat(eks.mutatingCalls()).isEmpty();
    upgrade.rejectGate(new Approval("control-plane-1.34", "carol", "the starter may always stop it"));
    assertThat(client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class).outcome())
        .isEqualTo(UpgradeOutcome.REJECTED);
  }

  /**
   * Records the golden history of the {@code operator-experience} release (see {@link
   * RecordHistoriesTest}): four eyes refusing the starter, a breach before a gate continued by
   * decision, a breach during a drain that stops it, and its retry; and, from the same run, the
   * node group and control-plane children whose long activities carry summaries.
   */
  @org.junit.jupiter.api.Disabled("recorded from the operator-experience release; never re-record it")
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "record.histories", matches = "true")
  @Test
  void recordPolicyHealthPausesAndAStoppedDrain(WorkflowClient client, WorkflowOptions options) throws Exception {
    nodes.addGroup("apps", "1.33", 2);
    CountDownLatch release = new CountDownLatch(1);
    nodes.slowDrains = release;
    operator.workerPolicy(new ApprovalPolicy(Map.of(), true, List.of(), List.of()));
    operator.value("istio-5xx", when -> when.equals("before gate control-plane-1.34") ? 3.0 : 0.0);
    ApprovalPolicy spec = new ApprovalPolicy(Map.of("control-plane", List.of("alice", "bob")), false, List.of(), List.of());
    ClusterUpgradeWorkflow upgrade =
        start(client, options, request(spec, health(), NotificationOptions.defaults(), false, "alice"));

    awaitStatus(client, s -> s.pendingDecision() != null);
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.CONTINUE, "bob", "known canary"));
    awaitGate(client, "control-plane-1.34");
    assertThatThrownBy(() -> upgrade.approveGate(new Approval("control-plane-1.34", "alice", null)))
        .isInstanceOf(WorkflowUpdateException.class);
    upgrade.approveGate(new Approval("control-plane-1.34", "bob", null, "bob@bastion"));
    awaitGate(client, "data-plane");
    upgrade.approveGate(new Approval("data-plane", "bob", null));
    await().atMost(Duration.ofSeconds(20)).until(() -> nodes.calls().contains("DrainNode started apps-node-1"));
    operator.value("istio-5xx", when -> when.startsWith("while node group apps") ? 12.0 : 0.0);
    awaitStatus(client, s -> s.pendingDecision() != null);
    operator.value("istio-5xx", when -> 0.0);
    release.countDown();
    upgrade.decideStep(new OperatorDecision("nodegroup-apps", DecisionAction.RETRY, "bob", null));
    awaitGate(client, "teardown-apps");
    upgrade.approveGate(new Approval("teardown-apps", "bob", null));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    java.nio.file.Files.createDirectories(RecordHistoriesTest.DIR);
    java.nio.file.Files.writeString(
        RecordHistoriesTest.DIR.resolve("cluster-upgrade-operator.json"), client.fetchHistory(ID).toJson(true));
    java.nio.file.Files.writeString(
        RecordHistoriesTest.DIR.resolve("node-group-apps-summaries.json"),
        client.fetchHistory(ID + "/nodegroup-apps/attempt-2").toJson(true));
    java.nio.file.Files.writeString(
        RecordHistoriesTest.DIR.resolve("control-plane-1.34-summaries.json"),
        client.fetchHistory(ID + "/control-plane-1.34").toJson(true));
  }

  /**
   * Records gate and decision branches no other history holds: a health pause before a gate that a
   * {@code decide --retry} clears, then the data-plane gate rejected through the CLI's update. The
   * recorders below are @Disabled once their histories are committed; never re-record them.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (operator-experience 1); never re-record it")
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "record.histories", matches = "true")
  @Test
  void recordAHealthPauseRetriedAndAGateRejectedByUpdate(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    nodes.addGroup("apps", "1.33", 1);
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    operator.value("istio-5xx", when -> when.equals("before gate control-plane-1.34") && asked.getAndIncrement() == 0 ? 3.0 : 0.0);
    ClusterUpgradeWorkflow upgrade =
        start(client, options, request(null, health(), NotificationOptions.defaults(), false, "carol"));

    awaitStatus(client, s -> s.pendingDecision() != null);
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "bob", "5xx gone", "bob@bastion"));
    approveWhenOpen(client, upgrade, "control-plane-1.34");
    awaitGate(client, "data-plane");
    upgrade.rejectGate(new Approval("data-plane", "bob", "change freeze", "bob@bastion"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.REJECTED);
    assertThat(eks.mutatingCalls()).containsExactly("StartVersionUpdate 1.34");

    java.nio.file.Files.createDirectories(RecordHistoriesTest.DIR);
    java.nio.file.Files.writeString(
        RecordHistoriesTest.DIR.resolve("cluster-upgrade-health-retry-rejected.json"), client.fetchHistory(ID).toJson(true));
  }

  /**
   * An auto-approved upgrade whose worker policy keeps the teardown gate for a human, who rejects it
   * from the Temporal UI's signal: the new group stays, the old one is not deleted.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (operator-experience 1); never re-record it")
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "record.histories", matches = "true")
  @Test
  void recordAnAutoApprovedUpgradeWithAGateKeptForAHumanRejectedBySignal(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    nodes.addGroup("apps", "1.33", 1);
    operator.workerPolicy(new ApprovalPolicy(Map.of(), false, List.of(), List.of("teardown")));
    start(client, options, request(null, null, NotificationOptions.defaults(), true, "carol"));

    UpgradeStatus atTeardown = awaitGate(client, "teardown-apps");
    assertThat(atTeardown.audit()).extracting(AuditEntry::via).contains("option");
    client.newUntypedWorkflowStub(ID).signal("reject", Map.of("gate", "teardown-apps", "by", "bob", "comment", "keep it"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.REJECTED);
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("DeleteNodeGroup"));

    java.nio.file.Files.createDirectories(RecordHistoriesTest.DIR);
    java.nio.file.Files.writeString(
        RecordHistoriesTest.DIR.resolve("cluster-upgrade-auto-approved-rejected-by-signal.json"),
        client.fetchHistory(ID).toJson(true));
  }

  /** A gate that waits past two reminders (each a notification) before it is approved. */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (operator-experience 1); never re-record it")
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "record.histories", matches = "true")
  @Test
  void recordAGateThatRemindsTwiceBeforeItIsApproved(
      WorkflowClient client, WorkflowOptions options, io.temporal.testing.TestWorkflowEnvironment env) throws Exception {
    ClusterUpgradeWorkflow upgrade =
        start(client, options, request(null, null, NotificationOptions.defaults(), false, "carol"));
    awaitGate(client, "control-plane-1.34");
    env.sleep(Duration.ofMinutes(61));
    awaitStatus(client, s -> s.openGate() != null && s.openGate().reminders() == 2);
    upgrade.approveGate(new Approval("control-plane-1.34", "bob", "after two reminders"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(operator.notifications()).extracting(Notification::event).contains(Events.GATE_REMINDER);

    java.nio.file.Files.createDirectories(RecordHistoriesTest.DIR);
    java.nio.file.Files.writeString(
        RecordHistoriesTest.DIR.resolve("cluster-upgrade-gate-reminders.json"), client.fetchHistory(ID).toJson(true));
  }

  /**
   * A health pause before gate control-plane-1.34 that an operator aborts ({@code decide --abort}):
   * the upgrade ends ABORTED there, the gate never opens, and neither the control plane nor the node
   * group is touched.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (operator-cancel 1); never re-record it")
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "record.histories", matches = "true")
  @Test
  void recordAHealthPauseAborted(WorkflowClient client, WorkflowOptions options) throws Exception {
    nodes.addGroup("apps", "1.33", 1);
    operator.value("istio-5xx", when -> 3.0);
    ClusterUpgradeWorkflow upgrade =
        start(client, options, request(null, health(), NotificationOptions.defaults(), false, "carol"));

    UpgradeStatus paused = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(paused.pendingDecision().step()).isEqualTo("control-plane-1.34");
    assertThat(paused.pendingDecision().error()).contains("health gate breached before gate control-plane-1.34");
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.ABORT, "bob", "5xx from the canary", "bob@bastion"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(result.message())
        .isEqualTo("aborted by an operator at a health pause before step control-plane-1.34; the cluster runs 1.33");
    assertThat(stepState(result.status(), "control-plane-1.34")).isEqualTo(StepState.ABORTED);
    assertThat(result.status().steps())
        .filteredOn(s -> !s.id().equals("preflight") && !s.id().equals("control-plane-1.34"))
        .as("nothing after the aborted pause ran; the end marks it cancelled")
        .allMatch(s -> s.state() == StepState.CANCELLED && s.attempts() == 0);
    assertThat(operator.evaluations()).as("asked once, then aborted").containsExactly("before gate control-plane-1.34");
    assertThat(eks.mutatingCalls()).isEmpty();
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("Create") || c.startsWith("Cordon") || c.startsWith("Drain"));

    java.nio.file.Files.createDirectories(RecordHistoriesTest.DIR);
    java.nio.file.Files.writeString(
        RecordHistoriesTest.DIR.resolve("cluster-upgrade-health-abort.json"), client.fetchHistory(ID).toJson(true));
  }

  @Test
  void withoutTheDataPlaneAndAddonPhasesOnlyTheControlPlaneMovesBehindItsOwnGate(
      WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 1);
    addons.add("vpc-cni", "v1.19.0-eksbuild.1");
    addons.add("coredns", "v1.11.4-eksbuild.2");
    UpgradeRequest request =
        new UpgradeRequest(
            CLUSTER,
            "1.34",
            new UpgradeOptions(
                false, 30, null, 0, null, null, false, null, null, null, null,
                new io.eksupgrader.workflows.model.PhaseSelection(false, false)),
            "carol");
    ClusterUpgradeWorkflow upgrade = start(client, options, request);

    UpgradeStatus atGate = awaitGate(client, "control-plane-1.34");
    assertThat(atGate.steps())
        .extracting(StepStatus::id)
        .as("no add-on, node group, teardown step; the minor's gate moved from the VPC CNI to the control plane")
        .containsExactly("preflight", "control-plane-1.34", "verify");
    upgrade.approveGate(new Approval("control-plane-1.34", "alice", null));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("Create") || c.startsWith("Cordon") || c.startsWith("Drain"));
    assertThat(eks.mutatingCalls()).containsExactly("StartVersionUpdate 1.34");
    assertThat(result.status().steps().get(2).detail())
        .contains("kept behind by an operator's decision: apps (1.33)")
        .contains("the spec's phases leave out the data plane and the add-ons");
  }

  private static HealthGateOptions health() {
    return new HealthGateOptions(PROMETHEUS, 1, Map.of(), List.of(), List.of());
  }

  private static UpgradeRequest request(
      ApprovalPolicy approvals,
      HealthGateOptions health,
      NotificationOptions notifications,
      boolean autoApprove,
      String requestedBy) {
    return new UpgradeRequest(
        CLUSTER,
        "1.34",
        new UpgradeOptions(autoApprove, 30, null, 0, null, null, false, null, approvals, health, notifications),
        requestedBy);
  }

  private static ClusterUpgradeWorkflow start(WorkflowClient client, WorkflowOptions options, UpgradeRequest request) {
    return DataPlaneWorkflowTest.start(client, options, request);
  }

  private static void approveWhenOpen(WorkflowClient client, ClusterUpgradeWorkflow upgrade, String gate) {
    awaitGate(client, gate);
    upgrade.approveGate(new Approval(gate, "alice", null));
  }

  private static UpgradeStatus awaitGate(WorkflowClient client, String gate) {
    return DataPlaneWorkflowTest.awaitGate(client, gate);
  }

  private static UpgradeStatus awaitStatus(WorkflowClient client, Predicate<UpgradeStatus> condition) {
    return DataPlaneWorkflowTest.awaitStatus(client, condition);
  }

  private static StepState stepState(UpgradeStatus status, String id) {
    return status.steps().stream().filter(s -> s.id().equals(id)).map(StepStatus::state).findFirst().orElseThrow();
  }

  private static String currentDetails(WorkflowClient client) {
    return client
        .newUntypedWorkflowStub(ID)
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }
}
