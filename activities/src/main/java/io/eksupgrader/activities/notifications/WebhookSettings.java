package io.eksupgrader.activities.notifications;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The worker's webhooks, by channel name, and how long one POST may take. A channel that is not
 * here has no webhook: its notifications are not sent.
 *
 * @param channels channel name → absolute http(s) URL
 * @param requestTimeout for connecting and for the whole answer; shorter than the Notify activity's
 *     start-to-close timeout, so that a slow receiver fails the attempt and Temporal retries it
 */
public record WebhookSettings(Map<String, URI> channels, Duration requestTimeout) {

  /** The configuration prefix of a channel's URL, named in what the activity says. */
  public static final String KEY_PREFIX = "eks-upgrader.notifications.webhooks.";

  public WebhookSettings {
    Map<String, URI> checked = new LinkedHashMap<>();
    channels.forEach(
        (channel, url) -> {
          // The message names the key, never the URL: the URL is a credential.
          if (url == null
              || !url.isAbsolute()
              || url.getHost() == null
              || !("https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme()))) {
            throw new IllegalArgumentException(
                key(channel) + " is not an absolute http(s) URL with a host, e.g. https://hooks.slack.com/services/...");
          }
          checked.put(channel, url);
        });
    channels = Map.copyOf(checked);
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("eks-upgrader.notifications.request-timeout must be positive");
    }
  }

  /** The channels with their masked URLs: a record's own toString would print the credentials. */
  @Override
  public String toString() {
    String listed =
        channels.entrySet().stream()
            .map(channel -> channel.getKey() + "=" + WebhookUrl.masked(channel.getValue()))
            .collect(Collectors.joining(", "));
    return "WebhookSettings[channels={" + listed + "}, requestTimeout=" + requestTimeout + "]";
  }

  /** {@code eks-upgrader.notifications.webhooks.<channel>}. */
  public static String key(String channel) {
    return KEY_PREFIX + channel;
  }

  /** The environment variable that sets the channel's URL, as Micronaut maps variables to keys. */
  public static String environmentVariable(String channel) {
    return key(channel).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
