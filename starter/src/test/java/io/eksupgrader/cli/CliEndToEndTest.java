package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI's commands against a dev environment (test server, sandbox, in-process worker), the way
 * an operator uses them from a second terminal.
 */
class CliEndToEndTest {

  private static LocalEnvironment env;

  @BeforeAll
  static void startDevEnvironment() {
    env = LocalEnvironment.start(Scenario.fromResource(Scenarios.DEMO), 0, 0, "cli-e2e");
    env.startWorker();
  }

  @AfterAll
  static void stop() {
    env.close();
  }


  private static String[] args(String command, String... more) {
    String[] common = {
      command, "--temporal", env.temporalTarget(), "--task-queue", "cli-e2e", "--identity", "alice",
      "--cluster", "demo", "--region", "us-east-1"
    };
    String[] all = new String[common.length + more.length];
    System.arraycopy(common, 0, all, 0, common.length);
    System.arraycopy(more, 0, all, common.length, more.length);
    return all;
  }

  /** Waits until the upgrade's open gate is this one, then approves it from the command line. */
  private static void approveWhenOpen(String gate) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
        assertThat(CliRun.of(args("status", "--json")).out()).containsPattern("\"openGate\" : \\{\\s*\"gate\" : \"" + gate + "\""));
    CliRun approved = CliRun.of(args("approve", "--gate", gate));
    assertThat(approved.exitCode()).as(approved.toString()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void anOperatorStartsApprovesIsRefusedAndRejectsFromTheCommandLine() {
    CliRun bad = CliRun.of(args("start", "--to", "1.34.1"));
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("invalid request, nothing was started").contains("MAJOR.MINOR");
    CliRun badStrategy = CliRun.of(args("start", "--to", "1.34", "--istio-strategy", "argo"));
    assertThat(badStrategy.exitCode()).as(badStrategy.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badStrategy.err()).contains("--istio-strategy 'argo' is not one of helm, external, skip; nothing was started");

    String[] charts = {"--karpenter-chart-source", env.chartSource(), "--istio-chart-source", env.chartSource()};

    // The plan first: with kubectl drain's defaults, the meshed pods' emptyDir and a bare pod block.
    int callsBefore = env.sandbox.callLog().entries().size();
    CliRun blocked = CliRun.of(args("plan", CliRun.concat(new String[] {"--to", "1.34", "--format", "json"}, charts)));
    assertThat(blocked.exitCode()).as(blocked.toString()).isEqualTo(ExitCodes.PLAN_BLOCKERS);
    assertThat(blocked.out())
        .contains("\"outcome\" : \"PLANNED\"")
        .contains("\"check\" : \"pod-emptydir\"")
        .contains("\"check\" : \"pod-without-controller\"")
        .contains("\"subject\" : \"ops/debug-shell (Pod)\"")
        .contains("\"id\" : \"control-plane-1.34\"");
    CliRun markdown =
        CliRun.of(
            args("plan", CliRun.concat(new String[] {"--to", "1.34", "--format", "markdown", "--delete-emptydir-data", "--drain-force"}, charts)));
    assertThat(markdown.exitCode()).as("warnings only: " + markdown).isEqualTo(ExitCodes.PLAN_WARNINGS);
    assertThat(markdown.out())
        .contains("| 2 | `preflight-review` |")
        .contains("| WARNING | `pod-without-controller` | ops/debug-shell (Pod) |")
        .contains("| WARNING | `control-plane-logging` |")
        .doesNotContain("| BLOCKER |");
    CliRun text = CliRun.of(args("plan", CliRun.concat(new String[] {"--to", "1.33", "--delete-emptydir-data"}, charts)));
    assertThat(text.exitCode()).as(text.toString()).isEqualTo(ExitCodes.PLAN_BLOCKERS);
    assertThat(text.out())
        .contains("Plan for us-east-1/demo: 1.32 → 1.33")
        .contains("nothing was changed")
        .containsPattern("BLOCKER +pod-without-controller +ops/debug-shell \\(Pod\\)")
        .contains("karpenter-crds")
        .contains("control-plane-1.33")
        .doesNotContain("control-plane-1.34");
    assertThat(env.sandbox.callLog().entries()).as("three dry runs changed nothing").hasSize(callsBefore);

    CliRun started = CliRun.of(args("start", CliRun.concat(new String[] {"--to", "1.34", "--delete-emptydir-data"}, charts)));
    assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(started.out())
        .contains("Started upgrade eks-upgrade/us-east-1/demo")
        .contains("**BLOCKER** `pod-without-controller` ops/debug-shell (Pod)");
    assertThat(started.err())
        .contains("pre-flight stopped the upgrade before any change")
        .contains("decide retry to run pre-flight again; nothing has been changed");
    assertThat(env.sandbox.callLog().entries()).as("blockers stop the upgrade before any change").hasSize(callsBefore);

    CliRun again = CliRun.of(args("start", "--to", "1.33"));
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(again.err()).contains("an upgrade of us-east-1/demo is already running: workflow eks-upgrade/us-east-1/demo");

    // The operator deletes the debugging pod and runs pre-flight again; its warnings wait at gate preflight.
    env.sandbox.kubernetes("us-east-1", "demo").adminClient().pods().inNamespace("ops").withName("debug-shell").delete();
    CliRun retried = CliRun.of(args("decide", "--step", "preflight", "--retry", "--comment", "debug pod removed"));
    assertThat(retried.exitCode()).as(retried.toString()).isEqualTo(ExitCodes.OK);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
        assertThat(CliRun.of(args("status")).out())
            .contains("Waiting for approval** of gate `preflight`")
            .contains("**WARNING** `pod-emptydir` shop/cache (StatefulSet)")
            .doesNotContain("**BLOCKER**"));

    CliRun early = CliRun.of(args("approve", "--gate", "control-plane-1.33"));
    assertThat(early.exitCode()).as(early.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(early.err()).contains("gate control-plane-1.33 is not open; the open gate is preflight");
    approveWhenOpen("preflight");

    // Karpenter, then Istio one revision at a time, each old revision removed behind its own gate.
    for (String gate : new String[] {"karpenter", "istio-1.27", "istio-1.26-remove", "istio-1.28", "istio-1.27-remove"}) {
      approveWhenOpen(gate);
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
        assertThat(CliRun.of(args("status", "--json")).out()).containsPattern("\"openGate\" : \\{\\s*\"gate\" : \"control-plane-1.33\""));

    CliRun approved = CliRun.of(args("approve", "--gate", "control-plane-1.33", "--comment", "CHG-42"));
    assertThat(approved.exitCode()).as(approved.toString()).isEqualTo(ExitCodes.OK);
    assertThat(approved.out()).contains("approved gate control-plane-1.33");

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      CliRun status = CliRun.of(args("status", "--json"));
      // The gate of 1.34 opens after 1.33's control plane and the add-ons that follow it.
      assertThat(status.out())
          .containsPattern("\"openGate\" : \\{\\s*\"gate\" : \"control-plane-1.34\"")
          .contains("\"currentVersion\" : \"1.33\"");
    });

    CliRun listed = CliRun.of("list", "--temporal", env.temporalTarget());
    assertThat(listed.exitCode()).as(listed.toString()).isEqualTo(ExitCodes.OK);
    assertThat(listed.out()).contains("eks-upgrade/us-east-1/demo").contains("RUNNING");

    CliRun rejected = CliRun.of(args("reject", "--gate", "control-plane-1.34", "--comment", "freeze"));
    assertThat(rejected.exitCode()).as(rejected.toString()).isEqualTo(ExitCodes.OK);

    CliRun watched = CliRun.of(args("status", "--watch"));
    assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.UPGRADE_NOT_SUCCEEDED);
    assertThat(watched.out())
        .contains("REJECTED")
        .as("the refused early approval is in the audit")
        .contains("gate control-plane-1.33 is not open; the open gate is preflight");

    CliRun calls = CliRun.of("calls", "--sandbox", env.sandbox.endpoint().toString());
    assertThat(calls.exitCode()).as(calls.toString()).isEqualTo(ExitCodes.OK);
    assertThat(calls.out()).contains("UpdateClusterVersion").contains("1.33").doesNotContain("1.34 ");

    CliRun unknown = CliRun.of("status", "--temporal", env.temporalTarget(), "--cluster", "nope", "--region", "us-east-1");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.NOT_FOUND);
  }
}
