package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input, given to the real CLI against one sandbox and one real worker, is
 * refused before any mutating AWS or Kubernetes call: the sandbox's call log stays empty after each
 * row, and the CLI says what was wrong and what to do, with its documented exit code. Refused
 * approvals and decisions are also recorded in the upgrade's audit while it stays where it was.
 */
class BadInputsEndToEndTest {

  private static final String SCENARIO =
      """
      name: bad-inputs
      timeScale: 600
      clusters:
        - name: shop
          region: eu-west-1
          version: "1.32"
          nodeGroups:
            - {name: apps, version: "1.32", desiredSize: 1, labels: {role: apps}}
        - name: gated
          region: eu-west-1
          version: "1.32"
        - name: blocked
          region: eu-west-1
          version: "1.32"
          nodeGroups:
            - {name: apps, version: "1.32", desiredSize: 1, labels: {role: apps}}
          kubernetes:
            workloads:
              # No controller: a drain with kubectl's defaults refuses it, so pre-flight blocks.
              - {namespace: ops, name: debug-shell, kind: Pod, nodeSelector: {role: apps}}
      """;

  private static final String QUEUE = "bad-inputs";
  private static final ClusterRef GATED = new ClusterRef("eu-west-1", "gated");
  private static final ClusterRef BLOCKED = new ClusterRef("eu-west-1", "blocked");

  private static LocalEnvironment env;
  private static TemporalConnection connection;

  @TempDir Path files;

  @BeforeAll
  static void startOneSandboxAndWorker() {
    env = LocalEnvironment.start(Scenario.parse(SCENARIO, QUEUE), 0, 0, QUEUE);
    env.startWorker();
    connection = env.connect(QUEUE);
  }

  @AfterAll
  static void stop() {
    connection.close();
    env.close();
  }

  @AfterEach
  void nothingWasChanged() {
    assertThat(env.sandbox.callLog().entries()).as("mutating calls after this row:\n" + env.callSummary()).isEmpty();
  }

  /** The CLI as {@code identity}, the shared Temporal options after the command's own arguments. */
  private static CliRun cli(String identity, String... args) {
    return CliRun.of(
        CliRun.concat(args, "--temporal", env.temporalTarget(), "--task-queue", QUEUE, "--identity", identity));
  }

  private static CliRun start(String cluster, String region, String target, String... more) {
    return cli("alice", CliRun.concat(new String[] {"start", "--cluster", cluster, "--region", region, "--to", target}, more));
  }

  @Test
  void anUnknownClusterIsRefusedNamingTheClusterAndTheRegion() {
    CliRun run = start("nope", "eu-west-1", "1.33");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("does not exist: check the name and the region");
  }

  @Test
  void aClusterInAnotherRegionIsNotFound() {
    CliRun run = start("shop", "us-west-2", "1.33");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("does not exist: check the name and the region");
  }

  @Test
  void aDowngradeIsRefused() {
    CliRun run = start("shop", "eu-west-1", "1.31");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("EKS cannot downgrade");
  }

  @Test
  void theCurrentVersionAsTargetIsRefused() {
    CliRun run = start("shop", "eu-west-1", "1.32");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("already runs 1.32: there is nothing to upgrade");
  }

  @Test
  void aVersionEksDoesNotOfferIsRefused() {
    CliRun run = start("shop", "eu-west-1", "1.36");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("EKS does not offer Kubernetes 1.35");
  }

  @Test
  void aMalformedVersionIsRefusedBeforeAnythingIsStarted() {
    CliRun run = start("payments", "eu-west-1", "1.33.2");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("invalid request, nothing was started").contains("MAJOR.MINOR");
    assertNothingStarted("payments");
  }

  @Test
  void aSpecFileWithAnUnknownKeyOrABadTypeIsRefusedNamingEachProblem() throws IOException {
    Path spec = files.resolve("payments.yaml");
    Files.writeString(
        spec,
        """
        cluster: payments
        region: eu-west-1
        targetVersion: "1.33"
        drains: {force: true}
        nodeGroupConcurrency: two
        """);

    CliRun run = cli("alice", "start", "--spec", spec.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err())
        .contains("payments.yaml")
        .contains("unknown key 'drains'")
        .contains("nodeGroupConcurrency: 'two' is not a whole number");
    assertNothingStarted("payments");
  }

