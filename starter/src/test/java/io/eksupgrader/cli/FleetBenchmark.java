package io.eksupgrader.cli;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.fleet.FleetClusterState;
import io.eksupgrader.workflows.fleet.FleetClusterStatus;
import io.eksupgrader.workflows.fleet.FleetIds;
import io.eksupgrader.workflows.fleet.FleetOutcome;
import io.eksupgrader.workflows.fleet.FleetStatus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Benchmark F200, not part of the test suite (its name matches none of Surefire's patterns): 200
 * small sandbox clusters upgraded by one fleet wave at once, on one worker JVM limited to
 * {@code -Xmx512m}, auto-approved, against one cluster upgraded alone by the same worker. Prints:
 * whether every cluster completed, the wall times and the slowdown, workflow task timeouts and
 * failures found in every history, and the worker's peak heap polled from its {@code /metrics}.
 * Temporal's test server runs in a third JVM ({@code -Dfleet.temporalHeap}, default 2g). The worker
 * runs with sticky execution, as in production ({@code -Dfleet.sticky=false} turns it off).
 *
 * <pre>
 * ./mvnw -o -q -pl starter -am test -Dtest=FleetBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfleet.clusters=200 -Dfleet.timeScale=600
 * </pre>
 */
class FleetBenchmark {

  private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)");

  private final int clusters = Integer.getInteger("fleet.clusters", 200);
  private final int timeScale = Integer.getInteger("fleet.timeScale", 600);

  @Test
  void f200() throws Exception {
    StringBuilder scenario = new StringBuilder("name: f200\ntimeScale: " + timeScale + "\nclusters:\n");
    List<String> names = new ArrayList<>();
    names.add("warmup");
    names.add("solo");
    for (int i = 1; i <= clusters; i++) {
      names.add(String.format("c-%03d", i));
    }
    for (String name : names) {
      scenario.append("  - {name: ").append(name)
          .append(", region: us-east-1, version: \"1.33\", nodeGroups: [{name: apps, version: \"1.33\", desiredSize: 1}]}\n");
    }
    Path dir = Files.createTempDirectory("f200-");
    try (TemporalServerProcess temporal = TemporalServerProcess.start(dir.resolve("temporal.log"));
        LocalEnvironment env =
            LocalEnvironment.startWithTemporalAt(Scenario.parse(scenario.toString(), "f200"), temporal.port, "f200")) {
      int metricsPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        metricsPort = socket.getLocalPort();
      }
      Map<String, Object> properties = new LinkedHashMap<>(env.workerProperties());
      properties.put("micronaut.server.port", metricsPort);
      properties.put("eks-upgrader.metrics.report-interval", "1s");
      // Production keeps sticky execution on; local runs turn it off only for tests that kill
      // their worker. Without it every workflow task of the fleet replays its whole history.
      properties.put("eks-upgrader.temporal.sticky-execution", Boolean.parseBoolean(System.getProperty("fleet.sticky", "true")));
      try (WorkerProcess worker = WorkerProcess.start(properties, dir.resolve("worker.log"), "-Xmx512m")) {
        URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        HeapWatch heap = new HeapWatch(metrics);
        heap.start();
        // The solo run's wall time must not include the worker's start.
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (heap.peak.get() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(500);
        }
        Thread.sleep(3000);
        // A first upgrade warms the worker up (class loading, JIT), so that the solo run compares fairly.
        runFleet(env, dir, "warmup", List.of("warmup"));
        Duration solo = runFleet(env, dir, "solo", List.of("solo"));
        long soloPeak = heap.peak.getAndSet(0);
        Duration all = runFleet(env, dir, "f200", names.subList(2, names.size()));
        heap.stopped = true;

        try (TemporalConnection connection = env.connect("bench")) {
          awaitEnd(env, "f200");
          FleetStatus status = FleetQueries.status(connection, "f200");
          long succeeded = status.waves().stream().flatMap(w -> w.clusters().stream())
              .filter(c -> c.state() == FleetClusterState.SUCCEEDED).count();
          Map<EventType, Integer> taskTrouble = new LinkedHashMap<>();
          List<String> ids = new ArrayList<>(List.of(FleetIds.fleet("f200")));
          status.waves().forEach(w -> w.clusters().stream().map(FleetClusterStatus::workflowId).forEach(ids::add));
          int events = 0;
          for (String id : ids) {
            for (HistoryEvent event : connection.client.fetchHistory(id).getEvents()) {
              events++;
              if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
                  || event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
                taskTrouble.merge(event.getEventType(), 1, Integer::sum);
              }
            }
          }
          System.out.printf("%nF200 (%d clusters, timeScale %d, worker -Xmx512m)%n", clusters, timeScale);
          System.out.printf("  all completed: %s (%d/%d SUCCEEDED, fleet %s)%n",
              succeeded == clusters && status.outcome() == FleetOutcome.SUCCEEDED ? "yes" : "no", succeeded, clusters, status.outcome());
          System.out.printf("  one cluster alone: %.1f s; %d at once: %.1f s; slowdown %.2fx (target <= 1.2x)%n",
              solo.toMillis() / 1000.0, clusters, all.toMillis() / 1000.0, (double) all.toMillis() / solo.toMillis());
          System.out.printf("  workflow task timeouts/failures in %d histories (fleet + clusters, %d events): %s%n",
              ids.size(), events, taskTrouble.isEmpty() ? "none" : taskTrouble);
          System.out.printf("  worker peak heap (jvm_memory_used_bytes, heap, polled each second): solo %d MiB, fleet %d MiB%n",
              soloPeak >> 20, heap.peak.get() >> 20);
          System.out.printf("  worker log: %s%n", worker.log);
        }
      }
    }
  }

  /** Starts the fleet with the CLI and waits for its end; the wall time runs from start to end. */
  private Duration runFleet(LocalEnvironment env, Path dir, String name, List<String> members) throws Exception {
    Path spec = dir.resolve(name + ".yaml");
    Files.writeString(
        spec,
        "name: " + name + "\ntargetVersion: \"1.34\"\nregion: us-east-1\nwaves:\n  - name: all\n    concurrency: " + members.size()
            + "\n    clusters: [" + String.join(", ", members) + "]\n");
    long started = System.nanoTime();
    CliRun run = CliRun.of("fleet", "start", "--spec", spec.toString(), "--auto-approve", "--watch",
        "--temporal", env.temporalTarget(), "--task-queue", "f200", "--identity", "bench");
    String out = run.out();
    System.out.println(out.length() > 3000 ? out.substring(0, 1500) + "\n…\n" + out.substring(out.length() - 1500) : out);
    if (run.exitCode() != ExitCodes.OK) {
      // The watch gave up, not necessarily the fleet: say why, then wait for the fleet's end here.
      System.out.println("fleet start --watch ended with exit " + run.exitCode() + ": " + run.err());
      awaitEnd(env, name);
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** Queries the fleet every 2 s until it ends, riding out queries that fail or time out. */
  private static void awaitEnd(LocalEnvironment env, String name) throws InterruptedException {
    int failedQueries = 0;
    try (TemporalConnection connection = env.connect("bench")) {
      while (true) {
        try {
          if (FleetQueries.status(connection, name).outcome() != FleetOutcome.RUNNING) {
            System.out.println("fleet " + name + " ended; " + failedQueries + " status queries failed meanwhile");
            return;
          }
        } catch (CliFailure e) {
          if (failedQueries++ == 0) {
            System.out.println("status query failed (retrying): " + e.getMessage());
          }
        }
        Thread.sleep(2000);
      }
    }
  }

  /**
   * Temporal's test server in a JVM of its own: in the benchmark's JVM it shares two cores' worth
   * of threads with the sandbox's 201 API servers and stopped answering queries in time.
   */
  private static final class TemporalServerProcess implements AutoCloseable {
    final int port;
    private final Process process;

    private TemporalServerProcess(int port, Process process) {
      this.port = port;
      this.process = process;
    }

    static TemporalServerProcess start(Path log) throws Exception {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx" + System.getProperty("fleet.temporalHeap", "2g"),
                  "-cp",
                  classPath,
                  "io.temporal.testserver.TestServer",
                  String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (true) {
        try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
          return new TemporalServerProcess(port, process);
        } catch (java.io.IOException notYet) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            process.destroyForcibly();
            throw new IllegalStateException("the Temporal test server did not listen on " + port + "; see " + log);
          }
          Thread.sleep(200);
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Polls the worker's heap from its /metrics; the highest sum of its heap pools is the peak. */
  private static final class HeapWatch extends Thread {
    final AtomicLong peak = new AtomicLong();
    final URI metrics;
    volatile boolean stopped;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    HeapWatch(URI metrics) {
      this.metrics = metrics;
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!stopped) {
        try {
          String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
          Matcher m = HEAP.matcher(body);
          long used = 0;
          while (m.find()) {
            used += (long) Double.parseDouble(m.group(1));
          }
          long sum = used;
          peak.accumulateAndGet(sum, Math::max);
        } catch (Exception e) {
          // The worker is still starting, or busy; the next poll tries again.
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
