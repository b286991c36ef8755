package io.eksupgrader.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.temporal.activity.ActivityOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerApplicationTest {

  @Test
  void theWorkerPollsItsTaskQueueAndHealthSaysSo() throws Exception {
    int port = freePort();
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port);
        ApplicationContext worker = WorkerApplication.start(properties(port))) {
      assertThat(worker.getBean(UpgradeWorker.class).isStarted()).isTrue();

      URI health = worker.getBean(EmbeddedServer.class).getURI().resolve("/health");
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body())
          .contains("\"status\":\"UP\"")
          .contains("\"taskQueue\":\"worker-test\"")
          .contains("\"frontend\":\"SERVING\"");
    }
  }

  @Test
  void healthIsDownWhenTemporalDoesNotAnswer() throws Exception {
    int port = freePort();
    ApplicationContext worker;
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port)) {
      worker = WorkerApplication.start(properties(port));
    }
    try (worker) {
      URI health = worker.getBean(EmbeddedServer.class).getURI().resolve("/health");
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("NOT_SERVING");
    }
  }

  @Test
  void aWorkerThatWouldRunNeitherWorkflowsNorActivitiesRefusesToStart() throws Exception {
    int port = freePort();
    Map<String, Object> properties = properties(port);
    properties.put("eks-upgrader.worker.workflows", false);
    properties.put("eks-upgrader.worker.activities", false);
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port)) {
      assertThatThrownBy(() -> WorkerApplication.start(properties).close())
          .hasStackTraceContaining("eks-upgrader.worker.workflows and eks-upgrader.worker.activities are both false");
    }
  }

  @Test
  void applicationYmlGivesEveryActivityTypeItsTimeoutsAndRetries() {
    try (ApplicationContext context = ApplicationContext.run(Map.of("eks-upgrader.worker.enabled", "false"))) {
      Map<String, ActivityOptions> options =
          ActivityOptionsFromConfig.build(context.getBeansOfType(ActivitySettings.class));

      assertThat(options).containsOnlyKeys(ActivityTypes.ALL);
      ActivityOptions await = options.get(ActivityTypes.AWAIT_VERSION_UPDATE);
      assertThat(await.getStartToCloseTimeout()).isEqualTo(Duration.ofMinutes(90));
      assertThat(await.getHeartbeatTimeout()).isEqualTo(Duration.ofMinutes(2));
      assertThat(await.getRetryOptions().getMaximumAttempts()).isEqualTo(10);
      assertThat(await.getRetryOptions().getDoNotRetry()).contains(FailureTypes.EKS_UPDATE_FAILED);
      assertThat(options.get(ActivityTypes.INSPECT_CLUSTER).getHeartbeatTimeout()).isNull();
    }
  }

  @Test
  void overridesReachTheActivityOptions() {
    try (ApplicationContext context =
        ApplicationContext.run(
            Map.of(
                "eks-upgrader.worker.enabled", "false",
                "eks-upgrader.activities.await-version-update.heartbeat-timeout", "3s"))) {
      Map<String, ActivityOptions> options =
          ActivityOptionsFromConfig.build(context.getBeansOfType(ActivitySettings.class));
      assertThat(options.get(ActivityTypes.AWAIT_VERSION_UPDATE).getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void anIncompleteOrMistypedActivityConfigurationStopsTheWorkerWithTheKeysToFix() {
    ActivitySettings inspect = new ActivitySettings(ActivityTypes.INSPECT_CLUSTER);
    inspect.setStartToCloseTimeout(Duration.ofMinutes(1));
    ActivitySettings typo = new ActivitySettings("AwaitVersionUpdat");
    typo.setStartToCloseTimeout(Duration.ofMinutes(1));
    ActivitySettings noTimeout = new ActivitySettings(ActivityTypes.START_VERSION_UPDATE);

    assertThatThrownBy(() -> ActivityOptionsFromConfig.build(List.of(inspect, typo, noTimeout)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("eks-upgrader.activities.AwaitVersionUpdat: unknown activity type")
        .hasMessageContaining("eks-upgrader.activities.StartVersionUpdate.start-to-close-timeout must be set")
        .hasMessageContaining("eks-upgrader.activities.await-version-update is missing");
  }

  @Test
  void theApprovalPolicyComesFromConfigurationAndATypoStopsTheStart() {
    Map<String, Object> config = new HashMap<>();
    config.put("eks-upgrader.worker.enabled", "false");
    config.put("eks-upgrader.approvals.four-eyes", "true");
    config.put("eks-upgrader.approvals.approvers.all", List.of("alice", "bob"));
    config.put("eks-upgrader.approvals.approvers.control-plane", List.of("alice"));
    config.put("eks-upgrader.approvals.never-auto-approve", List.of("delete-asg", "teardown"));
    try (ApplicationContext context = ApplicationContext.run(config)) {
      var policy = context.getBean(ApprovalConfiguration.class).loadApprovalPolicy();
      assertThat(policy.fourEyes()).isTrue();
      assertThat(policy.approvers()).containsEntry("*", List.of("alice", "bob")).containsEntry("control-plane", List.of("alice"));
      assertThat(policy.neverAutoApprove()).containsExactly("delete-asg", "teardown");
    }
    try (ApplicationContext context = ApplicationContext.run(Map.of("eks-upgrader.worker.enabled", "false"))) {
      var policy = context.getBean(ApprovalConfiguration.class).loadApprovalPolicy();
      assertThat(policy.fourEyes()).as("application.yml's default: no policy of the worker's own").isFalse();
      assertThat(policy.approvers()).isEmpty();
    }
    Map<String, Object> typo = new HashMap<>(Map.of("eks-upgrader.worker.enabled", "false"));
    typo.put("eks-upgrader.approvals.approvers.controlplane", List.of("alice"));
    try (ApplicationContext context = ApplicationContext.run(typo)) {
      assertThatThrownBy(() -> context.getBean(ApprovalConfiguration.class).loadApprovalPolicy())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("eks-upgrader.approvals.approvers names 'controlplane', which is no gate type");
    }
  }

  static Map<String, Object> properties(int temporalPort) {
    Map<String, Object> p = new HashMap<>();
    p.put("eks-upgrader.temporal.target", "127.0.0.1:" + temporalPort);
    p.put("eks-upgrader.temporal.task-queue", "worker-test");
    p.put("eks-upgrader.aws.endpoint-override", "http://127.0.0.1:9");
    p.put("eks-upgrader.aws.access-key-id", "sandbox");
    p.put("eks-upgrader.aws.secret-access-key", "sandbox");
    p.put("micronaut.server.port", -1);
    return p;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
