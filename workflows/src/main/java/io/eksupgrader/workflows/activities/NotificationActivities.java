package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;

/**
 * Tells people that an upgrade needs them or has ended: a webhook POST with Slack-compatible JSON
 * ({@code {"text": ...}}). The webhook URLs are the worker's configuration, never the workflow's
 * input, since a webhook URL is a credential. The workflow never waits for a notification.
 */
@ActivityInterface
public interface NotificationActivities {

  /**
   * Posts the notification to the channel's webhook. A channel without a webhook is not delivered
   * and not an error. A 5xx, a 429 or no answer fails the activity so that Temporal retries it; any
   * other 4xx (or a redirect, which is not followed) fails it with the non-retryable {@link
   * FailureTypes#NOTIFICATION_REFUSED}. A Retry-After becomes the delay before Temporal's next
   * attempt. Delivery is at least once: an attempt whose answer was lost posts again.
   */
  @ActivityMethod(name = ActivityTypes.NOTIFY)
  NotificationResult notify(Notification notification);

  /** What happened; the values of {@link Notification#event()}. */
  final class Events {
    public static final String GATE_OPENED = "gate-opened";
    public static final String GATE_REMINDER = "gate-reminder";
    public static final String STEP_FAILED = "step-failed";
    public static final String HEALTH_BREACH = "health-breach";
    public static final String UPGRADE_ENDED = "upgrade-ended";

    private Events() {}
  }

  /**
   * @param channel a webhook name in the worker's configuration; null means {@code default}
   * @param title one line, e.g. {@code demo (us-east-1): gate control-plane-1.33 waits for approval}
   * @param text what to do, in Slack's mrkdwn (the exact signal and payload for a gate)
   */
  record Notification(
      String channel, String event, String workflowId, ClusterRef cluster, String title, String text, Instant at) {}

  /** @param detail e.g. {@code HTTP 200}, or why nothing was sent */
  record NotificationResult(boolean delivered, String channel, String detail) {}
}
