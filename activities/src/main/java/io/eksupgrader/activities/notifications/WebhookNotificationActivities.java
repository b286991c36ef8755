package io.eksupgrader.activities.notifications;

import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.NotificationActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications as one POST of Slack-compatible JSON ({@link SlackPayload}) to the channel's
 * webhook, with the JDK's HTTP client.
 *
 * <p>What each answer means for Temporal's retries (the Notify options: a few attempts over some
 * minutes):
 *
 * <ul>
 *   <li>2xx: delivered.
 *   <li>429, 5xx, no answer within the request timeout, a connection that fails: the attempt fails
 *       with the retryable {@link #WEBHOOK_UNAVAILABLE}. A {@code Retry-After} (seconds or an HTTP
 *       date, up to {@link #LONGEST_RETRY_AFTER}) becomes the failure's next retry delay, so
 *       Temporal waits that long instead of the policy's backoff: an activity must not sleep for it.
 *   <li>any other status (a 4xx, or a redirect, which is not followed): the receiver refused the
 *       URL or the payload, so the attempt fails with the non-retryable {@link
 *       FailureTypes#NOTIFICATION_REFUSED}.
 * </ul>
 *
 * A channel without a webhook is not sent and not an error. Delivery is at least once: an attempt
 * whose answer is lost is sent again.
 *
 * <p>The URL is a credential: logs, results and failures name the channel and the masked URL
 * ({@code https://hooks.slack.com/…}) only, and text from elsewhere (the JDK's exception messages,
 * the receiver's answer) is scrubbed of it. No exception is attached as a cause, since Temporal
 * records a cause's message as it is.
 */
public class WebhookNotificationActivities implements NotificationActivities {

  private static final Logger log = LoggerFactory.getLogger(WebhookNotificationActivities.class);

  /** The channel of a notification that names none. */
  public static final String DEFAULT_CHANNEL = "default";
  /** The webhook did not take the notification this time; Temporal retries it. */
  public static final String WEBHOOK_UNAVAILABLE = "WebhookUnavailable";
  /** A longer Retry-After is cut to this, so that a notification is not held back for hours. */
  public static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(5);

  private static final int ANSWER_CHARACTERS = 200;

  private final WebhookSettings settings;
  private final HttpClient http;

  public WebhookNotificationActivities(WebhookSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            // A few hundred bytes: HTTP/1.1 everywhere avoids the h2c upgrade on plain-http receivers.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.requestTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    if (settings.channels().isEmpty()) {
      log.info("No notification webhooks are configured ({}<channel>): notifications are not sent", WebhookSettings.KEY_PREFIX);
    } else {
      settings.channels().forEach((channel, url) -> log.info("Notifications of channel '{}' go to {}", channel, WebhookUrl.masked(url)));
    }
  }

  @Override
  public NotificationResult notify(Notification notification) {
    String channel =
        notification.channel() == null || notification.channel().isBlank() ? DEFAULT_CHANNEL : notification.channel();
    URI url = settings.channels().get(channel);
    if (url == null) {
      String detail =
          "not sent: channel '"
              + channel
              + "' has no webhook; set "
              + WebhookSettings.key(channel)
              + " (or "
              + WebhookSettings.environmentVariable(channel)
              + ")";
      log.info("Notification {} of {}: {}", notification.event(), notification.workflowId(), detail);
      return new NotificationResult(false, channel, detail);
    }
    String where = "webhook '" + channel + "' (" + WebhookUrl.masked(url) + ")";
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(SlackPayload.json(notification), StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw unavailable(where + " did not answer within " + settings.requestTimeout().toMillis() + " ms", null);
    } catch (IOException e) {
      throw unavailable(where + " could not be reached: " + describe(e, url), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while posting to " + where, null);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      log.info(
          "Notification {} of {} delivered to {}: HTTP {}",
          notification.event(),
          notification.workflowId(),
          where,
          status);
      return new NotificationResult(true, channel, "HTTP " + status);
    }
    String answer = where + " answered HTTP " + status + answerText(response.body(), url);
    if (status == 429 || status >= 500) {
      Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null), Instant.now()).orElse(null);
      throw unavailable(
          answer + (retryAfter == null ? "" : "; retry after " + retryAfter.toSeconds() + " s"), retryAfter);
    }
    throw ApplicationFailure.newNonRetryableFailure(
        answer + "; check the URL of " + WebhookSettings.key(channel), FailureTypes.NOTIFICATION_REFUSED);
  }

  private static ApplicationFailure unavailable(String message, Duration nextRetryDelay) {
    return ApplicationFailure.newBuilder()
        .setMessage(message)
        .setType(WEBHOOK_UNAVAILABLE)
        .setNextRetryDelay(nextRetryDelay)
        .build();
  }

  /** The receiver's own words, e.g. Slack's {@code no_service}, on one line and short. */
  private static String answerText(String body, URI url) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String line = body.strip().replaceAll("\\s+", " ");
    if (line.length() > ANSWER_CHARACTERS) {
      line = line.substring(0, ANSWER_CHARACTERS) + "…";
    }
    return ": " + WebhookUrl.scrubbed(line, url);
  }

  /** The exception and its causes as class names and scrubbed messages, e.g. {@code ConnectException}. */
  private static String describe(Throwable e, URI url) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null && text.length() < 500; t = t.getCause()) {
      if (!text.isEmpty()) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName());
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        text.append(": ").append(WebhookUrl.scrubbed(t.getMessage(), url));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text.toString();
  }

  /** Retry-After in seconds or as an HTTP date, cut to {@link #LONGEST_RETRY_AFTER}; empty when absent or unreadable. */
  static Optional<Duration> retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.strip();
    Duration delay;
    try {
      delay = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException notSeconds) {
      try {
        delay = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
    if (delay.isNegative() || delay.isZero()) {
      return Optional.empty();
    }
    return Optional.of(delay.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : delay);
  }
}
