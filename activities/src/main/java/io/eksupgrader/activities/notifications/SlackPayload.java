package io.eksupgrader.activities.notifications;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.activities.NotificationActivities.Notification;

/**
 * The body of a webhook POST: {@code {"text": "<title>\n<text>"}} and nothing else. {@code text} is
 * the one field that Slack's incoming webhooks, Mattermost and the Slack-compatible endpoints of
 * other chat tools all show. No other top-level field is sent: Slack does not document that it
 * ignores unknown ones, and a refused payload would lose the message.
 */
final class SlackPayload {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SlackPayload() {}

  static String json(Notification notification) {
    ObjectNode body = JSON.createObjectNode();
    body.put("text", text(notification));
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON object with one string field could not be written", e);
    }
  }

  /** The title on the first line, then the text; a notification without a title still says what happened. */
  static String text(Notification notification) {
    String title = notification.title();
    if (title == null || title.isBlank()) {
      title =
          "eks-upgrader: "
              + (notification.event() == null ? "notification" : notification.event())
              + (notification.cluster() == null ? "" : " on " + notification.cluster());
    }
    String text = notification.text();
    return text == null || text.isBlank() ? title : title + "\n" + text;
  }
}
