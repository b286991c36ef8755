package io.eksupgrader.activities.notifications;

import java.net.URI;

/**
 * A webhook URL is a credential: Slack's, Mattermost's and Teams' carry their secret in the path
 * (and sometimes the query). Only its scheme, host and port are ever logged, returned or put in a
 * failure.
 */
final class WebhookUrl {

  private WebhookUrl() {}

  /** {@code https://hooks.slack.com/…} for {@code https://hooks.slack.com/services/T0/B0/secret}. */
  static String masked(URI url) {
    StringBuilder masked = new StringBuilder().append(url.getScheme()).append("://").append(url.getHost());
    if (url.getPort() != -1) {
      masked.append(':').append(url.getPort());
    }
    return masked.append("/…").toString();
  }

  /**
   * The text with the URL, its path and its query replaced by the masked form, for messages that
   * come from elsewhere (the JDK's exceptions, the receiver's answer) and might quote them.
   */
  static String scrubbed(String text, URI url) {
    if (text == null) {
      return null;
    }
    String scrubbed = text.replace(url.toString(), masked(url));
    if (url.getRawQuery() != null && !url.getRawQuery().isEmpty()) {
      scrubbed = scrubbed.replace(url.getRawQuery(), "…");
    }
    if (url.getRawPath() != null && url.getRawPath().length() > 1) {
      scrubbed = scrubbed.replace(url.getRawPath(), "/…");
    }
    return scrubbed;
  }
}
