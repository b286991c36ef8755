package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker JVM is SIGKILLed in the middle of a drain that a PodDisruptionBudget paces (one pod
 * at a time). A new worker JVM resumes the drain from its last heartbeat: no pod is evicted twice,
 * no node group is created twice, and no budget is ever breached.
 */
class DrainCrashTest {

  private static final String SCENARIO =
      """
      name: drain-crash
      timeScale: 20
      clusters:
        - name: crashy
          region: eu-west-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 2, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, kind: Deployment, replicas: 8, nodeSelector: {role: apps}}
              - {namespace: kube-system, name: aws-node, kind: DaemonSet}
            pdbs:
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: "1"}
      durations:
        controlPlaneUpdate: 2m
        nodeGroupCreate: 2m
        nodeGroupDelete: 1m
        nodeJoin: 20s
        podStart: 40s
      """;

  @Test
  void aWorkerKilledMidDrainIsReplacedAndNoPodIsEvictedTwice() throws Exception {
    Scenario scenario = Scenario.parse(SCENARIO, "drain-crash");
    ClusterRef cluster = new ClusterRef("eu-west-1", "crashy");
    try (LocalEnvironment env = LocalEnvironment.start(scenario, 0, 0, "drain-crash")) {
      Map<String, Object> worker = env.workerProperties();
      // A dead drain is noticed after 3 s without a heartbeat.
      worker.put("eks-upgrader.activities.drain-node.heartbeat-timeout", "3s");
      worker.put("eks-upgrader.drain.heartbeat-interval", "500ms");
      worker.put("micronaut.server.port", -1);
      Path logs = Path.of("target", "drain-crash-test");

      WorkerProcess first = WorkerProcess.start(worker, logs.resolve("worker-1.log"));
      CliRun started =
          CliRun.of(
              "start", "--temporal", env.temporalTarget(), "--task-queue", "drain-crash", "--cluster", "crashy",
              "--region", "eu-west-1", "--to", "1.34", "--auto-approve", "--no-wait");
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      try (TemporalConnection connection = connection(env)) {
        // Kill the worker once the budget-paced drain has evicted two of the first node's four pods.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() ->
            env.sandbox.callLog().count("CreateEviction", CallLog.Effect.CREATED) >= 2);
        first.kill();
        assertThat(first.isAlive()).isFalse();
        long evictedBeforeKill = env.sandbox.callLog().count("CreateEviction", CallLog.Effect.CREATED);
        assertThat(evictedBeforeKill).as("the kill happened mid-drain").isLessThan(8);

        try (WorkerProcess second = WorkerProcess.start(worker, logs.resolve("worker-2.log"))) {
          await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            UpgradeStatus status = connection.status(cluster);
            assertThat(status.outcome()).as(StatusMarkdown.render(status) + second.logText()).isNotEqualTo(UpgradeOutcome.RUNNING);
          });
          UpgradeResult result =
              connection.client
                  .newUntypedWorkflowStub("eks-upgrade/eu-west-1/crashy")
                  .getResult(10, TimeUnit.SECONDS, UpgradeResult.class);

          assertThat(result.outcome()).as(StatusMarkdown.render(result.status())).isEqualTo(UpgradeOutcome.SUCCEEDED);
          List<String> evicted =
              env.sandbox.callLog().entries("CreateEviction").stream()
                  .filter(e -> e.effect() == CallLog.Effect.CREATED)
                  .map(CallLog.Entry::resourceId)
                  .toList();
          assertThat(evicted).as("every web pod of the two old nodes evicted exactly once").hasSize(8).doesNotHaveDuplicates();
          assertThat(evicted).allMatch(id -> id.startsWith("shop/web-"));
          assertThat(env.sandbox.callLog().count("CreateNodegroup", CallLog.Effect.CREATED)).isEqualTo(1);
          assertThat(env.sandbox.callLog().entries("DeletePod")).as("nothing was force-deleted").isEmpty();
          assertThat(env.sandbox.kubernetes("eu-west-1", "crashy").pdbBreaches()).as("no budget was ever breached").isEmpty();
        }
      }
    }
  }

  private static TemporalConnection connection(LocalEnvironment env) {
    TemporalOptions options = new TemporalOptions();
    options.target = env.temporalTarget();
    options.namespace = LocalEnvironment.NAMESPACE;
    options.taskQueue = "drain-crash";
    options.identity = "drain-crash-test";
    return options.connect();
  }
}
