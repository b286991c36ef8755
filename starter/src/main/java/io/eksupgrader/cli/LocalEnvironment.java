package io.eksupgrader.cli;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxCharts;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.PdbBreach;
import io.eksupgrader.worker.WorkerApplication;
import io.eksupgrader.workflows.upgrade.UpgradeSearchAttributes;
import io.micronaut.context.ApplicationContext;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Everything {@code demo} and {@code dev} run in one process: Temporal's test server on
 * localhost (in memory, real time), the sandbox with a scenario, and optionally the worker.
 */
final class LocalEnvironment implements AutoCloseable {

  static final String NAMESPACE = "default";
  static final String SANDBOX_KEY = "sandbox";

  final int temporalPort;
  final String taskQueue;
  final SandboxServer sandbox;
  /** The sandbox's own charts as a local chart repository, and the worker's files for Helm. */
  final Path workDirectory;
  /** Null when the Temporal server runs elsewhere. */
  private final TestServer.PortBoundTestServer temporal;
  private ApplicationContext worker;

  private LocalEnvironment(
      int temporalPort, String taskQueue, TestServer.PortBoundTestServer temporal, SandboxServer sandbox, Path workDirectory) {
    this.temporalPort = temporalPort;
    this.taskQueue = taskQueue;
    this.temporal = temporal;
    this.sandbox = sandbox;
    this.workDirectory = workDirectory;
  }

