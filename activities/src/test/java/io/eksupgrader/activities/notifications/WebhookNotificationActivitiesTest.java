package io.eksupgrader.activities.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.activities.notifications.WebhookReceiver.Answer;
import io.eksupgrader.activities.notifications.WebhookReceiver.Received;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.NotificationActivities.Events;
import io.eksupgrader.workflows.activities.NotificationActivities.Notification;
import io.eksupgrader.workflows.activities.NotificationActivities.NotificationResult;
import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The webhook POST over real HTTP against a local receiver: the JSON it gets, which answers are
 * delivered, retried or refused, and that the webhook's URL, a credential, shows nowhere.
 */
class WebhookNotificationActivitiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ClusterRef DEMO = new ClusterRef("us-east-1", "demo");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  static Notification gateOpened(String channel) {
    return new Notification(
        channel,
        Events.GATE_OPENED,
        "eks-upgrade/us-east-1/demo",
        DEMO,
        "demo (us-east-1): gate control-plane-1.33 waits for approval",
        "Send signal `approve` with `{\"gate\":\"control-plane-1.33\",\"approver\":\"you\"}`",
        Instant.parse("2026-12-07T15:00:00Z"));
  }

  private static WebhookNotificationActivities activities(Map<String, URI> channels, Duration timeout) {
    return new WebhookNotificationActivities(new WebhookSettings(channels, timeout));
  }

  @Test
  void theReceiverGetsOnePostOfSlackJsonWhoseTextIsTheTitleThenTheText() throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(200, "ok"))) {
      NotificationResult result = activities(Map.of("default", slack.url()), TIMEOUT).notify(gateOpened("default"));

      assertThat(result).isEqualTo(new NotificationResult(true, "default", "HTTP 200"));
      assertThat(slack.received()).hasSize(1);
      Received post = slack.received().get(0);
      assertThat(post.method()).isEqualTo("POST");
      assertThat(post.path()).isEqualTo("/services/T0001/B0001/" + WebhookReceiver.SECRET);
      assertThat(post.query()).isEqualTo("token=" + WebhookReceiver.SECRET);
      assertThat(post.contentType()).isEqualTo("application/json");
      JsonNode body = JSON.readTree(post.body());
      assertThat(body.properties()).as("only the field every Slack-compatible receiver shows").hasSize(1);
      assertThat(body.get("text").asText())
          .isEqualTo(
              "demo (us-east-1): gate control-plane-1.33 waits for approval\n"
                  + "Send signal `approve` with `{\"gate\":\"control-plane-1.33\",\"approver\":\"you\"}`");
    }
  }

  @Test
  void aNotificationWithoutTextIsItsTitleAndOneWithoutTitleStillSaysWhatHappenedWhere() throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(204))) {
      WebhookNotificationActivities notifications = activities(Map.of("default", slack.url()), TIMEOUT);

      notifications.notify(new Notification(null, Events.UPGRADE_ENDED, "wf", DEMO, "demo (us-east-1): upgrade to 1.34 completed", null, null));
      notifications.notify(new Notification(null, Events.STEP_FAILED, "wf", DEMO, " ", "step control-plane-1.33 failed", null));

      assertThat(slack.received()).extracting(r -> JSON.readTree(r.body()).get("text").asText())
          .containsExactly(
              "demo (us-east-1): upgrade to 1.34 completed",
              "eks-upgrader: step-failed on us-east-1/demo\nstep control-plane-1.33 failed");
    }
  }

  @Test
  void noChannelMeansDefaultAndANamedChannelGoesToItsOwnWebhook() throws Exception {
    try (WebhookReceiver general = WebhookReceiver.answering(Answer.of(200));
        WebhookReceiver ops = WebhookReceiver.answering(Answer.of(200))) {
      WebhookNotificationActivities notifications =
          activities(Map.of("default", general.url(), "ops", ops.url()), TIMEOUT);

      NotificationResult toDefault = notifications.notify(gateOpened(null));
      NotificationResult toOps = notifications.notify(gateOpened("ops"));
      NotificationResult toDefaultAgain = notifications.notify(gateOpened("default"));

      assertThat(toDefault.channel()).isEqualTo("default");
      assertThat(toOps.channel()).isEqualTo("ops");
      assertThat(toDefaultAgain.delivered()).isTrue();
      assertThat(general.received()).hasSize(2);
      assertThat(ops.received()).hasSize(1);
    }
  }

  @Test
  void aChannelWithoutWebhookIsNotSentNotAnErrorAndSaysWhichKeyToSet() throws Exception {
    try (WebhookReceiver general = WebhookReceiver.answering(Answer.of(200))) {
      NotificationResult result = activities(Map.of("default", general.url()), TIMEOUT).notify(gateOpened("ops-team"));

      assertThat(result.delivered()).isFalse();
      assertThat(result.channel()).isEqualTo("ops-team");
      assertThat(result.detail())
          .contains("eks-upgrader.notifications.webhooks.ops-team")
          .contains("EKS_UPGRADER_NOTIFICATIONS_WEBHOOKS_OPS_TEAM");
      assertThat(general.received()).as("no other channel's webhook is used instead").isEmpty();
    }
    NotificationResult none = activities(Map.of(), TIMEOUT).notify(gateOpened(null));
    assertThat(none.delivered()).isFalse();
    assertThat(none.detail()).contains("eks-upgrader.notifications.webhooks.default");
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 502, 503, 504})
  void aBusyOrBrokenReceiverFailsTheAttemptSoThatTemporalRetriesIt(int status) throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(status, "try later"))) {
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class, () -> activities(Map.of("default", slack.url()), TIMEOUT).notify(gateOpened(null)));

      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getType()).isEqualTo(WebhookNotificationActivities.WEBHOOK_UNAVAILABLE);
      assertThat(FailureTypes.NON_RETRYABLE).doesNotContain(failure.getType());
      assertThat(failure.getOriginalMessage())
          .contains("webhook 'default' (http://127.0.0.1:")
          .contains("answered HTTP " + status + ": try later");
      assertThat(failure.getNextRetryDelay()).as("no Retry-After: the retry policy's backoff").isNull();
      assertThat(slack.received()).hasSize(1);
    }
  }

  @Test
  void retryAfterBecomesTheNextRetryDelayInsteadOfASleep() throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(429, "rate_limited").withHeader("Retry-After", "30"))) {
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class, () -> activities(Map.of("default", slack.url()), TIMEOUT).notify(gateOpened(null)));

      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(30));
      assertThat(failure.getOriginalMessage()).contains("retry after 30 s");
    }
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDateAndCutToFiveMinutes() {
    Instant now = Instant.parse("2026-12-07T15:00:00Z");
    String inNinetySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(90).atOffset(ZoneOffset.UTC));

    assertThat(WebhookNotificationActivities.retryAfter("12", now)).contains(Duration.ofSeconds(12));
    assertThat(WebhookNotificationActivities.retryAfter(" 1 ", now)).contains(Duration.ofSeconds(1));
    assertThat(WebhookNotificationActivities.retryAfter(inNinetySeconds, now)).contains(Duration.ofSeconds(90));
    assertThat(WebhookNotificationActivities.retryAfter("86400", now)).contains(WebhookNotificationActivities.LONGEST_RETRY_AFTER);
    assertThat(WebhookNotificationActivities.retryAfter("0", now)).isEmpty();
    assertThat(WebhookNotificationActivities.retryAfter("-5", now)).isEmpty();
    assertThat(WebhookNotificationActivities.retryAfter("soon", now)).isEmpty();
    assertThat(WebhookNotificationActivities.retryAfter(null, now)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 410, 301})
  void aReceiverThatRefusesTheUrlOrThePayloadFailsTheNotificationForGood(int status) throws Exception {
    try (WebhookReceiver slack = WebhookReceiver.answering(Answer.of(status, "no_service"))) {
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class, () -> activities(Map.of("default", slack.url()), TIMEOUT).notify(gateOpened(null)));

      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getType()).isEqualTo(FailureTypes.NOTIFICATION_REFUSED);
      assertThat(failure.getOriginalMessage())
          .contains("answered HTTP " + status + ": no_service")
          .contains("eks-upgrader.notifications.webhooks.default");
      assertThat(slack.received()).hasSize(1);
    }
  }

  @Test
  void aReceiverThatDoesNotAnswerInTimeFailsTheAttemptRetryably() throws Exception {
    try (WebhookReceiver slow = WebhookReceiver.answering(Answer.of(200).after(Duration.ofSeconds(3)))) {
      ApplicationFailure failure =
          catchThrowableOfType(
              ApplicationFailure.class,
              () -> activities(Map.of("default", slow.url()), Duration.ofMillis(300)).notify(gateOpened(null)));

      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getType()).isEqualTo(WebhookNotificationActivities.WEBHOOK_UNAVAILABLE);
      assertThat(failure.getOriginalMessage()).contains("did not answer within 300 ms");
    }
  }

  @Test
  void aReceiverThatIsNotThereFailsTheAttemptRetryably() throws Exception {
    URI nobody = URI.create("http://127.0.0.1:" + closedPort() + "/services/T0001/B0001/" + WebhookReceiver.SECRET);

    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> activities(Map.of("default", nobody), TIMEOUT).notify(gateOpened(null)));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo(WebhookNotificationActivities.WEBHOOK_UNAVAILABLE);
    assertThat(failure.getOriginalMessage()).contains("could not be reached: ConnectException");
    assertThat(failure.getCause()).as("a cause's message would be recorded as it is").isNull();
    assertThat(everything(failure)).doesNotContain(WebhookReceiver.SECRET);
  }

  @Test
  void theWebhookUrlShowsInNoResultFailureOrLogOnlyItsSchemeAndHost() throws Exception {
    try (CapturedLogs logs = new CapturedLogs();
        WebhookReceiver ok = WebhookReceiver.answering(Answer.of(200));
        WebhookReceiver busy = WebhookReceiver.answering(Answer.of(503, "down"));
        WebhookReceiver refusing =
            WebhookReceiver.answering(Answer.of(404, "no such hook " + "/services/T0001/B0001/" + WebhookReceiver.SECRET))) {
      Map<String, URI> channels = new LinkedHashMap<>();
      channels.put("default", ok.url());
      channels.put("busy", busy.url());
      channels.put("refusing", refusing.url());
      WebhookNotificationActivities notifications = activities(channels, TIMEOUT);

      NotificationResult delivered = notifications.notify(gateOpened(null));
      ApplicationFailure retried = catchThrowableOfType(ApplicationFailure.class, () -> notifications.notify(gateOpened("busy")));
      ApplicationFailure refused = catchThrowableOfType(ApplicationFailure.class, () -> notifications.notify(gateOpened("refusing")));

      assertThat(delivered.toString()).doesNotContain(WebhookReceiver.SECRET);
      assertThat(everything(retried)).doesNotContain(WebhookReceiver.SECRET).contains("http://127.0.0.1:");
      assertThat(everything(refused))
          .as("even when the receiver quotes the path back")
          .doesNotContain(WebhookReceiver.SECRET)
          .contains("no such hook /…");
      assertThat(logs.text())
          .contains("delivered to webhook 'default' (" + WebhookUrl.masked(ok.url()) + ")")
          .doesNotContain(WebhookReceiver.SECRET);
    }
  }

  @Test
  void aMaskedUrlKeepsOnlySchemeHostAndPort() {
    assertThat(WebhookUrl.masked(URI.create("https://hooks.slack.com/services/T0/B0/" + WebhookReceiver.SECRET)))
        .isEqualTo("https://hooks.slack.com/…");
    assertThat(WebhookUrl.masked(URI.create("https://user:" + WebhookReceiver.SECRET + "@chat.example.com:8443/hooks/x?key=y")))
        .isEqualTo("https://chat.example.com:8443/…");
  }

  @Test
  void settingsPrintTheirChannelsMasked() {
    WebhookSettings settings =
        new WebhookSettings(Map.of("default", URI.create("https://hooks.slack.com/services/T0/B0/" + WebhookReceiver.SECRET)), TIMEOUT);

    assertThat(settings.toString())
        .isEqualTo("WebhookSettings[channels={default=https://hooks.slack.com/…}, requestTimeout=PT5S]");
  }

  @Test
  void aWebhookThatIsNotAnHttpUrlIsRefusedNamingTheKeyButNotTheUrl() {
    assertThatThrownBy(
            () -> new WebhookSettings(Map.of("ops", URI.create("hooks.slack.com/services/" + WebhookReceiver.SECRET)), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eks-upgrader.notifications.webhooks.ops is not an absolute http(s) URL")
        .hasMessageNotContaining(WebhookReceiver.SECRET);
    assertThatThrownBy(() -> new WebhookSettings(Map.of("ops", URI.create("ftp://example.com/" + WebhookReceiver.SECRET)), TIMEOUT))
        .hasMessageNotContaining(WebhookReceiver.SECRET);
    assertThatThrownBy(() -> new WebhookSettings(Map.of(), Duration.ZERO))
        .hasMessageContaining("eks-upgrader.notifications.request-timeout must be positive");
  }

  /** The failure as Temporal would record it: each message in the chain and the stack trace. */
  static String everything(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    StringBuilder text = new StringBuilder(out.toString());
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append('\n').append(t);
      if (t instanceof ApplicationFailure application) {
        text.append('\n').append(application.getOriginalMessage());
      }
    }
    return text.toString();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