  /**
   * One upgrade waits at its first gate under four eyes with named approvers; every malformed or
   * unauthorised answer is refused with exit 3, recorded in the audit, and leaves it at that gate.
   */
  @Test
  void malformedAndUnauthorisedApprovalsAndDecisionsAreRefusedAndRecordedWhileTheGateStaysOpen() {
    CliRun started =
        start(
            "gated", "eu-west-1", "1.33", "--no-addons", "--no-data-plane", "--four-eyes",
            "--approver", "*=bob", "--no-wait");
    assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
    String gate = awaitOpenGate(GATED);
    assertThat(gate).as("pre-flight's warnings wait for a human first").isEqualTo("preflight");
    String[] where = {"--cluster", "gated", "--region", "eu-west-1"};

    CliRun unknown = cli("bob", CliRun.concat(new String[] {"approve", "--gate", "control-plane-9.99"}, where));
    CliRun badName = cli("bob", CliRun.concat(new String[] {"approve", "--gate", "verify"}, where));
    CliRun notOpen = cli("bob", CliRun.concat(new String[] {"approve", "--gate", "control-plane-1.33"}, where));
    CliRun notListed = cli("mallory", CliRun.concat(new String[] {"approve", "--gate", gate}, where));
    CliRun starter = cli("alice", CliRun.concat(new String[] {"approve", "--gate", gate}, where));
    CliRun notFailed =
        cli("bob", CliRun.concat(new String[] {"decide", "--step", "control-plane-1.33", "--retry"}, where));

    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(unknown.err()).contains("unknown gate 'control-plane-9.99'");
    assertThat(badName.exitCode()).as(badName.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(badName.err()).contains("unknown gate 'verify'");
    assertThat(notOpen.exitCode()).as(notOpen.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(notOpen.err()).contains("gate control-plane-1.33 is not open; the open gate is preflight");
    assertThat(notListed.exitCode()).as(notListed.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(notListed.err()).contains("mallory").contains("bob");
    assertThat(starter.exitCode()).as(starter.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(starter.err()).contains("four eyes: alice started this upgrade and may not approve its gates; ask someone else");
    assertThat(notFailed.exitCode()).as(notFailed.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(notFailed.err()).contains("no step waits for a decision; decide is only taken for a FAILED step");

    assertThat(List.of(unknown, badName, notOpen, notListed, starter, notFailed))
        .as("the validator's words, without Temporal's failure type")
        .allSatisfy(r -> assertThat(r.err()).startsWith("eks-upgrader: refused: ").doesNotContain("type='"));

    UpgradeStatus status = connection.status(GATED);
    assertThat(status.outcome()).isEqualTo(UpgradeOutcome.RUNNING);
    assertThat(status.openGate().gate()).as("still at its gate").isEqualTo(gate);
    assertThat(status.currentVersion()).isEqualTo("1.32");
    assertThat(status.audit())
        .as("every refusal is recorded in order, none as an approval")
        .extracting(AuditEntry::kind, AuditEntry::by, AuditEntry::target, AuditEntry::accepted)
        .containsExactly(
            tuple("approve", "bob", "control-plane-9.99", false),
            tuple("approve", "bob", "verify", false),
            tuple("approve", "bob", "control-plane-1.33", false),
            tuple("approve", "mallory", gate, false),
            tuple("approve", "alice", gate, false),
            tuple("decide", "bob", "control-plane-1.33", false));

    CliRun rejected = cli("carol", CliRun.concat(new String[] {"reject", "--gate", gate, "--comment", "test over"}, where));
    assertThat(rejected.exitCode()).as(rejected.toString()).isEqualTo(ExitCodes.OK);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> connection.status(GATED).outcome() != UpgradeOutcome.RUNNING);
  }

  /** Pre-flight's blocker stops an upgrade at a failed step: no gate is open, only that step waits. */
  @Test
  void anApprovalWhenNoGateIsOpenAndADecisionForAStepThatDidNotFailAreRefused() {
    CliRun started = start("blocked", "eu-west-1", "1.33", "--no-addons", "--no-data-plane");
    assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(started.err()).contains("pre-flight stopped the upgrade before any change");
    String[] where = {"--cluster", "blocked", "--region", "eu-west-1"};

    CliRun approve = cli("bob", CliRun.concat(new String[] {"approve", "--gate", "preflight"}, where));
    CliRun decide =
        cli("bob", CliRun.concat(new String[] {"decide", "--step", "control-plane-1.33", "--skip"}, where));
    CliRun force = cli("bob", CliRun.concat(new String[] {"decide", "--step", "preflight", "--force"}, where));

    assertThat(approve.exitCode()).as(approve.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(approve.err()).contains("unknown gate 'preflight'; the plan is not built yet");
    assertThat(decide.exitCode()).as(decide.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(decide.err()).contains("step 'control-plane-1.33' does not wait for a decision; step preflight does");
    assertThat(force.exitCode()).as(force.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(force.err()).contains("FORCE is not possible for step preflight; allowed: [RETRY, ABORT]");

    UpgradeStatus status = connection.status(BLOCKED);
    assertThat(status.outcome()).isEqualTo(UpgradeOutcome.RUNNING);
    assertThat(status.openGate()).isNull();
    assertThat(status.pendingDecision().step()).isEqualTo("preflight");
    assertThat(status.steps()).filteredOn(s -> s.id().equals("preflight")).extracting(s -> s.state())
        .containsExactly(StepState.FAILED);
    assertThat(status.audit()).hasSize(3).noneMatch(AuditEntry::accepted);

    CliRun abort = cli("bob", CliRun.concat(new String[] {"decide", "--step", "preflight", "--abort"}, where));
    assertThat(abort.exitCode()).as(abort.toString()).isEqualTo(ExitCodes.OK);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> connection.status(BLOCKED).outcome() != UpgradeOutcome.RUNNING);
  }

  /** Refused before Temporal was asked: no workflow exists for that cluster. */
  private static void assertNothingStarted(String cluster) {
    CliRun status = cli("alice", "status", "--cluster", cluster, "--region", "eu-west-1");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  private static String awaitOpenGate(ClusterRef cluster) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> connection.status(cluster).openGate(), g -> g != null)
        .gate();
  }
}
