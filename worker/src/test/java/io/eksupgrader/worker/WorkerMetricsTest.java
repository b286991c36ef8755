package io.eksupgrader.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.activities.metrics.ActivityMetrics;
import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.activities.ClusterInspectionActivities;
import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.eksupgrader.workflows.upgrade.UpgradeMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The worker against Temporal's test server and the sandbox: a workflow has the worker's real
 * activities inspect the cluster over AWS and cordon and drain a node (a disruption budget that
 * allows one pod down makes the API server refuse some evictions), and emits the upgrade
 * workflows' metrics through {@code Workflow.getMetricsScope()}. Then {@code GET /metrics} must show
 * the SDK's metrics and the project's, with their labels and the counts that happened.
 */
class WorkerMetricsTest {

  static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");
  static final String NEW_NODE = "ip-10-0-9-1.ec2.internal";

  /**
   * Runs on a task queue of the test's own, in a worker made from the application's client, so its
   * metrics go through the application's scope; the activities run in the application's worker.
   */
  @WorkflowInterface
  public interface MetricsProbe {
    @WorkflowMethod
    DrainNodeResult inspectCordonAndDrain(ClusterRef cluster, String nodeGroup, String activityTaskQueue);
  }

  public static class MetricsProbeImpl implements MetricsProbe {
    @Override
    public DrainNodeResult inspectCordonAndDrain(ClusterRef cluster, String nodeGroup, String activityTaskQueue) {
      ActivityOptions options =
          ActivityOptions.newBuilder()
              .setTaskQueue(activityTaskQueue)
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setHeartbeatTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
              .build();
      ClusterInspectionActivities inspection = Workflow.newActivityStub(ClusterInspectionActivities.class, options);
      NodeDrainActivities drain = Workflow.newActivityStub(NodeDrainActivities.class, options);
      Workflow.getMetricsScope()
          .tagged(Map.of(UpgradeMetrics.PHASE, "data-plane"))
          .counter(UpgradeMetrics.PHASE_TRANSITIONS)
          .inc(1);
      inspection.inspectCluster(cluster);
      NodeSetResult cordoned = drain.cordonNodes(new NodeSetRequest(cluster, nodeGroup));
      DrainNodeResult result =
          drain.drainNode(
              new DrainNodeRequest(cluster, cordoned.nodes().get(0), new DrainOptions(true, false, false, -1, 60, 1), List.of()));
      Workflow.getMetricsScope()
          .tagged(Map.of(UpgradeMetrics.GATE_TYPE, "data-plane"))
          .timer(UpgradeMetrics.GATE_WAIT)
          .record(com.uber.m3.util.Duration.ofSeconds(90));
      Workflow.getMetricsScope()
          .tagged(Map.of(UpgradeMetrics.OUTCOME, "completed"))
          .counter(UpgradeMetrics.UPGRADES_ENDED)
          .inc(1);
      return result;
    }
  }

