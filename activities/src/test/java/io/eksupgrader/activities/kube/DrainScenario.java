package io.eksupgrader.activities.kube;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.metrics.RecordedMetrics;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A sandbox with one cluster, {@code us-east-1/shop}, whose Kubernetes side the real activities
 * reach through {@link EksKubernetesClientProvider} (DescribeCluster, a presigned-STS token) and
 * real fabric8 over HTTP, run in a Temporal activity test environment. Heartbeats are recorded.
 *
 * <p>The starting scenario YAML goes under {@code clusters: [shop]}; the tests launch the nodes
 * that drained pods move to with {@link #launchNode}.
 */
final class DrainScenario implements AutoCloseable {

  static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");

  /** Fast drains: retry a 429 after 100 ms, look for gone pods every 50 ms, heartbeat every 200 ms. */
  static final DrainSettings FAST =
      new DrainSettings(Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200), 16);

  /** One attempt, heartbeats sent at least every 0.8 s (the SDK throttles to 80% of the timeout). */
  static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(60))
          .setHeartbeatTimeout(Duration.ofSeconds(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  final SandboxServer sandbox;
  final KubeCluster kube;
  final DefaultEksClientProvider eks;
  final EksKubernetesClientProvider clients;
  final TestActivityEnvironment env;
  final NodeDrainActivities drain;
  final List<DrainProgress> heartbeats = Collections.synchronizedList(new ArrayList<>());
  /** What the first attempt's activities recorded in their metrics scope; read after {@code finish()}. */
  final RecordedMetrics metrics = new RecordedMetrics();
  private final DrainSettings settings;
  private final List<TestActivityEnvironment> laterAttempts = new ArrayList<>();

  DrainScenario(String scenarioYaml) {
    this(scenarioYaml, FAST);
  }

  DrainScenario(String scenarioYaml, DrainSettings settings) {
    this.settings = settings;
    sandbox = SandboxServer.start(Scenario.parse(scenarioYaml, "drain scenario"), 0);
    kube = sandbox.kubernetes(SHOP.region(), SHOP.name());
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    clients = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
    env =
        TestActivityEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setMetricsScope(metrics.scope()).build());
    env.registerActivitiesImplementations(new KubernetesNodeDrainActivities(clients, settings));
    env.setActivityHeartbeatListener(DrainProgress.class, heartbeats::add);
    drain = env.newActivityStub(NodeDrainActivities.class, ONE_ATTEMPT);
  }

  /**
   * The activities as another worker runs them for the next attempt: given the heartbeat details
   * the last attempt left, as Temporal hands them over. (A test environment stays cancelled once
   * cancelled, so each attempt gets its own.)
   */
  /** A new attempt of the activity, as Temporal starts it; null: the last one never heartbeated. */
  NodeDrainActivities nextAttempt(DrainProgress lastHeartbeat) {
    TestActivityEnvironment next = TestActivityEnvironment.newInstance();
    laterAttempts.add(next);
    next.registerActivitiesImplementations(new KubernetesNodeDrainActivities(clients, settings));
    next.setActivityHeartbeatListener(DrainProgress.class, heartbeats::add);
    if (lastHeartbeat != null) {
      next.setHeartbeatDetails(lastHeartbeat);
    }
    return next.newActivityStub(NodeDrainActivities.class, ONE_ATTEMPT);
  }

  KubernetesClient admin() {
    return kube.adminClient();
  }

  NodeSetRequest group(String nodeGroup) {
    return new NodeSetRequest(SHOP, nodeGroup);
  }

  DrainNodeResult drain(String node, DrainOptions options, List<String> forceDeletePodUids) {
    return drain.drainNode(new DrainNodeRequest(SHOP, node, options, forceDeletePodUids));
  }

  List<String> nodesOf(String nodeGroup) {
    return admin().nodes().withLabel("eks.amazonaws.com/nodegroup", nodeGroup).list().getItems().stream()
        .map(n -> n.getMetadata().getName())
        .sorted()
        .toList();
  }

  List<Pod> podsOn(String node) {
    return admin().pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems();
  }

  /** Pods on the node as the call log names them: namespace/name@uid. */
  List<String> podIdsOn(String node, java.util.function.Predicate<Pod> which) {
    return podsOn(node).stream()
        .filter(which)
        .map(p -> PodFacts.key(p) + "@" + PodFacts.uid(p))
        .sorted()
        .toList();
  }

  /** A node of another group that turns Ready at once, for evicted pods to land on. */
  void launchNode(String nodeName, String nodeGroup) {
    kube.launchNode(
        new NodeLaunch(
            nodeName,
            "i-" + Integer.toHexString(nodeName.hashCode()),
            nodeGroup,
            "v1.32.9-eks-1234567",
            Map.of("eks.amazonaws.com/nodegroup", nodeGroup),
            List.of(),
            Duration.ZERO));
    await(
        () ->
            admin().nodes().withName(nodeName).get() != null
                && admin().nodes().withName(nodeName).get().getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())),
        "node " + nodeName + " Ready");
  }

  /** Waits until the scenario's starting pods run (the sandbox places them once nodes are Ready). */
  void awaitRunning(int pods) {
    await(
        () ->
            admin().pods().inAnyNamespace().list().getItems().stream()
                    .filter(p -> p.getSpec().getNodeName() != null && PodFacts.isReady(p))
                    .count()
                >= pods,
        pods + " running pods");
  }

  /** Kubernetes entries of the call log for one operation, oldest first. */
  List<CallLog.Entry> calls(String operation) {
    return sandbox.callLog().entries(operation).stream()
        .filter(e -> "kubernetes".equals(e.service()))
        .toList();
  }

  List<String> calls(String operation, CallLog.Effect effect) {
    return calls(operation).stream().filter(e -> e.effect() == effect).map(CallLog.Entry::resourceId).toList();
  }

  static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    laterAttempts.forEach(TestActivityEnvironment::close);
    env.close();
    clients.close();
    eks.close();
    sandbox.close();
  }
}
