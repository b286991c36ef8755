package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fault F2: every worker is stopped gracefully (SIGTERM, as a rolling deployment or a scale to
 * zero does) and none runs for 20 s, once while a control-plane update is in flight and once
 * while a node group is drained. A new worker JVM resumes each time: the upgrade succeeds, no
 * mutation is made twice, and no workflow task of the parent or of any child ever failed or timed
 * out, so nothing was replayed non-deterministically.
 */
class AllWorkersStoppedTest {

  private static final String SCENARIO =
      """
      name: all-stopped
      timeScale: 50
      clusters:
        - name: idle
          region: eu-west-1
          version: "1.32"
          nodeGroups:
            - {name: apps, version: "1.32", desiredSize: 2, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, kind: Deployment, replicas: 4, nodeSelector: {role: apps}}
              - {namespace: kube-system, name: aws-node, kind: DaemonSet}
            pdbs:
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: "1"}
      durations:
        controlPlaneUpdate: 10m
        nodeGroupCreate: 5m
        nodeGroupDelete: 1m
        nodeJoin: 30s
        podStart: 2m
      """;

  private static final String UPGRADE_ID = "eks-upgrade/eu-west-1/idle";
  private static final Duration NO_WORKER = Duration.ofSeconds(20);

  @Test
  void noWorkerForTwentySecondsTwiceAndTheUpgradeResumesWithoutAFailedWorkflowTask() throws Exception {
    Scenario scenario = Scenario.parse(SCENARIO, "all-stopped");
    ClusterRef cluster = new ClusterRef("eu-west-1", "idle");
    try (LocalEnvironment env = LocalEnvironment.start(scenario, 0, 0, "all-stopped")) {
      Map<String, Object> worker = env.workerProperties();
      // An attempt whose worker went away is retried after 3 s without a heartbeat.
      for (String activity : List.of("start-version-update", "await-version-update", "await-node-group-ready",
          "drain-node", "delete-node-group")) {
        worker.put("eks-upgrader.activities." + activity + ".heartbeat-timeout", "3s");
      }
      worker.put("eks-upgrader.drain.heartbeat-interval", "500ms");
      worker.put("micronaut.server.port", -1);
      Path logs = Path.of("target", "all-stopped-test");
      CallLog calls = env.sandbox.callLog();

      WorkerProcess first = WorkerProcess.start(worker, logs.resolve("worker-1.log"));
      CliRun started =
          CliRun.of(
              "start", "--temporal", env.temporalTarget(), "--task-queue", "all-stopped", "--cluster", "idle",
              "--region", "eu-west-1", "--to", "1.33", "--auto-approve", "--no-wait");
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      try (TemporalConnection connection = env.connect("all-stopped-test")) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
            calls.count("UpdateClusterVersion", CallLog.Effect.CREATED) == 1 && running(connection, cluster));
        first.stop();
        assertThat(calls.count("CreateNodegroup", CallLog.Effect.CREATED))
            .as("the stop happened while the control plane was updated, before any node group work")
            .isZero();
        Thread.sleep(NO_WORKER.toMillis());

        WorkerProcess second = WorkerProcess.start(worker, logs.resolve("worker-2.log"));
        // Stop again once the budget-paced drain has evicted its first pod.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() ->
            calls.count("CreateEviction", CallLog.Effect.CREATED) >= 1);
        second.stop();
        assertThat(calls.count("CreateEviction", CallLog.Effect.CREATED))
            .as("the second stop happened mid-drain")
            .isLessThan(4);
        Thread.sleep(NO_WORKER.toMillis());

        try (WorkerProcess third = WorkerProcess.start(worker, logs.resolve("worker-3.log"))) {
          await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            UpgradeStatus status = connection.status(cluster);
            assertThat(status.outcome()).as(StatusMarkdown.render(status) + third.logText()).isNotEqualTo(UpgradeOutcome.RUNNING);
          });
          UpgradeResult result =
              connection.client.newUntypedWorkflowStub(UPGRADE_ID).getResult(10, TimeUnit.SECONDS, UpgradeResult.class);

          assertThat(result.outcome()).as(StatusMarkdown.render(result.status())).isEqualTo(UpgradeOutcome.SUCCEEDED);
          assertThat(result.finalVersion()).isEqualTo("1.33");
          assertThat(calls.entries("UpdateClusterVersion")).extracting(CallLog.Entry::version)
              .as("one UpdateClusterVersion for the one minor").containsExactly("1.33");
          assertThat(calls.count("CreateNodegroup", CallLog.Effect.CREATED)).as("one replacement group").isEqualTo(1);
          assertThat(calls.count("DeleteNodegroup", CallLog.Effect.CREATED)).as("the old group deleted once").isEqualTo(1);
          List<String> evicted =
              calls.entries("CreateEviction").stream()
                  .filter(e -> e.effect() == CallLog.Effect.CREATED)
                  .map(CallLog.Entry::resourceId)
                  .toList();
          assertThat(evicted).as("every web pod of the two old nodes evicted exactly once").hasSize(4).doesNotHaveDuplicates();
          assertThat(env.sandbox.kubernetes("eu-west-1", "idle").pdbBreaches()).as("no budget was ever breached").isEmpty();

          Set<String> workflows = new LinkedHashSet<>();
          List<String> badTasks = failedWorkflowTasks(connection, UPGRADE_ID, workflows);
          assertThat(workflows).as("the parent and its children were all inspected").hasSizeGreaterThan(1);
          assertThat(badTasks).as("workflow tasks that failed or timed out in " + workflows).isEmpty();
        }
      }
    }
  }

  /**
   * The WorkflowTaskFailed and WorkflowTaskTimedOut events of a workflow and of all its children,
   * found through their StartChildWorkflowExecutionInitiated events; {@code visited} collects the
   * ids read.
   */
  static List<String> failedWorkflowTasks(TemporalConnection connection, String rootId, Set<String> visited) {
    List<String> bad = new ArrayList<>();
    Deque<String> pending = new ArrayDeque<>(List.of(rootId));
    while (!pending.isEmpty()) {
      String id = pending.pop();
      if (!visited.add(id)) {
        continue;
      }
      for (HistoryEvent event : connection.client.fetchHistory(id).getEvents()) {
        if (event.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
          pending.add(event.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
        } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
          bad.add(id + " #" + event.getEventId() + " failed: "
              + event.getWorkflowTaskFailedEventAttributes().getCause() + " "
              + event.getWorkflowTaskFailedEventAttributes().getFailure().getMessage());
        } else if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
          bad.add(id + " #" + event.getEventId() + " timed out: "
              + event.getWorkflowTaskTimedOutEventAttributes().getTimeoutType());
        }
      }
    }
    return bad;
  }

  private static boolean running(TemporalConnection connection, ClusterRef cluster) {
    UpgradeStatus status = connection.status(cluster);
    return status.steps().stream().anyMatch(s -> s.id().equals("control-plane-1.33") && s.state() == StepState.RUNNING);
  }

}
