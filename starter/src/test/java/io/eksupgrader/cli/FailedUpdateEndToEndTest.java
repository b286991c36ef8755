package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An EKS update that fails: the step turns FAILED and waits; an operator's retry is a new EKS
 * request (a new token, so a new update, which fails again); abort ends the upgrade there.
 */
class FailedUpdateEndToEndTest {

  private static final String SCENARIO =
      """
      name: failing
      timeScale: 600
      clusters:
        - name: shop
          region: ap-northeast-2
          version: "1.32"
      faults:
        failUpdatesTo: ["1.34"]
      """;

  @Test
  void aFailedUpdateWaitsForTheOperatorWhoRetriesThenAborts() {
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(SCENARIO, "failing"), 0, 0, "failing")) {
      env.startWorker();
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "failing", "--identity", "bob",
        "--cluster", "shop", "--region", "ap-northeast-2"
      };
      CliRun started = CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out())
            .contains("Step `control-plane-1.34` FAILED")
            .contains("EksUpdateFailed")
            .contains("\"step\":\"control-plane-1.34\"");
      });
      assertThat(env.sandbox.callLog().count("UpdateClusterVersion", CallLog.Effect.CREATED)).isEqualTo(2);

      CliRun wrongStep = CliRun.of(CliRun.concat(new String[] {"decide", "--step", "control-plane-1.33", "--skip"}, where));
      assertThat(wrongStep.exitCode()).as(wrongStep.toString()).isEqualTo(ExitCodes.REFUSED);
      assertThat(wrongStep.err()).contains("step 'control-plane-1.33' does not wait for a decision");

      CliRun retry = CliRun.of(CliRun.concat(new String[] {"decide", "--step", "control-plane-1.34", "--retry"}, where));
      assertThat(retry.exitCode()).as(retry.toString()).isEqualTo(ExitCodes.OK);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status", "--json"}, where));
        assertThat(status.out()).contains("\"attempts\" : 2").contains("\"pendingDecision\" : {");
      });
      assertThat(env.sandbox.callLog().entries("UpdateClusterVersion"))
          .as("the retry is a new request to EKS, with a new token")
          .extracting(CallLog.Entry::version, CallLog.Entry::effect)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("1.33", CallLog.Effect.CREATED),
              org.assertj.core.groups.Tuple.tuple("1.34", CallLog.Effect.CREATED),
              org.assertj.core.groups.Tuple.tuple("1.34", CallLog.Effect.CREATED));

      CliRun abort = CliRun.of(CliRun.concat(new String[] {"decide", "--step", "control-plane-1.34", "--abort", "--comment", "open a case"}, where));
      assertThat(abort.exitCode()).as(abort.toString()).isEqualTo(ExitCodes.OK);
      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.UPGRADE_NOT_SUCCEEDED);
      assertThat(watched.out())
          .contains("— ABORTED")
          .contains("the cluster runs 1.33")
          .contains("| control-plane-1.34 | ABORTED | 2 |")
          .contains("| verify | CANCELLED |");
    }
  }

}
