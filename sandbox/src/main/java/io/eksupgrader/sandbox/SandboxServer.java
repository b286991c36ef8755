package io.eksupgrader.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.kube.KubeCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for AWS EKS over real HTTP on 127.0.0.1, so that the real AWS SDK client, given
 * {@code endpointOverride(server.endpoint())} and any static credentials, runs against it. One
 * server holds clusters in several regions; the region of a request comes from its signature.
 *
 * <p>Besides EKS it answers {@code GET /_sandbox/calls} (the {@link CallLog} as JSON) and {@code
 * GET /_sandbox/scenario} (name, time scale, simulated now, Prometheus URL), and under {@code /prometheus} (see
 * {@link #prometheusUrl()}) the Prometheus query API with the scenario's scripted answers.
 */
public final class SandboxServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SandboxServer.class);

  private final Scenario scenario;
  private final SimulatedClock clock;
  private final CallLog callLog = new CallLog();
  private final AwsActionLog awsActions = new AwsActionLog();
  private final HttpServer http;
  private final ExecutorService executor;
  private final ObjectMapper mapper;
  private final EksHttpHandler eks;
  private final EksWorld world;
  private final Map<String, KubeCluster> kubernetes = new LinkedHashMap<>();
  private final PrometheusHttpHandler prometheus;

  /**
   * Counts of signed AWS requests received (EKS, Auto Scaling, EC2, SSM, IAM, KMS) and of the faults
   * injected into them (reads included, unlike the call log).
   */
  public record Stats(long requests, long throttled, long serverErrors) {}

  private SandboxServer(Scenario scenario, int port) throws IOException {
    this.scenario = scenario;
    this.clock =
        new SimulatedClock(
            scenario.startTime() != null ? scenario.startTime() : Instant.now(), scenario.timeScale());
    this.mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    this.world = new EksWorld(scenario, clock);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "eks-sandbox-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    http.createContext("/_sandbox/", this::sandboxApi);
    this.prometheus = new PrometheusHttpHandler(scenario.prometheus(), clock, callLog);
    http.createContext(PrometheusHttpHandler.PREFIX + "/", prometheus);
    this.eks = new EksHttpHandler(world, scenario, clock, callLog, awsActions, mapper);
    http.createContext("/", new ServiceRouter(eks, world, clock, callLog, awsActions));
    http.setExecutor(executor);
    http.start();
    startKubernetes();
  }

  /**
   * Starts the Kubernetes side of every scenario cluster and attaches it, which launches the
   * scenario's node group instances as its nodes.
   */
  private void startKubernetes() {
    try {
      for (ClusterSpec cluster : scenario.clusters()) {
        KubeCluster kube = KubeCluster.start(scenario, cluster, clock, callLog);
        kubernetes.put(cluster.region() + "/" + cluster.name(), kube);
        world.attachNodes(cluster.region(), cluster.name(), kube);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts a server for the scenario on 127.0.0.1; port 0 picks a free port. */
  public static SandboxServer start(Scenario scenario, int port) {
    try {
      SandboxServer server = new SandboxServer(scenario, port);
      log.info(
          "EKS sandbox '{}' listening on {} (timeScale {})",
          scenario.name(),
          server.endpoint(),
          scenario.timeScale());
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the EKS sandbox on port " + port, e);
    }
  }

  /** The base URI to give the AWS SDK as endpoint override, e.g. http://127.0.0.1:41234. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /**
   * The base URL of the sandbox's Prometheus, e.g. http://127.0.0.1:41234/prometheus, as a
   * Prometheus served under a route prefix: queries go to {@code <url>/api/v1/query}.
   */
  public URI prometheusUrl() {
    return URI.create("http://127.0.0.1:" + port() + PrometheusHttpHandler.PREFIX);
  }

  /** The queries the sandbox's Prometheus answered, oldest first: they are not in the call log. */
  public List<String> prometheusQueries() {
    return prometheus.answered().stream().map(PrometheusHttpHandler.AnsweredQuery::query).toList();
  }

  public CallLog callLog() {
    return callLog;
  }

  /**
   * Every AWS action a signed request asked for so far, reads included, as IAM names it (e.g.
   * {@code eks:DescribeCluster}): what the worker's IAM policy must allow. The call log, which
   * holds only mutating calls, is not changed by it.
   */
  public SortedSet<String> awsActionsSeen() {
    return awsActions.actions();
  }

  /**
   * How many signed requests named each AWS action so far (IAM names, reads and faulted requests
   * included): the benchmark's AWS calls per upgrade.
   */
  public java.util.SortedMap<String, Long> awsActionCounts() {
    return awsActions.counts();
  }

  public Scenario scenario() {
    return scenario;
  }

  public SimulatedClock clock() {
    return clock;
  }

  public Stats stats() {
    return eks.stats();
  }

  /**
   * Connects a cluster to its Kubernetes side: DescribeCluster then reports that API server, and
   * the instances of the cluster's node groups launch and terminate as its nodes.
   */
  public void attachNodes(String region, String cluster, ClusterNodes nodes) {
    world.attachNodes(region, cluster, nodes);
  }

  /** The Kubernetes side of a scenario cluster: its API server, nodes, pods and PDB breaches. */
  public KubeCluster kubernetes(String region, String cluster) {
    KubeCluster kube = kubernetes.get(region + "/" + cluster);
    if (kube == null) {
      throw new IllegalArgumentException("the scenario has no cluster " + cluster + " in " + region);
    }
    return kube;
  }

  @Override
  public void close() {
    http.stop(0);
    world.close();
    kubernetes.values().forEach(KubeCluster::close);
    executor.shutdownNow();
  }

  private void sandboxApi(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      Object body;
      int status = 200;
      if (!exchange.getRequestMethod().equals("GET")) {
        status = 405;
        body = message("only GET is supported on " + path);
      } else if (path.equals("/_sandbox/calls")) {
        ObjectNode n = mapper.createObjectNode();
        n.set("calls", mapper.valueToTree(callLog.entries()));
        body = n;
      } else if (path.equals("/_sandbox/scenario")) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", scenario.name());
        n.put("source", scenario.source());
        n.put("timeScale", scenario.timeScale());
        n.put("simulatedStart", clock.start().toString());
        n.put("simulatedNow", clock.instant().toString());
        n.put("prometheusUrl", prometheusUrl().toString());
        n.set("stats", mapper.valueToTree(stats()));
        body = n;
      } else {
        status = 404;
        body = message("unknown sandbox path " + path + "; try /_sandbox/calls or /_sandbox/scenario");
      }
      byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private ObjectNode message(String text) {
    return mapper.createObjectNode().put("message", text);
  }

  /**
   * Runs a sandbox until the process is killed: {@code [--scenario file] [--port N]}. Without a
   * scenario file it runs the bundled {@code scenarios/demo.yaml}.
   */
  public static void main(String[] args) throws InterruptedException {
    Path file = null;
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if ((arg.equals("--scenario") || arg.equals("--port")) && i + 1 >= args.length) {
        usage(arg + " needs a value");
      }
      switch (arg) {
        case "--scenario" -> file = Path.of(args[++i]);
        case "--port" -> {
          try {
            port = Integer.parseInt(args[++i]);
          } catch (NumberFormatException e) {
            usage("--port needs a number, got " + args[i]);
          }
        }
        case "-h", "--help" -> usage(null);
        default -> usage("unknown argument " + arg);
      }
    }
    Scenario scenario;
    try {
      scenario = file != null ? Scenario.load(file) : Scenario.fromResource("scenarios/demo.yaml");
    } catch (ScenarioException | UncheckedIOException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    SandboxServer server = start(scenario, port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "eks-sandbox-shutdown"));
    System.out.println(
        "EKS sandbox '"
            + scenario.name()
            + "' ("
            + scenario.source()
            + ", timeScale "
            + scenario.timeScale()
            + ") listening on "
            + server.endpoint());
    System.out.println("Call log: " + server.endpoint() + "/_sandbox/calls");
    System.out.println("Prometheus: " + server.prometheusUrl());
    new CountDownLatch(1).await();
  }

  private static void usage(String problem) {
    if (problem != null) {
      System.err.println(problem);
    }
    System.err.println("usage: SandboxServer [--scenario file.yaml] [--port N]");
    System.exit(problem == null ? 0 : 2);
  }
}