  static LocalEnvironment start(Scenario scenario, int temporalPort, int sandboxPort, String taskQueue) {
    int port = temporalPort > 0 ? temporalPort : freePort();
    TestServer.PortBoundTestServer server;
    try {
      server = TestServer.createPortBoundServer(port);
    } catch (RuntimeException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "cannot start the Temporal test server on port " + port + ": " + e.getMessage());
    }
    return withTemporal(scenario, port, server, sandboxPort, taskQueue);
  }

  /**
   * The sandbox against a Temporal server that runs elsewhere, e.g. a test server in a JVM of its
   * own so that a benchmark's load on this JVM does not slow it; closing leaves that server alone.
   */
  static LocalEnvironment startWithTemporalAt(Scenario scenario, int temporalPort, String taskQueue) {
    return withTemporal(scenario, temporalPort, null, 0, taskQueue);
  }

  private static LocalEnvironment withTemporal(
      Scenario scenario, int port, TestServer.PortBoundTestServer server, int sandboxPort, String taskQueue) {
    registerSearchAttributes(port);
    SandboxServer sandbox;
    try {
      sandbox = SandboxServer.start(scenario, sandboxPort);
    } catch (UncheckedIOException e) {
      if (server != null) {
        server.close();
      }
      throw new CliFailure(ExitCodes.UNREACHABLE, "cannot start the sandbox on port " + sandboxPort + ": " + e.getMessage());
    }
    Path work;
    try {
      work = Files.createTempDirectory("eks-upgrader-local-");
    } catch (IOException e) {
      sandbox.close();
      if (server != null) {
        server.close();
      }
      throw new UncheckedIOException(e);
    }
    SandboxCharts.materialize(work.resolve("charts"));
    return new LocalEnvironment(port, taskQueue, server, sandbox, work);
  }

  /** Where the sandbox's charts are: the chart source of Karpenter's and Istio's Helm releases. */
  String chartSource() {
    return workDirectory.resolve("charts").toString();
  }

  String temporalTarget() {
    return "127.0.0.1:" + temporalPort;
  }

  /**
   * The worker's configuration against this environment: the sandbox's endpoint and static keys,
   * and polling scaled to the scenario's simulated time.
   */
  Map<String, Object> workerProperties() {
    return workerProperties(POLL_FLOOR);
  }

  /**
   * The same, with the scaled intervals never below {@code floor}; {@code bench} passes a small floor
   * so that the simulated minutes between polls stay what the worker's configuration says.
   */
  Map<String, Object> workerProperties(Duration floor) {
    double scale = Math.max(1.0, sandbox.scenario().timeScale());
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("eks-upgrader.temporal.target", temporalTarget());
    properties.put("eks-upgrader.temporal.namespace", NAMESPACE);
    properties.put("eks-upgrader.temporal.task-queue", taskQueue);
    // The test server never times a sticky queue out: a killed worker would hold its workflows.
    properties.put("eks-upgrader.temporal.sticky-execution", false);
    properties.put("eks-upgrader.aws.endpoint-override", sandbox.endpoint().toString());
    properties.put("eks-upgrader.aws.access-key-id", SANDBOX_KEY);
    properties.put("eks-upgrader.aws.secret-access-key", SANDBOX_KEY);
    properties.put("eks-upgrader.control-plane.poll-interval", scaled(Duration.ofSeconds(30), scale, floor));
    properties.put("eks-upgrader.control-plane.conflict-backoff", scaled(Duration.ofSeconds(20), scale, floor));
    properties.put("eks-upgrader.node-groups.poll-interval", scaled(Duration.ofSeconds(30), scale, floor));
    properties.put("eks-upgrader.drain.eviction-retry-interval", scaled(Duration.ofSeconds(5), scale, floor));
    properties.put("eks-upgrader.drain.pod-gone-poll-interval", scaled(Duration.ofSeconds(1), scale, floor));
    properties.put("eks-upgrader.karpenter.poll-interval", scaled(Duration.ofSeconds(30), scale, floor));
    properties.put("eks-upgrader.addons.poll-interval", scaled(Duration.ofSeconds(15), scale, floor));
    properties.put("eks-upgrader.addons.conflict-backoff", scaled(Duration.ofSeconds(20), scale, floor));
    properties.put("eks-upgrader.fargate.poll-interval", scaled(Duration.ofSeconds(15), scale, floor));
    properties.put("eks-upgrader.karpenter-upgrade.poll-interval", scaled(Duration.ofSeconds(10), scale, floor));
    properties.put("eks-upgrader.istio.poll-interval", scaled(Duration.ofSeconds(10), scale, floor));
    properties.put("eks-upgrader.backup.poll-interval", scaled(Duration.ofSeconds(10), scale, floor));
    properties.put("eks-upgrader.helm.work-directory", workDirectory.resolve("helm").toString());
    return properties;
  }

  /** A client of this environment's Temporal on its task queue, as a test or a command uses one. */
  TemporalConnection connect(String identity) {
    TemporalOptions options = new TemporalOptions();
    options.target = temporalTarget();
    options.namespace = NAMESPACE;
    options.taskQueue = taskQueue;
    options.identity = identity;
    return options.connect();
  }

  void startWorker() {
    startWorker(Map.of());
  }

  /** Starts a worker in this process, with extra properties over {@link #workerProperties()}. */
  void startWorker(Map<String, Object> overrides) {
    Map<String, Object> properties = workerProperties();
    properties.put("micronaut.server.port", -1);
    properties.putAll(overrides);
    worker = WorkerApplication.start(properties);
  }

  /** The floor of scaled polling intervals for demo and dev, so that polling stays cheap. */
  static final Duration POLL_FLOOR = Duration.ofMillis(200);

  /** A real duration divided by the time scale, but never below {@link #POLL_FLOOR}. */
  static String scaled(Duration real, double scale) {
    return scaled(real, scale, POLL_FLOOR);
  }

  static String scaled(Duration real, double scale, Duration floor) {
    return Math.max(floor.toMillis(), Math.round(real.toMillis() / scale)) + "ms";
  }

  private static void registerSearchAttributes(int port) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).validateAndBuildWithDefaults());
    try {
      AddSearchAttributesRequest.Builder request = AddSearchAttributesRequest.newBuilder().setNamespace(NAMESPACE);
      UpgradeSearchAttributes.ALL.forEach(
          key -> request.putSearchAttributes(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      operator.blockingStub().addSearchAttributes(request.build());
    } finally {
      operator.shutdownNow();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One line per service, operation and effect, e.g. "eks UpdateClusterVersion: 2 CREATED, 3
   * REJECTED (ResourceInUseException)".
   */
  String callSummary() {
    Map<String, Map<String, Long>> byOperation = new java.util.TreeMap<>();
    for (CallLog.Entry entry : sandbox.callLog().entries()) {
      String effect = entry.effect() + (entry.errorCode() != null ? " (" + entry.errorCode() + ")" : "");
      byOperation
          .computeIfAbsent(entry.service() + " " + entry.operation(), k -> new java.util.TreeMap<>())
          .merge(effect, 1L, Long::sum);
    }
    if (byOperation.isEmpty()) {
      return "  none";
    }
    StringBuilder text = new StringBuilder();
    byOperation.forEach((operation, effects) -> {
      text.append("  ").append(operation).append(": ");
      StringJoiner parts = new StringJoiner(", ");
      effects.forEach((effect, count) -> parts.add(count + " " + effect));
      text.append(parts).append('\n');
    });
    return text.toString().stripTrailing();
  }

  /**
   * Every moment a PodDisruptionBudget had fewer healthy pods than it requires, in every sandbox
   * cluster, with the pods lost and how; "none" when budgets always held.
   */
  String pdbBreachSummary() {
    List<String> lines = new java.util.ArrayList<>();
    for (Scenario.ClusterSpec cluster : sandbox.scenario().clusters()) {
      for (PdbBreach breach : sandbox.kubernetes(cluster.region(), cluster.name()).pdbBreaches()) {
        lines.add(
            "  "
                + cluster.name()
                + " "
                + breach.namespace()
                + "/"
                + breach.pdb()
                + ": "
                + breach.currentHealthy()
                + " healthy of "
                + breach.desiredHealthy()
                + " needed after "
                + breach.lostPods().stream()
                    .map(p -> p.name() + " " + p.how())
                    .collect(java.util.stream.Collectors.joining(", ")));
      }
    }
    return lines.isEmpty() ? "  none" : String.join("\n", lines);
  }

  /**
   * gRPC logs at INFO, with a stack trace, each long poll whose cancellation reaches an executor the
   * shutting-down test server already stopped; kept here so that the setting sticks.
   */
  private static final java.util.logging.Logger GRPC_CONTEXT_LOG =
      java.util.logging.Logger.getLogger("io.grpc.Context");

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    sandbox.close();
    GRPC_CONTEXT_LOG.setLevel(java.util.logging.Level.WARNING);
    if (temporal != null) {
      temporal.close();
    }
    deleteRecursively(workDirectory);
  }

  private static void deleteRecursively(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary folder is harmless.
    }
  }
}
