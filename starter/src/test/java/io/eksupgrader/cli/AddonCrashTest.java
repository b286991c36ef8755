package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker JVM is SIGKILLed while it waits on an add-on update (the VPC CNI, before the control
 * plane). A new worker retries the wait for that same update after the heartbeat timeout; nothing
 * starts a second one: the sandbox's call log shows each add-on updated exactly once, and the
 * control plane only after the VPC CNI. (A start that dies after UpdateAddon is covered by the
 * activity's adoption, tested against the sandbox in {@code EksAddonActivitiesTest}.)
 */
class AddonCrashTest {

  private static final String SCENARIO =
      """
      name: addon-crash
      timeScale: 100
      clusters:
        - name: crashy
          region: eu-west-1
          version: "1.33"
          addons:
            - {name: vpc-cni}
            - {name: coredns}
      durations:
        controlPlaneUpdate: 5m
        addonUpdate: 10m
      """;

  @Test
  void aWorkerKilledMidAddonUpdateIsReplacedAndNoAddonIsUpdatedTwice() throws Exception {
    ClusterRef cluster = new ClusterRef("eu-west-1", "crashy");
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(SCENARIO, "addon-crash"), 0, 0, "addon-crash")) {
      Map<String, Object> worker = env.workerProperties();
      worker.put("eks-upgrader.activities.start-addon-update.heartbeat-timeout", "3s");
      worker.put("eks-upgrader.activities.await-addon-update.heartbeat-timeout", "3s");
      worker.put("micronaut.server.port", -1);
      Path logs = Path.of("target", "addon-crash-test");

      WorkerProcess first = WorkerProcess.start(worker, logs.resolve("worker-1.log"));
      CliRun started =
          CliRun.of(
              "start", "--temporal", env.temporalTarget(), "--task-queue", "addon-crash", "--cluster", "crashy",
              "--region", "eu-west-1", "--to", "1.34", "--auto-approve", "--no-wait");
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      TemporalOptions options = new TemporalOptions();
      options.target = env.temporalTarget();
      options.namespace = LocalEnvironment.NAMESPACE;
      options.taskQueue = "addon-crash";
      options.identity = "addon-crash-test";
      try (TemporalConnection connection = options.connect()) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
            env.sandbox.callLog().count("UpdateAddon", CallLog.Effect.CREATED) == 1
                && connection.status(cluster).steps().stream()
                    .anyMatch(s -> s.id().equals("addon-vpc-cni-1.34") && s.state() == StepState.RUNNING));
        Thread.sleep(1000);
        first.kill();
        assertThat(env.sandbox.callLog().count("UpdateClusterVersion", CallLog.Effect.CREATED))
            .as("the kill happened before the control plane moved")
            .isZero();

        try (WorkerProcess second = WorkerProcess.start(worker, logs.resolve("worker-2.log"))) {
          await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var status = connection.status(cluster);
            assertThat(status.outcome()).as(StatusMarkdown.render(status) + second.logText()).isNotEqualTo(UpgradeOutcome.RUNNING);
          });
          UpgradeResult result =
              connection.client
                  .newUntypedWorkflowStub("eks-upgrade/eu-west-1/crashy")
                  .getResult(10, TimeUnit.SECONDS, UpgradeResult.class);
          assertThat(result.outcome()).as(second.logText()).isEqualTo(UpgradeOutcome.SUCCEEDED);
          assertThat(env.sandbox.callLog().entries())
              .filteredOn(e -> e.effect() == CallLog.Effect.CREATED)
              .extracting(e -> e.operation() + " " + (e.operation().equals("UpdateAddon") ? e.resourceId() : e.version()))
              .as("each add-on once, the VPC CNI before the control plane, CoreDNS after it")
              .containsExactly(
                  "UpdateAddon vpc-cni v1.20.1-eksbuild.1",
                  "UpdateClusterVersion 1.34",
                  "UpdateAddon coredns v1.12.1-eksbuild.2");
        }
      }
    }
  }
}
