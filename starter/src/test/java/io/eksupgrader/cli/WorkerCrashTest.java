package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker runs in its own JVM, workflows and activities both, and is SIGKILLed while it waits
 * on a control-plane update. A new worker JVM replays the workflows, picks the activity up after
 * its heartbeat timeout, and the upgrade completes; the sandbox's call log shows exactly one
 * UpdateClusterVersion per minor. (Both run without sticky queues, as demo and dev do: the
 * in-memory test server would otherwise hold the killed worker's workflows forever.)
 */
class WorkerCrashTest {

  private static final String SCENARIO =
      """
      name: crash
      timeScale: 100
      clusters:
        - name: crashy
          region: eu-west-1
          version: "1.32"
      durations:
        controlPlaneUpdate: 15m
      """;

  @Test
  void aWorkerKilledMidUpdateIsReplacedAndNoUpdateIsStartedTwice() throws Exception {
    Scenario scenario = Scenario.parse(SCENARIO, "crash-test");
    ClusterRef cluster = new ClusterRef("eu-west-1", "crashy");
    try (LocalEnvironment env = LocalEnvironment.start(scenario, 0, 0, "crash-test")) {
      // A dead attempt is noticed after 3 s without a heartbeat.
      Map<String, Object> worker = env.workerProperties();
      worker.put("eks-upgrader.activities.await-version-update.heartbeat-timeout", "3s");
      worker.put("eks-upgrader.activities.start-version-update.heartbeat-timeout", "3s");
      worker.put("micronaut.server.port", -1);
      Path logs = Path.of("target", "crash-test");

      WorkerProcess first = WorkerProcess.start(worker, logs.resolve("worker-1.log"));
      CliRun started =
          CliRun.of(
              "start", "--temporal", env.temporalTarget(), "--task-queue", "crash-test", "--cluster", "crashy",
              "--region", "eu-west-1", "--to", "1.34", "--auto-approve", "--no-wait");
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      try (TemporalConnection connection = connection(env)) {
        // Kill the worker while the first minor's update runs and is being waited on.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
            env.sandbox.callLog().count("UpdateClusterVersion", CallLog.Effect.CREATED) == 1 && running(connection, cluster));
        Thread.sleep(1000);
        first.kill();
        assertThat(first.isAlive()).isFalse();
        assertThat(env.sandbox.callLog().count("UpdateClusterVersion", CallLog.Effect.CREATED))
            .as("the kill happened while the 1.33 update was still in flight")
            .isEqualTo(1);

        try (WorkerProcess second = WorkerProcess.start(worker, logs.resolve("worker-2.log"))) {
          try {
          await().atMost(Duration.ofSeconds(Long.getLong("crash.wait", 150))).pollInterval(Duration.ofSeconds(1))
              .untilAsserted(() -> {
            UpgradeStatus status = connection.status(cluster);
            assertThat(status.outcome()).as(StatusMarkdown.render(status) + second.logText()).isNotEqualTo(UpgradeOutcome.RUNNING);
          });
          } catch (org.awaitility.core.ConditionTimeoutException e) {
            new ProcessBuilder("jstack", String.valueOf(second.pid()))
                .redirectOutput(logs.resolve("worker-2.jstack").toFile()).start().waitFor();
            for (String id : new String[] {"eks-upgrade/eu-west-1/crashy", "eks-upgrade/eu-west-1/crashy/control-plane-1.33"}) {
              java.nio.file.Files.writeString(logs.resolve(id.replace('/', '_') + ".json"),
                  connection.client.fetchHistory(id).toJson(true));
            }
            throw e;
          }
          UpgradeResult result =
              connection.client
                  .newUntypedWorkflowStub("eks-upgrade/eu-west-1/crashy")
                  .getResult(10, TimeUnit.SECONDS, UpgradeResult.class);

          assertThat(result.outcome()).as(second.logText()).isEqualTo(UpgradeOutcome.SUCCEEDED);
          assertThat(result.finalVersion()).isEqualTo("1.34");
          assertThat(env.sandbox.callLog().entries())
              .filteredOn(e -> e.operation().equals("UpdateClusterVersion"))
              .as("exactly one UpdateClusterVersion per minor, in order")
              .extracting(e -> e.version())
              .containsExactly("1.33", "1.34");
        }
      }
    }
  }

  private static boolean running(TemporalConnection connection, ClusterRef cluster) {
    UpgradeStatus status = connection.status(cluster);
    return status.steps().stream().anyMatch(s -> s.id().equals("control-plane-1.33") && s.state() == StepState.RUNNING);
  }

  private static TemporalConnection connection(LocalEnvironment env) {
    TemporalOptions options = new TemporalOptions();
    options.target = env.temporalTarget();
    options.namespace = LocalEnvironment.NAMESPACE;
    options.taskQueue = "crash-test";
    options.identity = "crash-test";
    return options.connect();
  }
}
