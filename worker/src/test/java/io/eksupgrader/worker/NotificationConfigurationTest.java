package io.eksupgrader.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.eksupgrader.activities.notifications.WebhookSettings;
import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.activities.NotificationActivities;
import io.eksupgrader.workflows.activities.NotificationActivities.Notification;
import io.eksupgrader.workflows.activities.NotificationActivities.NotificationResult;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.upgrade.UpgradeActivityOptions;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code eks-upgrader.notifications.*}: off by default, one webhook per channel from properties or
 * environment variables, a malformed URL refused without repeating it, and the worker running the
 * Notify activity with those webhooks.
 */
class NotificationConfigurationTest {

  private static final String SECRET = "xoxSecretToken42";

  private static ApplicationContext context(Map<String, Object> properties, PropertySource... sources) {
    Map<String, Object> all = new java.util.HashMap<>(properties);
    all.put("eks-upgrader.worker.enabled", "false");
    return ApplicationContext.builder().properties(all).propertySources(sources).start();
  }

  @Test
  void applicationYmlSendsNoNotificationsUntilAWebhookIsSet() {
    try (ApplicationContext context = context(Map.of())) {
      NotificationConfiguration notifications = context.getBean(NotificationConfiguration.class);

      assertThat(notifications.toSettings().channels()).isEmpty();
      assertThat(notifications.getRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }
  }

  @Test
  void eachChannelGetsTheWebhookOfItsKey() {
    try (ApplicationContext context =
        context(
            Map.of(
                "eks-upgrader.notifications.webhooks.default", "https://hooks.slack.com/services/T0/B0/" + SECRET,
                "eks-upgrader.notifications.webhooks.platform", " https://chat.example.com/hooks/" + SECRET + " ",
                "eks-upgrader.notifications.request-timeout", "3s"))) {
      WebhookSettings settings = context.getBean(NotificationConfiguration.class).toSettings();

      assertThat(settings.channels())
          .containsOnly(
              Map.entry("default", URI.create("https://hooks.slack.com/services/T0/B0/" + SECRET)),
              Map.entry("platform", URI.create("https://chat.example.com/hooks/" + SECRET)));
      assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void anEnvironmentVariableSetsTheDefaultWebhook() {
    // What Micronaut makes of EKS_UPGRADER_NOTIFICATIONS_WEBHOOKS_DEFAULT in the process environment.
    PropertySource environment =
        new MapPropertySource(
            "test-environment",
            Map.of("EKS_UPGRADER_NOTIFICATIONS_WEBHOOKS_DEFAULT", "https://hooks.slack.com/services/T0/B0/" + SECRET)) {
          @Override
          public int getOrder() {
            return EnvironmentPropertySource.POSITION;
          }

          @Override
          public PropertyConvention getConvention() {
            return PropertyConvention.ENVIRONMENT_VARIABLE;
          }
        };
    try (ApplicationContext context = context(Map.of(), environment)) {
      assertThat(context.getBean(NotificationConfiguration.class).toSettings().channels())
          .containsOnly(Map.entry("default", URI.create("https://hooks.slack.com/services/T0/B0/" + SECRET)));
    }
  }

  @Test
  void aMalformedWebhookStopsTheWorkerNamingItsKeyButNotTheUrl() {
    for (String bad : List.of("hooks.slack.com/services/" + SECRET, "https://hooks slack/" + SECRET, "ftp://example.com/" + SECRET)) {
      try (ApplicationContext context = context(Map.of("eks-upgrader.notifications.webhooks.ops", bad))) {
        NotificationConfiguration notifications = context.getBean(NotificationConfiguration.class);

        assertThatThrownBy(notifications::toSettings)
            .as(bad)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("eks-upgrader.notifications.webhooks.ops")
            .hasMessageNotContaining(SECRET);
      }
    }
  }

  /** Calls Notify on the worker's task queue, as the upgrade would, and returns the outcome. */
  @WorkflowInterface
  public interface NotifyThroughWorker {
    @WorkflowMethod
    NotificationResult send(Notification notification);
  }

  public static class NotifyThroughWorkerImpl implements NotifyThroughWorker {
    private final NotificationActivities notifications =
        Workflow.newActivityStub(
            NotificationActivities.class,
            ActivityOptions.newBuilder(UpgradeActivityOptions.defaults().get(ActivityTypes.NOTIFY))
                .setTaskQueue("worker-test")
                .build());

    @Override
    public NotificationResult send(Notification notification) {
      return notifications.notify(notification);
    }
  }

  @Test
  void theWorkerRunsNotifyWithTheConfiguredWebhook() throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    int port = WorkerApplicationTest.freePort();
    Map<String, Object> properties = WorkerApplicationTest.properties(port);
    properties.put(
        "eks-upgrader.notifications.webhooks.default",
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/services/" + SECRET);
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port);
        ApplicationContext worker = WorkerApplication.start(properties)) {
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      factory.newWorker("notify-caller").registerWorkflowImplementationTypes(NotifyThroughWorkerImpl.class);
      factory.start();
      try {
        NotificationResult result =
            client
                .newWorkflowStub(
                    NotifyThroughWorker.class,
                    // Ends the test rather than waiting forever should the worker not run Notify.
                    WorkflowOptions.newBuilder().setTaskQueue("notify-caller").setWorkflowRunTimeout(Duration.ofSeconds(20)).build())
                .send(
                    new Notification(
                        null,
                        NotificationActivities.Events.UPGRADE_ENDED,
                        "eks-upgrade/us-east-1/demo",
                        new ClusterRef("us-east-1", "demo"),
                        "demo (us-east-1): upgrade to 1.34 completed",
                        null,
                        null));

        assertThat(result).isEqualTo(new NotificationResult(true, "default", "HTTP 200"));
        assertThat(bodies).containsExactly("{\"text\":\"demo (us-east-1): upgrade to 1.34 completed\"}");
      } finally {
        factory.shutdownNow();
        service.shutdownNow();
      }
    } finally {
      receiver.stop(0);
    }
  }
}
