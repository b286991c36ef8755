package io.eksupgrader.cli;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.sandbox.kube.PdbBreach;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark upgrade: a {@link BenchWorld} in a fresh {@link LocalEnvironment} (Temporal test
 * server, sandbox, worker in this process), upgraded with every gate auto-approved, then measured
 * from the sandbox (requests, calls, PodDisruptionBudget breaches) and from the workflow histories
 * of the upgrade and all its children.
 */
final class BenchRun {

  /** Polls stay at the worker's configured simulated intervals down to this many real milliseconds. */
  static final Duration POLL_FLOOR = Duration.ofMillis(20);

  /** How a run replaces node groups: groups at once and nodes of a group drained at once. */
  record Strategy(String name, int nodeGroupConcurrency, int drainConcurrency) {}

  /** Per activity type: how many ran, their summed real time from scheduled to closed, and time queued. */
  record ActivityTime(long count, long totalMillis, long queuedMillis) {}

  /** What one run measured. Durations are real; {@link #simulated} converts them. */
  record Measurement(
      BenchWorld world,
      Strategy strategy,
      double timeScale,
      Duration wall,
      String outcome,
      List<StepStatus> steps,
      List<PdbBreach> breaches,
      SortedMap<String, Long> kubernetesRequests,
      SortedMap<String, Long> awsCalls,
      SandboxServer.Stats awsStats,
      long evictions,
      Map<String, Long> historyEvents,
      SortedMap<String, ActivityTime> activities,
      Duration drainWindow) {

    Duration simulated(Duration real) {
      return Duration.ofMillis(Math.round(real.toMillis() * timeScale));
    }

    long kubernetesRequestsTotal() {
      return kubernetesRequests.values().stream().mapToLong(Long::longValue).sum();
    }

    long awsCallsTotal() {
      return awsCalls.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private BenchRun() {}

  static Measurement run(BenchWorld world, Strategy strategy, double timeScale, PrintWriter log) {
    Scenario scenario = world.scenario(timeScale);
    ClusterRef cluster = new ClusterRef("us-east-1", world.name());
    String taskQueue = "eks-upgrader-bench";
    log.printf("  %s (%s): %d nodes, %d pods, %s → %s at time scale %.0f...%n", world.name(), strategy.name(), world.nodes(),
        world.pods(), world.fromVersion(), world.toVersion(), timeScale);
    log.flush();
    try (LocalEnvironment env = LocalEnvironment.start(scenario, 0, 0, taskQueue)) {
      env.startWorker(env.workerProperties(POLL_FLOOR));
      TemporalOptions temporal = new TemporalOptions();
      temporal.namespace = LocalEnvironment.NAMESPACE;
      temporal.taskQueue = taskQueue;
      temporal.identity = "bench";
      temporal.target = env.temporalTarget();
      try (TemporalConnection connection = temporal.connect()) {
        UpgradeRequest request = new UpgradeRequest(cluster, world.toVersion(), options(strategy, env.chartSource()), "bench");
        long started = System.nanoTime();
        String runId = StartCommand.startUpgrade(connection, request, null);
        WorkflowStub stub = connection.client.newUntypedWorkflowStub(WorkflowIds.clusterUpgrade(cluster), java.util.Optional.of(runId), java.util.Optional.empty());
        UpgradeResult result = awaitResult(stub, connection, cluster, started, log);
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        KubeCluster kube = env.sandbox.kubernetes(cluster.region(), cluster.name());
        Histories histories = Histories.of(connection, WorkflowIds.clusterUpgrade(cluster), runId);
        long evictions =
            env.sandbox.callLog().entries().stream()
                .filter(e -> e.service().equals("kubernetes") && e.operation().equals("CreateEviction"))
                .filter(e -> e.effect() == CallLog.Effect.CREATED)
                .count();
        return new Measurement(
            world, strategy, timeScale, wall, result.outcome().name(), result.status().steps(), kube.pdbBreaches(),
            kube.requestCounts(), env.sandbox.awsActionCounts(), env.sandbox.stats(), evictions, histories.events,
            histories.activities, histories.window("DrainNode"));
      }
    }
  }

  /** Waits for the upgrade's end, saying every 30 real seconds how far it got. */
  private static UpgradeResult awaitResult(
      WorkflowStub stub, TemporalConnection connection, ClusterRef cluster, long started, PrintWriter log) {
    Duration limit = Duration.ofHours(2);
    while (true) {
      try {
        return stub.getResult(30, TimeUnit.SECONDS, UpgradeResult.class);
      } catch (java.util.concurrent.TimeoutException e) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (elapsed.compareTo(limit) > 0) {
          throw new CliFailure(ExitCodes.UNREACHABLE, "the benchmark upgrade of " + cluster + " did not end in two hours");
        }
        io.eksupgrader.workflows.model.UpgradeStatus status = connection.status(cluster);
        long done = status.steps().stream().filter(step -> step.finishedAt() != null).count();
        log.printf("    %ds: phase %s, %d of %d steps done%n", elapsed.toSeconds(), status.phase(), done, status.steps().size());
        log.flush();
      }
    }
  }

  /**
   * The benchmark's upgrade options: every gate approved by the option (no human round trip), no
   * health gates, drains like seed 001 ({@code --ignore-daemonsets --delete-emptydir-data --force},
   * budgets always honoured), Karpenter and Istio with the embedded Helm from the sandbox's charts.
   */
  static UpgradeOptions options(Strategy strategy, String chartSource) {
    return new UpgradeOptions(
        true,
        UpgradeOptions.DEFAULT_GATE_REMINDER_MINUTES,
        new DrainOptions(true, true, true, -1, DrainOptions.DEFAULT_TIMEOUT_SECONDS, strategy.drainConcurrency()),
        strategy.nodeGroupConcurrency(),
        null,
        new ComponentOptions(
            new KarpenterOptions(ComponentStrategy.HELM, null, chartSource),
            new IstioOptions(ComponentStrategy.HELM, null, chartSource, 0)),
        false,
        null,
        null,
        null,
        null);
  }

  /** The histories of an upgrade and all its children, by workflow id, with the activities' times. */
  private static final class Histories {
    final Map<String, Long> events = new LinkedHashMap<>();
    final SortedMap<String, ActivityTime> activities = new TreeMap<>();
    private final Map<String, Instant[]> windows = new HashMap<>();

    static Histories of(TemporalConnection connection, String workflowId, String runId) {
      Histories h = new Histories();
      Deque<WorkflowExecution> todo = new ArrayDeque<>();
      todo.add(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build());
      while (!todo.isEmpty()) {
        WorkflowExecution execution = todo.poll();
        WorkflowExecutionHistory history = connection.client.fetchHistory(execution.getWorkflowId(), execution.getRunId());
        List<HistoryEvent> list = history.getEvents();
        h.events.merge(execution.getWorkflowId(), (long) list.size(), Long::sum);
        Map<Long, HistoryEvent> scheduled = new HashMap<>();
        Map<Long, HistoryEvent> startedBySchedule = new HashMap<>();
        for (HistoryEvent event : list) {
          if (event.hasChildWorkflowExecutionStartedEventAttributes()) {
            todo.add(event.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution());
          } else if (event.hasActivityTaskScheduledEventAttributes()) {
            scheduled.put(event.getEventId(), event);
          } else if (event.hasActivityTaskStartedEventAttributes()) {
            startedBySchedule.put(event.getActivityTaskStartedEventAttributes().getScheduledEventId(), event);
          } else {
            long scheduledId = closedActivity(event);
            HistoryEvent start = scheduled.get(scheduledId);
            if (start != null) {
              String type = start.getActivityTaskScheduledEventAttributes().getActivityType().getName();
              Instant from = instant(start);
              Instant to = instant(event);
              HistoryEvent picked = startedBySchedule.get(scheduledId);
              long queued = picked == null ? 0 : Duration.between(from, instant(picked)).toMillis();
              h.activities.merge(
                  type, new ActivityTime(1, Duration.between(from, to).toMillis(), queued),
                  (a, b) -> new ActivityTime(a.count() + b.count(), a.totalMillis() + b.totalMillis(), a.queuedMillis() + b.queuedMillis()));
              h.windows.merge(type, new Instant[] {from, to}, (a, b) -> new Instant[] {
                  a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
            }
          }
        }
      }
      return h;
    }

    /** From the first activity of the type scheduled to the last one closed; zero when none ran. */
    Duration window(String activityType) {
      Instant[] w = windows.get(activityType);
      return w == null ? Duration.ZERO : Duration.between(w[0], w[1]);
    }

    private static long closedActivity(HistoryEvent e) {
      if (e.hasActivityTaskCompletedEventAttributes()) {
        return e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
      }
      if (e.hasActivityTaskFailedEventAttributes()) {
        return e.getActivityTaskFailedEventAttributes().getScheduledEventId();
      }
      if (e.hasActivityTaskTimedOutEventAttributes()) {
        return e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
      }
      if (e.hasActivityTaskCanceledEventAttributes()) {
        return e.getActivityTaskCanceledEventAttributes().getScheduledEventId();
      }
      return -1;
    }

    private static Instant instant(HistoryEvent e) {
      return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
    }
  }
}
