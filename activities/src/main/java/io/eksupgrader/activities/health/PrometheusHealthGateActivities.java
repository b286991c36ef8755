package io.eksupgrader.activities.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.workflows.activities.HealthGateActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health gates read from Prometheus's HTTP API, one instant query per gate ({@code GET
 * <prometheusUrl>/api/v1/query?query=…}, at Prometheus's now), in the order of the request.
 *
 * <p>How an answer is judged:
 *
 * <ol>
 *   <li>{@code success} with a vector: every series is compared with the gate's maximum; NaN
 *       samples are left out (a ratio of nothing to nothing is no value), +Inf counts as {@link
 *       Double#MAX_VALUE} (and -Inf as its negative) so that the reading stays plain JSON. An empty
 *       vector is no data, which is no breach: no 5xx series means no 5xx.
 *   <li>{@code success} with a scalar: one series without labels, {@code {}}.
 *   <li>Anything Prometheus refuses (a 4xx such as {@code bad_data} or {@code execution}, 401/403
 *       from an authenticating proxy, a {@code status: error} body, a range vector or a string
 *       where a gate needs an instant value, a body that is not the API's JSON): a reading with the
 *       error, counted as a breach, since health that cannot be read is not health.
 *   <li>Prometheus not answering (connection refused, the request timeout passed) or answering 5xx,
 *       408 or 429: the whole evaluation fails with {@link #PROMETHEUS_UNAVAILABLE}, which Temporal
 *       retries; after the last attempt the workflow decides what unknown health means.
 * </ol>
 *
 * Each evaluation is logged in one line with its breaches. The bearer token is read from its file
 * for each evaluation and sent only in the Authorization header: it is neither logged nor in the
 * report.
 */
public final class PrometheusHealthGateActivities implements HealthGateActivities {

  /** Prometheus could not be asked (unreachable, too slow, 5xx, 408, 429, token unreadable): retried. */
  public static final String PROMETHEUS_UNAVAILABLE = "PrometheusUnavailable";
  /** The request names no usable Prometheus URL: no retry can fix that. */
  public static final String INVALID_HEALTH_GATE_REQUEST = "InvalidHealthGateRequest";

  private static final Logger log = LoggerFactory.getLogger(PrometheusHealthGateActivities.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SNIPPET = 300;

  private final HealthGateSettings settings;
  private final HttpClient http;
  private final Clock clock;

  public PrometheusHealthGateActivities(HealthGateSettings settings) {
    this(settings, Clock.systemUTC());
  }

  PrometheusHealthGateActivities(HealthGateSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public HealthReport evaluateHealthGates(HealthGateRequest request) {
    String base = baseUrl(request.prometheusUrl());
    String authorization = authorization();
    List<HealthReading> readings = new ArrayList<>();
    for (HealthGate gate : request.gates() == null ? List.<HealthGate>of() : request.gates()) {
      readings.add(read(base, authorization, gate));
    }
    HealthReport report = new HealthReport(clock.instant(), request.when(), readings);
    logReport(base, report);
    return report;
  }

  /** The URL without trailing slashes; Prometheus may be served under a path (--web.route-prefix). */
  private static String baseUrl(String prometheusUrl) {
    if (prometheusUrl == null || prometheusUrl.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the health gate request names no Prometheus URL", INVALID_HEALTH_GATE_REQUEST);
    }
    String url = prometheusUrl.trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    try {
      URI uri = new URI(url);
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the Prometheus URL '" + prometheusUrl + "' is not an http(s) URL with a host", INVALID_HEALTH_GATE_REQUEST);
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the Prometheus URL '" + prometheusUrl + "' must be a base URL without query or fragment",
            INVALID_HEALTH_GATE_REQUEST);
      }
    } catch (URISyntaxException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the Prometheus URL '" + prometheusUrl + "' is not a URL: " + e.getReason(), INVALID_HEALTH_GATE_REQUEST);
    }
    return url;
  }

  private String authorization() {
    if (settings.bearerTokenFile() == null) {
      return null;
    }
    String token;
    try {
      token = Files.readString(settings.bearerTokenFile(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot read the Prometheus bearer token file " + settings.bearerTokenFile() + " (" + e.getClass().getSimpleName() + ")",
          PROMETHEUS_UNAVAILABLE);
    }
    if (token.isEmpty()) {
      throw ApplicationFailure.newFailure(
          "the Prometheus bearer token file " + settings.bearerTokenFile() + " is empty", PROMETHEUS_UNAVAILABLE);
    }
    return "Bearer " + token;
  }

  private HealthReading read(String base, String authorization, HealthGate gate) {
    if (gate.query() == null || gate.query().isBlank()) {
      return refused(gate, "the gate has no query");
    }
    if (Double.isNaN(gate.max())) {
      return refused(gate, "the gate's max is not a number");
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(gate.query(), StandardCharsets.UTF_8)))
            .timeout(settings.requestTimeout())
            .header("Accept", "application/json")
            .header("User-Agent", "eks-upgrader")
            .GET();
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpResponse<String> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw unavailable(base, gate, "did not answer within " + settings.requestTimeout());
    } catch (IOException e) {
      throw unavailable(base, gate, "cannot be reached (" + describe(e) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(base, gate, "was being asked when the activity was interrupted");
    }
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      throw unavailable(base, gate, "answered " + status + ": " + errorText(response.body()));
    }
    if (status != 200) {
      String where = response.headers().firstValue("Location").map(l -> " (to " + l + ")").orElse("");
      return refused(gate, "Prometheus answered " + status + where + ": " + errorText(response.body()));
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      return refused(gate, "Prometheus answered 200 but not the query API's JSON: " + snippet(response.body()));
    }
    if (!"success".equals(body.path("status").asText())) {
      return refused(gate, "Prometheus answered " + errorText(response.body()));
    }
    return reading(gate, body.path("data"));
  }

  private HealthReading reading(HealthGate gate, JsonNode data) {
    String type = data.path("resultType").asText("");
    List<SeriesValue> series = new ArrayList<>();
    switch (type) {
      case "vector" -> {
        for (JsonNode s : data.path("result")) {
          Double value = sampleValue(s.path("value"));
          if (value == null) {
            return refused(gate, "Prometheus answered a series without a sample value: " + snippet(s.toString()));
          }
          if (!value.isNaN()) {
            series.add(new SeriesValue(labels(s.path("metric")), value));
          }
        }
      }
      case "scalar" -> {
        Double value = sampleValue(data.path("result"));
        if (value == null) {
          return refused(gate, "Prometheus answered a scalar without a sample value: " + snippet(data.toString()));
        }
        if (!value.isNaN()) {
          series.add(new SeriesValue("{}", value));
        }
      }
      case "matrix" -> {
        return refused(gate, "the query returns a range vector (matrix); a health gate needs an instant vector or a scalar");
      }
      default -> {
        return refused(gate, "the query returns " + (type.isEmpty() ? "no resultType" : "a " + type) + "; a health gate needs an instant vector or a scalar");
      }
    }
    boolean breached = series.stream().anyMatch(s -> s.value() > gate.max());
    return new HealthReading(gate.name(), gate.query(), gate.max(), gate.unit(), series, breached, null);
  }

  /** The value of a {@code [<unix time>, "<value>"]} sample; NaN stays NaN; null when malformed. */
  static Double sampleValue(JsonNode sample) {
    if (!sample.isArray() || sample.size() != 2 || !sample.get(1).isTextual()) {
      return null;
    }
    String text = sample.get(1).textValue();
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf", "Inf":
        return Double.MAX_VALUE;
      case "-Inf":
        return -Double.MAX_VALUE;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          return null;
        }
    }
  }

  /** A series' labels as PromQL writes them: sorted, {@code __name__} left out, values quoted. */
  static String labels(JsonNode metric) {
    Map<String, String> sorted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = metric.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("__name__")) {
        sorted.put(e.getKey(), e.getValue().asText());
      }
    }
    return sorted.entrySet().stream()
        .map(e -> e.getKey() + "=" + quote(e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static HealthReading refused(HealthGate gate, String error) {
    return new HealthReading(gate.name(), gate.query(), gate.max(), gate.unit(), List.of(), true, error);
  }

  private static ApplicationFailure unavailable(String base, HealthGate gate, String what) {
    return ApplicationFailure.newFailure(
        "Prometheus at " + withoutUserInfo(base) + " " + what + " (gate " + gate.name() + ")", PROMETHEUS_UNAVAILABLE);
  }

  /** Prometheus's {@code errorType: error}, or the start of a body that is not the API's JSON. */
  private static String errorText(String body) {
    try {
      JsonNode json = JSON.readTree(body);
      if (json != null && json.hasNonNull("error")) {
        String type = json.path("errorType").asText("");
        return (type.isEmpty() ? "" : type + ": ") + json.get("error").asText();
      }
    } catch (IOException notJson) {
      // told as text below
    }
    return snippet(body);
  }

  private static String snippet(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return "(no body)";
    }
    return t.length() <= SNIPPET ? t : t.substring(0, SNIPPET) + "…";
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static String withoutUserInfo(String base) {
    try {
      URI uri = new URI(base);
      return uri.getRawUserInfo() == null
          ? base
          : new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      return "(the configured URL)";
    }
  }

  private static void logReport(String base, HealthReport report) {
    List<HealthReading> breaches = report.breaches();
    if (breaches.isEmpty()) {
      log.info(
          "Health gates {} at {}: {} read, no breach", report.when(), withoutUserInfo(base), report.readings().size());
      return;
    }
    String told = breaches.stream().map(PrometheusHealthGateActivities::describe).collect(Collectors.joining("; "));
    log.warn(
        "Health gates {} at {}: {} read, {} breached: {}",
        report.when(),
        withoutUserInfo(base),
        report.readings().size(),
        breaches.size(),
        told);
  }

  /** E.g. {@code istio-5xx {destination_service="web"}=4.5 > 1 req/s}, or the gate and its error. */
  static String describe(HealthReading reading) {
    if (reading.error() != null) {
      return reading.gate() + ": " + reading.error();
    }
    String unit = reading.unit() == null || reading.unit().isBlank() ? "" : " " + reading.unit();
    return reading.gate()
        + " "
        + reading.series().stream()
            .filter(s -> s.value() > reading.max())
            .map(s -> s.labels() + "=" + number(s.value()))
            .collect(Collectors.joining(", "))
        + " > "
        + number(reading.max())
        + unit;
  }

  private static String number(double d) {
    if (Math.abs(d) == Double.MAX_VALUE) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