  @Test
  void metricsShowTheSdksWorkTheActivitiesAwsCallsAndDrainAndTheWorkflowsOwnMetrics() throws Exception {
    int port = WorkerApplicationTest.freePort();
    try (SandboxServer sandbox = SandboxServer.start(Scenario.parse(SCENARIO, "metrics"), 0);
        TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port);
        ApplicationContext worker = WorkerApplication.start(properties(port, sandbox.endpoint()))) {
      KubeCluster kube = sandbox.kubernetes(SHOP.region(), SHOP.name());
      awaitThreeWebPodsAndANewNode(kube);

      WorkerFactory probes = WorkerFactory.newInstance(worker.getBean(WorkflowClient.class));
      probes.newWorker("metrics-probe").registerWorkflowImplementationTypes(MetricsProbeImpl.class);
      probes.start();
      try {
        MetricsProbe probe =
            worker.getBean(WorkflowClient.class)
                .newWorkflowStub(
                    MetricsProbe.class,
                    WorkflowOptions.newBuilder().setTaskQueue("metrics-probe").setWorkflowId("metrics-probe").build());
        DrainNodeResult drained = probe.inspectCordonAndDrain(SHOP, "old", "worker-test");
        assertThat(drained.evicted()).isEqualTo(3);
        assertThat(drained.refusedEvictions()).as("the budget allows one web pod down at a time").isPositive();

        URI metrics = worker.getBean(EmbeddedServer.class).getURI().resolve("/metrics");
        PrometheusText scrape =
            awaitScrape(
                metrics,
                s -> s.sum("eks_upgrader_upgrades_ended_total", Map.of()) > 0
                    && s.sum("eks_upgrader_drain_evictions_total", Map.of()) >= 3
                    // The completion is counted after the result reached the client: wait for it.
                    && s.sum("temporal_workflow_completed_total", Map.of("workflow_type", "MetricsProbe")) > 0);

        Map<String, String> drainNode = Map.of("activity_type", ActivityTypes.DRAIN_NODE, "task_queue", "worker-test");
        assertThat(scrape.sum("eks_upgrader_drain_evictions_total", drainNode)).isEqualTo(3);
        assertThat(scrape.sum("eks_upgrader_drain_eviction_refusals_total", drainNode))
            .isEqualTo(drained.refusedEvictions());
        assertThat(
                scrape.sum(
                    "eks_upgrader_aws_calls_total",
                    Map.of(
                        "service", "EKS",
                        "operation", "DescribeCluster",
                        "outcome", "success",
                        "activity_type", ActivityTypes.INSPECT_CLUSTER)))
            .isPositive();
        assertThat(scrape.find("eks_upgrader_aws_call_latency_seconds_bucket", Map.of("service", "EKS")))
            .isNotEmpty();
        assertThat(scrape.sum("eks_upgrader_aws_throttles_total", Map.of())).as("no faults injected").isZero();

        Map<String, String> probeWorkflow = Map.of("workflow_type", "MetricsProbe");
        assertThat(scrape.sum("eks_upgrader_upgrade_phase_transitions_total", with(probeWorkflow, "phase", "data-plane")))
            .isEqualTo(1);
        assertThat(scrape.sum("eks_upgrader_upgrades_ended_total", with(probeWorkflow, "outcome", "completed")))
            .isEqualTo(1);
        assertThat(scrape.sum("eks_upgrader_gate_wait_seconds_count", with(probeWorkflow, "gate_type", "data-plane")))
            .isEqualTo(1);
        assertThat(scrape.sum("eks_upgrader_gate_wait_seconds_sum", probeWorkflow)).isEqualTo(90);
        assertThat(scrape.find("eks_upgrader_gate_wait_seconds_bucket", with(probeWorkflow, "le", "3600.0")))
            .as("the gate's buckets: minutes to days")
            .singleElement()
            .extracting(PrometheusText.Sample::value)
            .isEqualTo(1.0);

        assertThat(scrape.sum("temporal_activity_execution_latency_seconds_count", drainNode)).isEqualTo(1);
        assertThat(scrape.find("temporal_activity_schedule_to_start_latency_seconds_bucket", drainNode)).isNotEmpty();
        assertThat(scrape.sum("temporal_workflow_completed_total", probeWorkflow)).isEqualTo(1);
        assertThat(scrape.sum("temporal_request_total", Map.of())).isPositive();
        assertThat(scrape.find("temporal_worker_task_slots_available", Map.of("worker_type", "ActivityWorker")))
            .isNotEmpty()
            .allSatisfy(s -> assertThat(s.value()).isPositive());
        assertThat(scrape.sum("temporal_workflow_task_execution_failed_total", Map.of())).as("no workflow task failed").isZero();
      } finally {
        probes.shutdownNow();
      }
    }
  }

  @Test
  void metricsIsPrometheusTextAndMicronautsOwnMetricsEndpointsAreOff() throws Exception {
    int port = WorkerApplicationTest.freePort();
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port);
        ApplicationContext worker = WorkerApplication.start(properties(port, URI.create("http://127.0.0.1:9")))) {
      URI base = worker.getBean(EmbeddedServer.class).getURI();
      HttpResponse<String> metrics = get(base.resolve("/metrics"));
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue(PrometheusScrapeController.TEXT_FORMAT);
      assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge").doesNotContain("\"names\"");
      assertThat(get(base.resolve("/prometheus")).statusCode()).isEqualTo(404);
    }
  }

  private static final String SCENARIO =
      """
      name: metrics
      timeScale: 10
      durations: {podStart: 4s}
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          nodeGroups:
            - {name: old, desiredSize: 1}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 3}
            pdbs:
              - {namespace: shop, name: web-pdb, selector: {app: web}, maxUnavailable: "1"}
      """;

  private static void awaitThreeWebPodsAndANewNode(KubeCluster kube) throws InterruptedException {
    KubernetesClient admin = kube.adminClient();
    await(
        () ->
            admin.pods().inNamespace("shop").list().getItems().stream()
                    .filter(p -> p.getSpec().getNodeName() != null)
                    .count()
                == 3,
        "three web pods placed");
    kube.launchNode(
        new NodeLaunch(NEW_NODE, "i-0new", "new", "v1.32.9-eks-1234567", Map.of("eks.amazonaws.com/nodegroup", "new"), List.of(), Duration.ZERO));
    await(
        () -> {
          var node = admin.nodes().withName(NEW_NODE).get();
          return node != null
              && node.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        },
        "the new node Ready");
  }

  /** Scrapes until {@code until} holds: the SDK hands its metrics over every report interval. */
  private static PrometheusText awaitScrape(URI metrics, Predicate<PrometheusText> until) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      HttpResponse<String> response = get(metrics);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      PrometheusText scrape = PrometheusText.parse(response.body());
      if (until.test(scrape)) {
        return scrape;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("the scrape never showed the metrics:\n" + response.body());
      }
      Thread.sleep(100);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> all = new HashMap<>(labels);
    all.put(key, value);
    return all;
  }

  private static Map<String, Object> properties(int temporalPort, URI aws) {
    Map<String, Object> p = new HashMap<>();
    p.put("eks-upgrader.temporal.target", "127.0.0.1:" + temporalPort);
    p.put("eks-upgrader.temporal.task-queue", "worker-test");
    p.put("eks-upgrader.aws.endpoint-override", aws.toString());
    p.put("eks-upgrader.aws.access-key-id", "sandbox");
    p.put("eks-upgrader.aws.secret-access-key", "sandbox");
    p.put("eks-upgrader.metrics.report-interval", "200ms");
    p.put("eks-upgrader.drain.eviction-retry-interval", "100ms");
    p.put("eks-upgrader.drain.pod-gone-poll-interval", "50ms");
    p.put("eks-upgrader.drain.heartbeat-interval", "500ms");
    p.put("micronaut.server.port", -1);
    return p;
  }
}
