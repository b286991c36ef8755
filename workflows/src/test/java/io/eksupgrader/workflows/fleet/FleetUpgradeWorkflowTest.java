package io.eksupgrader.workflows.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.workflows.activities.ApprovalPolicyActivities;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.upgrade.UpgradeActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A fleet's waves, gates, soak and failure rules, over fake cluster upgrades in simulated time. */
class FleetUpgradeWorkflowTest {

  static final String QUEUE = "fleet";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private static volatile ApprovalPolicy workerPolicy = ApprovalPolicy.none();

  /** The worker's approval policy, as the real activity reads it from configuration. */
  public static class WorkerPolicy implements ApprovalPolicyActivities {
    @Override
    public ApprovalPolicy loadApprovalPolicy() {
      return workerPolicy;
    }
  }

  @BeforeEach
  void setUp() {
    FakeClusterUpgrade.reset();
    workerPolicy = ApprovalPolicy.none();
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(
        UpgradeActivityOptions.implementationOptions(UpgradeActivityOptions.defaults()),
        FleetUpgradeWorkflowImpl.class,
        FakeClusterUpgrade.class);
    worker.registerActivitiesImplementations(new WorkerPolicy());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  static UpgradeRequest cluster(String name) {
    return new UpgradeRequest(new ClusterRef("us-east-1", name), "1.34", UpgradeOptions.defaults(), "alice");
  }

  static FleetWave wave(String name, int concurrency, long soakSeconds, boolean gate, String... clusters) {
    return new FleetWave(name, concurrency, soakSeconds, gate, Arrays.stream(clusters).map(FleetUpgradeWorkflowTest::cluster).toList());
  }

  static FleetRequest fleet(FailureMode onFailure, int maxFailures, ApprovalPolicy approvals, FleetWave... waves) {
    return new FleetRequest("platform", List.of(waves), onFailure, maxFailures, false, approvals, 0, "alice");
  }

  private FleetUpgradeWorkflow start(FleetRequest request) {
    FleetUpgradeWorkflow fleet =
        client.newWorkflowStub(
            FleetUpgradeWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(FleetIds.fleet(request.name())).build());
    WorkflowClient.start(fleet::upgrade, request);
    return fleet;
  }

  private FleetResult result() {
    return client.newUntypedWorkflowStub(FleetIds.fleet("platform")).getResult(FleetResult.class);
  }

  private FleetStatus awaitStatus(FleetUpgradeWorkflow fleet, Predicate<FleetStatus> condition) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> condition.test(fleet.status()));
    return fleet.status();
  }

  /** The most clusters of the given names that ran at once, counted from the starts and ends in order. */
  private static int mostAtOnce(List<FakeClusterUpgrade.Event> events, String prefix) {
    int running = 0;
    int most = 0;
    for (FakeClusterUpgrade.Event event : events) {
      if (event.cluster().startsWith(prefix)) {
        running += event.kind().equals("start") ? 1 : -1;
        most = Math.max(most, running);
      }
    }
    return most;
  }

  private static List<String> started(List<FakeClusterUpgrade.Event> events) {
    return events.stream().filter(e -> e.kind().equals("start")).map(FakeClusterUpgrade.Event::cluster).toList();
  }

  private static FleetClusterStatus clusterIn(FleetStatus status, String name) {
    return status.waves().stream().flatMap(w -> w.clusters().stream()).filter(c -> c.cluster().name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void wavesRunInOrderWithinTheirConcurrencySoakThenWaitAtTheGateUntilApproved() {
    FakeClusterUpgrade.MINUTES.putAll(Map.of("dev-1", 5, "dev-2", 10, "dev-3", 5, "dev-4", 20));
    FleetUpgradeWorkflow fleet =
        start(
            fleet(
                FailureMode.STOP_WAVE, 0, null,
                wave("dev", 2, 1800, false, "dev-1", "dev-2", "dev-3", "dev-4"),
                wave("staging", 1, 0, true, "stg-1", "stg-2")));

    env.sleep(Duration.ofHours(2));
    FleetStatus waiting = awaitStatus(fleet, s -> s.openGate() != null);
    assertThat(waiting.openGate().gate()).isEqualTo("wave-staging");
    assertThat(waiting.openGate().summary())
        .contains("after wave dev: 4/4 succeeded, soaked 30m")
        .contains("eks-upgrader fleet approve --name platform --wave staging");
    assertThat(waiting.waves().get(0).state()).isEqualTo(WaveState.SUCCEEDED);
    assertThat(waiting.waves().get(0).soakEndsAt()).isNotNull();
    assertThat(waiting.waves().get(1).state()).isEqualTo(WaveState.AWAITING_APPROVAL);
    env.sleep(Duration.ofHours(3));
    assertThat(started(FakeClusterUpgrade.events())).as("the gate holds staging back, however long").doesNotContain("stg-1", "stg-2");

    assertThat(fleet.approveGate(new Approval("wave-staging", "bob", "dev looks fine"))).isEqualTo("approved gate wave-staging");
    FleetResult result = result();

    assertThat(result.outcome()).isEqualTo(FleetOutcome.SUCCEEDED);
    List<FakeClusterUpgrade.Event> events = FakeClusterUpgrade.events();
    // Clusters started in the same workflow task begin in any order; waves never overlap.
    assertThat(started(events).subList(0, 4)).containsExactlyInAnyOrder("dev-1", "dev-2", "dev-3", "dev-4");
    assertThat(started(events).subList(4, 6)).containsExactly("stg-1", "stg-2");
    assertThat(mostAtOnce(events, "dev-")).as("dev's concurrency 2 is used and never exceeded").isEqualTo(2);
    assertThat(mostAtOnce(events, "stg-")).isEqualTo(1);
    long lastDevEnd = events.stream().filter(e -> e.kind().equals("end") && e.cluster().startsWith("dev-")).mapToLong(FakeClusterUpgrade.Event::atMillis).max().orElseThrow();
    long firstStagingStart = events.stream().filter(e -> e.kind().equals("start") && e.cluster().startsWith("stg-")).mapToLong(FakeClusterUpgrade.Event::atMillis).min().orElseThrow();
    assertThat(firstStagingStart - lastDevEnd).as("the soak after dev").isGreaterThanOrEqualTo(Duration.ofMinutes(30).toMillis());
    assertThat(result.status().waves()).extracting(WaveStatus::state).containsExactly(WaveState.SUCCEEDED, WaveState.SUCCEEDED);
    assertThat(clusterIn(result.status(), "stg-2").workflowId()).isEqualTo("eks-upgrade/us-east-1/stg-2");
    assertThat(clusterIn(result.status(), "stg-2").state()).isEqualTo(FleetClusterState.SUCCEEDED);
  }

  @Test
  void theGateRefusesMalformedWrongAndDisallowedApprovalsAndRecordsThemThenTakesTheAllowedOne() {
    workerPolicy = new ApprovalPolicy(Map.of(), true, List.of(), List.of());
    ApprovalPolicy spec = new ApprovalPolicy(Map.of("*", List.of("alice", "bob")), false, List.of(), List.of());
    FleetUpgradeWorkflow fleet =
        start(fleet(FailureMode.STOP_WAVE, 0, spec, wave("dev", 1, 0, false, "dev-1"), wave("prod", 1, 0, true, "prod-1")));
    env.sleep(Duration.ofMinutes(20));
    awaitStatus(fleet, s -> s.openGate() != null);
    assertThat(fleet.status().openGate().approvers()).containsExactly("alice", "bob");

    var untyped = client.newUntypedWorkflowStub(FleetIds.fleet("platform"));
    untyped.signal("approve", "yes please");
    untyped.signal("approve", Map.of("gate", "wave-prod", "by", "bob", "when", "now"));
    untyped.signal("approve", Map.of("gate", "wave-dev", "by", "bob"));
    assertThatThrownBy(() -> fleet.approveGate(new Approval("wave-prod", "alice", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("four eyes");
    assertThatThrownBy(() -> fleet.approveGate(new Approval("wave-prod", "carol", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("allowed: alice, bob");
    FleetStatus refused = awaitStatus(fleet, s -> s.audit().size() == 5);
    assertThat(refused.audit()).noneMatch(AuditEntry::accepted);
    assertThat(refused.audit()).extracting(AuditEntry::reason)
        .anyMatch(r -> r.contains("malformed payload: expected a JSON object"))
        .anyMatch(r -> r.contains("unknown field 'when'"))
        .anyMatch(r -> r.contains("unknown gate 'wave-dev'"));
    assertThat(refused.openGate()).isNotNull();
    assertThat(started(FakeClusterUpgrade.events())).containsExactly("dev-1");

    untyped.signal("approve", Map.of("gate", "wave-prod", "by", "bob", "comment", "go"));
    FleetResult result = result();

    assertThat(result.outcome()).isEqualTo(FleetOutcome.SUCCEEDED);
    assertThat(started(FakeClusterUpgrade.events())).containsExactly("dev-1", "prod-1");
    assertThat(result.status().audit()).filteredOn(AuditEntry::accepted).extracting(AuditEntry::by).containsExactly("bob");
  }

  @Test
  void aRejectedGateStopsTheFleetAndSkipsTheRest() {
    FleetUpgradeWorkflow fleet =
        start(fleet(FailureMode.STOP_WAVE, 0, null, wave("dev", 1, 60, false, "dev-1"), wave("prod", 1, 0, true, "prod-1")));
    env.sleep(Duration.ofMinutes(20));
    awaitStatus(fleet, s -> s.openGate() != null);
    fleet.rejectGate(new Approval("wave-prod", "carol", "not today"));
    FleetResult result = result();

    assertThat(result.outcome()).isEqualTo(FleetOutcome.REJECTED);
    assertThat(result.status().waves()).extracting(WaveStatus::state).containsExactly(WaveState.SUCCEEDED, WaveState.REJECTED);
    assertThat(clusterIn(result.status(), "prod-1").state()).isEqualTo(FleetClusterState.SKIPPED);
    assertThat(started(FakeClusterUpgrade.events())).containsExactly("dev-1");
  }

  @Test
  void aFailedClusterStopsItsWaveFromSpreadingAndNoLaterWaveStarts() {
    FakeClusterUpgrade.FAILING.put("dev-2", "abort");
    FleetResult result =
        runToEnd(fleet(FailureMode.STOP_WAVE, 0, null, wave("dev", 1, 0, false, "dev-1", "dev-2", "dev-3", "dev-4"), wave("prod", 2, 0, false, "prod-1")));

    assertThat(result.outcome()).isEqualTo(FleetOutcome.FAILED);
    assertThat(result.message()).contains("1 cluster(s) failed (onFailure stop-wave)");
    assertThat(started(FakeClusterUpgrade.events())).containsExactly("dev-1", "dev-2");
    assertThat(clusterIn(result.status(), "dev-2").state()).isEqualTo(FleetClusterState.FAILED);
    assertThat(clusterIn(result.status(), "dev-2").message()).isEqualTo("aborted after a failed step");
    assertThat(clusterIn(result.status(), "dev-3").state()).isEqualTo(FleetClusterState.SKIPPED);
    assertThat(clusterIn(result.status(), "dev-4").state()).isEqualTo(FleetClusterState.SKIPPED);
    assertThat(clusterIn(result.status(), "prod-1").state()).isEqualTo(FleetClusterState.SKIPPED);
    assertThat(result.status().waves()).extracting(WaveStatus::state).containsExactly(WaveState.FAILED, WaveState.SKIPPED);
  }

  @Test
  void withContinueFailuresAreRecordedUntilMaxFailuresThenTheFleetStops() {
    FakeClusterUpgrade.FAILING.put("dev-1", "throw");
    FakeClusterUpgrade.FAILING.put("prod-1", "abort");
    FleetResult result =
        runToEnd(fleet(FailureMode.CONTINUE, 2, null, wave("dev", 3, 0, false, "dev-1", "dev-2", "dev-3"), wave("prod", 1, 0, false, "prod-1", "prod-2")));

    assertThat(result.outcome()).isEqualTo(FleetOutcome.FAILED);
    assertThat(started(FakeClusterUpgrade.events()).subList(0, 3)).containsExactlyInAnyOrder("dev-1", "dev-2", "dev-3");
    assertThat(started(FakeClusterUpgrade.events()).subList(3, 4)).containsExactly("prod-1");
    assertThat(clusterIn(result.status(), "dev-1").message()).contains("the fake upgrade of dev-1 broke");
    assertThat(clusterIn(result.status(), "dev-2").state()).isEqualTo(FleetClusterState.SUCCEEDED);
    assertThat(clusterIn(result.status(), "prod-2").state()).isEqualTo(FleetClusterState.SKIPPED);
    assertThat(result.status().failures()).isEqualTo(2);
  }

  @Test
  void withContinueAndRoomLeftEveryWaveRunsAndTheFleetEndsWithFailures() {
    FakeClusterUpgrade.FAILING.put("dev-1", "abort");
    FleetResult result =
        runToEnd(fleet(FailureMode.CONTINUE, 0, null, wave("dev", 2, 0, false, "dev-1", "dev-2"), wave("prod", 1, 0, false, "prod-1")));

    assertThat(result.outcome()).isEqualTo(FleetOutcome.SUCCEEDED_WITH_FAILURES);
    assertThat(started(FakeClusterUpgrade.events())).containsExactlyInAnyOrder("dev-1", "dev-2", "prod-1");
    assertThat(started(FakeClusterUpgrade.events()).get(2)).isEqualTo("prod-1");
  }

  @Test
  void aBadRequestIsRefusedBeforeAnyClusterStarts() {
    FleetRequest bad =
        fleet(
            FailureMode.STOP_WAVE, 0, null,
            wave("dev", 0, 0, false, "dev-1", "shared"),
            wave("empty", 1, 0, true),
            wave("prod", 1, 0, true, "shared"));
    start(bad);

    assertThatThrownBy(this::result)
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getType()).isEqualTo(FleetUpgradeWorkflowImpl.FLEET_REFUSED);
              assertThat(failure.getOriginalMessage())
                  .contains("no cluster was started")
                  .contains("waves[0] (dev): concurrency 0 is below 1")
                  .contains("waves[1] (empty): the wave has no cluster")
                  .contains("cluster us-east-1/shared is listed twice (also in waves[0] (dev))");
            });
    assertThat(FakeClusterUpgrade.events()).isEmpty();
  }

  /**
   * Records the golden history of the first fleet release, replayed by WorkflowReplayTest: two
   * waves, a soak, a refused signal and an approval at the gate, a failed cluster with continue.
   */
  @org.junit.jupiter.api.Disabled("recorded from the first fleet release; never re-record it")
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "record.histories", matches = "true")
  @Test
  void recordFleetUpgrade() throws Exception {
    FakeClusterUpgrade.FAILING.put("dev-2", "abort");
    FleetUpgradeWorkflow fleet =
        start(
            fleet(
                FailureMode.CONTINUE, 0, null,
                wave("dev", 2, 600, false, "dev-1", "dev-2", "dev-3"),
                wave("prod", 1, 0, true, "prod-1")));
    env.sleep(Duration.ofHours(1));
    awaitStatus(fleet, s -> s.openGate() != null);
    client.newUntypedWorkflowStub(FleetIds.fleet("platform")).signal("approve", "not an object");
    awaitStatus(fleet, s -> s.audit().size() == 1);
    fleet.approveGate(new Approval("wave-prod", "bob", "dev is fine"));
    assertThat(result().outcome()).isEqualTo(FleetOutcome.SUCCEEDED_WITH_FAILURES);
    java.nio.file.Path dir = java.nio.file.Path.of("src", "test", "resources", "histories");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("fleet-upgrade.json"), client.fetchHistory(FleetIds.fleet("platform")).toJson(true));
  }

  private FleetResult runToEnd(FleetRequest request) {
    start(request);
    return result();
  }
}
