package io.eksupgrader.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.eksupgrader.sandbox.PrometheusScript.Answer;
import io.eksupgrader.sandbox.PrometheusScript.ScriptedQuery;
import io.eksupgrader.sandbox.PrometheusScript.Series;
import io.eksupgrader.sandbox.PrometheusScript.Window;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The subset of Prometheus's HTTP API that health gates use: instant queries, {@code GET} or
 * form-encoded {@code POST} on {@code <prefix>/api/v1/query} with {@code query} and an optional
 * {@code time} (Unix seconds or RFC 3339; default the simulated now). Answers come from the
 * scenario's {@link PrometheusScript}; the {@code time} of a query decides which windows are open,
 * so a test can ask what a gate saw at any moment of the run.
 *
 * <p>Queries only read: nothing here goes into the {@link CallLog}. They are kept in a log of their
 * own ({@link #answered()}) so that tests can count them.
 */
final class PrometheusHttpHandler implements HttpHandler {

  /** The path prefix on the sandbox's server under which Prometheus answers. */
  static final String PREFIX = "/prometheus";

  /** One request the Prometheus answered, for tests. */
  record AnsweredQuery(Instant simulatedTime, String method, String query, int status) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusScript script;
  private final SimulatedClock clock;
  private final CallLog callLog;
  private final List<AnsweredQuery> answered = new ArrayList<>();

  PrometheusHttpHandler(PrometheusScript script, SimulatedClock clock, CallLog callLog) {
    this.script = script;
    this.clock = clock;
    this.callLog = callLog;
  }

  synchronized List<AnsweredQuery> answered() {
    return List.copyOf(answered);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Instant now = clock.instant();
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      FormParams params = FormParams.parse(exchange.getRequestURI().getRawQuery());
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (method.equals("POST")
          && contentType != null
          && contentType.startsWith("application/x-www-form-urlencoded")) {
        // As Go's Request.FormValue: the body's values come before the URL's.
        Map<String, String> merged = new LinkedHashMap<>(params.values());
        merged.putAll(FormParams.parse(body).values());
        params = new FormParams(merged);
      }
      String query = params.get("query");
      Reply reply = reply(exchange, method, path, params, now);
      synchronized (this) {
        answered.add(new AnsweredQuery(now, method, query, reply.status()));
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private record Reply(int status, String contentType, String body) {}

  private Reply reply(HttpExchange exchange, String method, String path, FormParams params, Instant now)
      throws IOException {
    List<CallLog.Entry> calls = callLog.entries();
    for (Window outage : script.outages()) {
      if (outage.isOpen(now, clock.start(), calls)) {
        return error(503, "unavailable", "the sandbox's Prometheus is down (scripted outage)");
      }
    }
    if (script.bearerToken() != null
        && !("Bearer " + script.bearerToken()).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return new Reply(401, "text/plain; charset=utf-8", "Unauthorized\n");
    }
    if (!path.equals(PREFIX + "/api/v1/query")) {
      return new Reply(404, "text/plain; charset=utf-8", "404 page not found\n");
    }
    if (!method.equals("GET") && !method.equals("POST")) {
      return new Reply(405, "text/plain; charset=utf-8", "Method Not Allowed\n");
    }
    Instant at = now;
    String time = params.get("time");
    if (time != null && !time.isEmpty()) {
      at = parseTime(time);
      if (at == null) {
        return error(400, "bad_data", "invalid parameter \"time\": cannot parse \"" + time + "\" to a valid timestamp");
      }
    }
    String query = params.get("query");
    if (query == null || query.isBlank()) {
      return error(400, "bad_data", "invalid parameter \"query\": 1:1: parse error: no expression found in input");
    }
    ScriptedQuery scripted = script.find(query);
    Answer answer = scripted == null ? Answer.noData() : scripted.answerAt(at, clock.start(), calls);
    if (answer.error() != null) {
      return error(400, "bad_data", "invalid parameter \"query\": " + answer.error());
    }
    ObjectNode data = JSON.createObjectNode();
    if (answer.scalar() != null) {
      data.put("resultType", "scalar");
      data.set("result", sample(at, answer.scalar()));
    } else {
      data.put("resultType", "vector");
      ArrayNode result = data.putArray("result");
      for (Series series : answer.series()) {
        ObjectNode s = result.addObject();
        ObjectNode metric = s.putObject("metric");
        new TreeMap<>(series.labels()).forEach(metric::put);
        s.set("value", sample(at, series.value()));
      }
    }
    ObjectNode root = JSON.createObjectNode().put("status", "success");
    root.set("data", data);
    return new Reply(200, "application/json", JSON.writeValueAsString(root));
  }

  private static ArrayNode sample(Instant at, double value) {
    ArrayNode sample = JSON.createArrayNode();
    sample.add(BigDecimal.valueOf(at.toEpochMilli()).movePointLeft(3));
    sample.add(format(value));
    return sample;
  }

  /** A sample value as Prometheus writes it: shortest decimal, NaN, +Inf, -Inf. */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static Instant parseTime(String text) {
    try {
      return Instant.ofEpochMilli(new BigDecimal(text).movePointRight(3).longValue());
    } catch (NumberFormatException | ArithmeticException e) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException notRfc3339) {
        return null;
      }
    }
  }

  private static Reply error(int status, String type, String message) throws IOException {
    ObjectNode root = JSON.createObjectNode().put("status", "error").put("errorType", type).put("error", message);
    return new Reply(status, "application/json", JSON.writeValueAsString(root));
  }
}
