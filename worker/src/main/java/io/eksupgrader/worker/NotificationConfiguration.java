package io.eksupgrader.worker;

import io.eksupgrader.activities.notifications.WebhookNotificationActivities;
import io.eksupgrader.activities.notifications.WebhookSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code eks-upgrader.notifications.*}: the webhook of each notification channel ({@code
 * webhooks.<channel>: <url>}, e.g. {@code webhooks.default}, which a notification without a
 * channel goes to) and how long one POST may take. No webhook, or an empty one: that channel's
 * notifications are not sent. The URLs are credentials, so they come from the worker's
 * configuration (an environment variable such as {@code EKS_UPGRADER_NOTIFICATIONS_WEBHOOKS_DEFAULT}
 * from a Secret), and no message here repeats one.
 */
@ConfigurationProperties("eks-upgrader.notifications")
public class NotificationConfiguration {

  private Map<String, String> webhooks = new LinkedHashMap<>();
  private Duration requestTimeout = Duration.ofSeconds(10);

  /** The activities, with every non-empty webhook checked: a malformed one stops the worker naming its key. */
  WebhookNotificationActivities toActivities() {
    return new WebhookNotificationActivities(toSettings());
  }

  WebhookSettings toSettings() {
    Map<String, URI> channels = new LinkedHashMap<>();
    webhooks.forEach(
        (channel, url) -> {
          if (url == null || url.isBlank()) {
            return;
          }
          try {
            channels.put(channel, new URI(url.strip()));
          } catch (URISyntaxException e) {
            // Not e's message: it quotes the URL.
            throw new IllegalStateException(WebhookSettings.key(channel) + " is not a URL");
          }
        });
    try {
      return new WebhookSettings(channels, requestTimeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage());
    }
  }

  public Map<String, String> getWebhooks() {
    return webhooks;
  }

  public void setWebhooks(Map<String, String> webhooks) {
    this.webhooks = webhooks;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }
}
