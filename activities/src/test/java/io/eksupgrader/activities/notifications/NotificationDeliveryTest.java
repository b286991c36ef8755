package io.eksupgrader.activities.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.notifications.WebhookReceiver.Answer;
import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.NotificationActivities;
import io.eksupgrader.workflows.activities.NotificationActivities.Notification;
import io.eksupgrader.workflows.activities.NotificationActivities.NotificationResult;
import io.eksupgrader.workflows.upgrade.UpgradeActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Notify activity behind a workflow with the Notify options of {@link
 * UpgradeActivityOptions#defaults()}, in Temporal's test environment (time skipping): Temporal's
 * retries deliver through a webhook that is down for a while, stop at once on a refusal, give up
 * after the policy's attempts, and wait a Retry-After.
 */
class NotificationDeliveryTest {

  private static final String QUEUE = "notifications";
  private static final int NOTIFY_ATTEMPTS =
      UpgradeActivityOptions.defaults().get(ActivityTypes.NOTIFY).getRetryOptions().getMaximumAttempts();

  /** Sends one notification the way the upgrade does, but waits for the outcome to show it. */
  @WorkflowInterface
  public interface NotifyingWorkflow {
    @WorkflowMethod
    NotificationResult send(Notification notification);
  }

  public static class NotifyingWorkflowImpl implements NotifyingWorkflow {
    // No options here: they come from the per-type map at registration, as for the upgrade's stubs.
    private final NotificationActivities notifications = Workflow.newActivityStub(NotificationActivities.class);

    @Override
    public NotificationResult send(Notification notification) {
      return notifications.notify(notification);
    }
  }

  private TestWorkflowEnvironment env;
  private CapturedLogs logs;

  @BeforeEach
  void captureLogs() {
    logs = new CapturedLogs();
  }

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
    logs.close();
  }

  private NotifyingWorkflow workflowPostingTo(Map<String, URI> channels) {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(
        UpgradeActivityOptions.implementationOptions(UpgradeActivityOptions.defaults()), NotifyingWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new WebhookNotificationActivities(new WebhookSettings(channels, Duration.ofSeconds(5))));
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(
        NotifyingWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("notify-test").build());
  }

  private static Notification gateOpened() {
    return WebhookNotificationActivitiesTest.gateOpened(null);
  }

  @Test
  void aWebhookThatAnswers503TwiceGetsTheNotificationOnTheThirdPost() throws Exception {
    try (WebhookReceiver slack =
        WebhookReceiver.answering(() -> env.currentTimeMillis(), Answer.of(503), Answer.of(503), Answer.of(200, "ok"))) {
      NotifyingWorkflow workflow = workflowPostingTo(Map.of("default", slack.url()));

      NotificationResult result = workflow.send(gateOpened());

      assertThat(result).isEqualTo(new NotificationResult(true, "default", "HTTP 200"));
      assertThat(slack.received()).hasSize(3);
      assertThat(slack.received()).extracting(WebhookReceiver.Received::body).containsOnly(slack.received().get(0).body());
      List<Long> at = slack.received().stream().map(WebhookReceiver.Received::atMillis).toList();
      assertThat(at.get(1) - at.get(0)).as("the policy's first interval, 2 s").isBetween(2_000L, 10_000L);
      assertThat(at.get(2) - at.get(1)).as("doubled, 4 s").isBetween(4_000L, 20_000L);
      assertThat(logs.text()).doesNotContain(WebhookReceiver.SECRET);
    }
  }

  @Test
  void aWebhookThatRefusesIsPostedToOnceAndTheFailureIsNotificationRefused() throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(404, "no_service"))) {
      NotifyingWorkflow workflow = workflowPostingTo(Map.of("default", slack.url()));

      WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class, () -> workflow.send(gateOpened()));

      assertThat(slack.received()).hasSize(1);
      ActivityFailure activity = (ActivityFailure) failed.getCause();
      ApplicationFailure refusal = (ApplicationFailure) activity.getCause();
      assertThat(refusal.getType()).isEqualTo(FailureTypes.NOTIFICATION_REFUSED);
      assertThat(refusal.isNonRetryable()).isTrue();
      assertThat(refusal.getOriginalMessage()).contains("answered HTTP 404: no_service");
      assertThat(WebhookNotificationActivitiesTest.everything(failed)).doesNotContain(WebhookReceiver.SECRET);
      assertThat(logs.text())
          .as("Temporal logs the failure it records; the URL is in neither")
          .contains("answered HTTP 404")
          .doesNotContain(WebhookReceiver.SECRET);
    }
  }

  @Test
  void aWebhookThatStaysDownGetsThePolicysAttemptsAndNoMore() throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(503, "maintenance"))) {
      NotifyingWorkflow workflow = workflowPostingTo(Map.of("default", slack.url()));

      WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class, () -> workflow.send(gateOpened()));

      assertThat(NOTIFY_ATTEMPTS).isEqualTo(8);
      assertThat(slack.received()).hasSize(NOTIFY_ATTEMPTS);
      ApplicationFailure last = (ApplicationFailure) failed.getCause().getCause();
      assertThat(last.getType()).isEqualTo(WebhookNotificationActivities.WEBHOOK_UNAVAILABLE);
      assertThat(WebhookNotificationActivitiesTest.everything(failed)).doesNotContain(WebhookReceiver.SECRET);
      assertThat(logs.text()).doesNotContain(WebhookReceiver.SECRET);
    }
  }

  @Test
  void aRateLimitedWebhookIsPostedToAgainAfterItsRetryAfterNotThePolicysInterval() throws Exception {
    try (WebhookReceiver slack =
        WebhookReceiver.answering(
            () -> env.currentTimeMillis(), Answer.of(429, "rate_limited").withHeader("Retry-After", "120"), Answer.of(200))) {
      NotifyingWorkflow workflow = workflowPostingTo(Map.of("default", slack.url()));

      NotificationResult result = workflow.send(gateOpened());

      assertThat(result.delivered()).isTrue();
      assertThat(slack.received()).hasSize(2);
      long gap = slack.received().get(1).atMillis() - slack.received().get(0).atMillis();
      assertThat(gap).as("120 s, not the policy's 2 s").isBetween(120_000L, 130_000L);
    }
  }

  @Test
  void aChannelWithoutWebhookCompletesUndeliveredWithoutAnyPost() throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(200))) {
      NotifyingWorkflow workflow = workflowPostingTo(Map.of("ops", slack.url()));

      NotificationResult result = workflow.send(gateOpened());

      assertThat(result.delivered()).isFalse();
      assertThat(result.channel()).isEqualTo("default");
      assertThat(result.detail()).contains("eks-upgrader.notifications.webhooks.default");
      assertThat(slack.received()).isEmpty();
    }
  }
}
