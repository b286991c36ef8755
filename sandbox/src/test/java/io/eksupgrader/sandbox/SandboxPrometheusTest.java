package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.sandbox.PrometheusScript.Answer;
import io.eksupgrader.sandbox.PrometheusScript.ScriptedQuery;
import io.eksupgrader.sandbox.PrometheusScript.Series;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;

/** The sandbox's Prometheus over real HTTP: scripted answers, windows on time and on the call log, faults. */
class SandboxPrometheusTest {

  static final String KARPENTER_LAUNCH_FAILURES =
      "sum(rate(karpenter_nodeclaims_terminated_total{reason=\"launch_failed\"}[5m]))";
  static final String NODE_JOIN_LATENCY =
      "max((time() - kube_node_created) and on(node) (kube_node_status_condition{condition=\"Ready\",status=\"true\"} == 0))";
  static final String XDS_PUSH_ERRORS = "sum(increase(pilot_xds_push_errors[5m]))";
  static final String ISTIO_5XX =
      "sum(rate(istio_requests_total{response_code=~\"5.*\"}[5m])) by (destination_service)";
  static final String APISERVER_P99 =
      "histogram_quantile(0.99, sum(rate(apiserver_request_duration_seconds_bucket{verb!~\"WATCH|CONNECT\"}[5m])) by (le, verb))";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private SandboxServer start(String yaml) {
    SandboxServer server = SandboxServer.start(Scenario.parse(yaml, "test.yaml"), 0);
    open.add(server);
    return server;
  }

  private record Reply(int status, JsonNode body) {}

  private static Reply get(SandboxServer server, String query, String time) throws Exception {
    String uri =
        server.prometheusUrl()
            + "/api/v1/query?query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + (time == null ? "" : "&time=" + URLEncoder.encode(time, StandardCharsets.UTF_8));
    return send(HttpRequest.newBuilder(URI.create(uri)).GET().build());
  }

  private static Reply get(SandboxServer server, String query) throws Exception {
    return get(server, query, null);
  }

  private static Reply post(SandboxServer server, String form) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(server.prometheusUrl() + "/api/v1/query"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  private static Reply send(HttpRequest request) throws Exception {
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (Exception notJson) {
      body = JSON.getNodeFactory().textNode(response.body());
    }
    return new Reply(response.statusCode(), body);
  }

  /** destination_service → value of a vector answer. */
  private static Map<String, String> byService(Reply reply) {
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    assertThat(reply.body().path("data").path("resultType").asText()).isEqualTo("vector");
    Map<String, String> values = new java.util.TreeMap<>();
    reply.body().path("data").path("result")
        .forEach(s -> values.put(s.path("metric").path("destination_service").asText(), s.path("value").get(1).asText()));
    return values;
  }

  @Test
  void aScriptedQueryAnswersItsSeriesLikePrometheusWhateverTheWhitespaceAndByPostToo() throws Exception {
    SandboxServer server =
        start(
            """
            name: scripted
            startTime: 2026-11-23T08:00:00Z
            prometheus:
              queries:
                - query: sum(rate(istio_requests_total{response_code=~"5.*"}[5m])) by (destination_service)
                  series:
                    - {labels: {destination_service: web, __name__: ignored_by_nobody}, value: 0.25}
                    - {labels: {destination_service: cart}, value: 3}
                - query: scalar(up)
                  scalar: 1
            """);

    Reply reply = get(server, "sum(rate(istio_requests_total{response_code=~\"5.*\"}[5m]))\n   by(destination_service)");

    assertThat(reply.body().path("status").asText()).isEqualTo("success");
    assertThat(byService(reply)).containsExactly(Map.entry("cart", "3"), Map.entry("web", "0.25"));
    JsonNode web = reply.body().path("data").path("result").get(0);
    assertThat(web.path("metric").path("__name__").asText()).isEqualTo("ignored_by_nobody");
    JsonNode timestamp = web.path("value").get(0);
    assertThat(timestamp.isNumber()).isTrue();
    assertThat(Instant.ofEpochMilli((long) (timestamp.doubleValue() * 1000)))
        .isBetween(Instant.parse("2026-11-23T08:00:00Z"), Instant.parse("2026-11-23T08:10:00Z"));

    Reply posted = post(server, "query=" + URLEncoder.encode(ISTIO_5XX, StandardCharsets.UTF_8));
    assertThat(byService(posted)).containsEntry("web", "0.25");

    Reply scalar = get(server, "scalar( up )");
    assertThat(scalar.body().path("data").path("resultType").asText()).isEqualTo("scalar");
    assertThat(scalar.body().path("data").path("result").get(1).asText()).isEqualTo("1");

    // Whitespace between two names is not whitespace to drop: "scalar(u p)" is another query.
    assertThat(get(server, "scalar(u p)").body().path("data").path("result")).isEmpty();
    assertThat(server.callLog().isEmpty()).as("queries only read").isTrue();
    assertThat(server.prometheusQueries()).hasSize(4);

    Reply about = send(HttpRequest.newBuilder(server.endpoint().resolve("/_sandbox/scenario")).build());
    assertThat(about.body().path("prometheusUrl").asText()).isEqualTo(server.prometheusUrl().toString()).endsWith("/prometheus");
  }

  @Test
  void anUnscriptedQueryAnswersNoDataAndAScriptedErrorIsBadData() throws Exception {
    SandboxServer server =
        start(
            """
            name: errors
            prometheus:
              queries:
                - query: sum(rate(broken[5m])
                  error: "1:21: parse error: unclosed left parenthesis"
            """);

    Reply none = get(server, "sum(rate(nobody_exports_this[5m]))");
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.body().path("data").path("resultType").asText()).isEqualTo("vector");
    assertThat(none.body().path("data").path("result").isArray()).isTrue();
    assertThat(none.body().path("data").path("result")).isEmpty();

    Reply bad = get(server, "sum(rate(broken[5m])");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("status").asText()).isEqualTo("error");
    assertThat(bad.body().path("errorType").asText()).isEqualTo("bad_data");
    assertThat(bad.body().path("error").asText()).contains("unclosed left parenthesis");

    Reply empty = get(server, "  ");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.body().path("error").asText()).contains("no expression found");

    Reply badTime = get(server, "up", "yesterday");
    assertThat(badTime.status()).isEqualTo(400);
    assertThat(badTime.body().path("error").asText()).contains("cannot parse \"yesterday\"");

    assertThat(send(HttpRequest.newBuilder(URI.create(server.prometheusUrl() + "/api/v1/query_range?query=up")).build()).status())
        .isEqualTo(404);
    assertThat(server.callLog().isEmpty()).isTrue();
  }

  @Test
  void aFiveHundredsSpikeStartsWithTheFirstEvictionThatEvictsAndEndsWithTheNodeGroupsDeletion() throws Exception {
    SandboxServer server =
        start(
            """
            name: spike-during-drain
            timeScale: 600
            startTime: 2026-11-23T08:00:00Z
            clusters:
              - name: demo
                region: us-east-1
                version: "1.32"
                nodeGroups:
                  - {name: old, desiredSize: 2}
                kubernetes:
                  workloads:
                    - {namespace: shop, name: web, replicas: 2}
                    - {namespace: shop, name: cart, replicas: 2}
                  pdbs:
                    - {namespace: shop, name: cart, selector: {app: cart}, minAvailable: "2"}
            prometheus:
              queries:
                - query: sum(rate(istio_requests_total{response_code=~"5.*"}[5m])) by (destination_service)
                  series: [{labels: {destination_service: web}, value: 0.01}]
                  changes:
                    - from: {call: CreateEviction}
                      until: {call: DeleteNodegroup}
                      series:
                        - {labels: {destination_service: web}, value: 4.5}
                        - {labels: {destination_service: cart}, value: 0.2}
            """);
    KubeCluster kube = server.kubernetes("us-east-1", "demo");
    KubernetesClient client = kube.adminClient();

    assertThat(byService(get(server, ISTIO_5XX))).containsExactly(Map.entry("web", "0.01"));

    // The budget refuses this eviction (429): nothing was evicted, so nothing spikes.
    Pod cart = client.pods().inNamespace("shop").withLabel("app", "cart").list().getItems().get(0);
    assertThat(evict(client, cart)).as("fabric8 reads the 429 as false").isFalse();
    assertThat(server.callLog().entries("CreateEviction")).singleElement()
        .extracting(CallLog.Entry::effect).isEqualTo(CallLog.Effect.REJECTED);
    assertThat(byService(get(server, ISTIO_5XX))).containsExactly(Map.entry("web", "0.01"));

    Pod web = client.pods().inNamespace("shop").withLabel("app", "web").list().getItems().get(0);
    assertThat(evict(client, web)).isTrue();
    assertThat(byService(get(server, ISTIO_5XX))).containsExactly(Map.entry("cart", "0.2"), Map.entry("web", "4.5"));

    try (EksClient eks = EksClients.standard(server, "us-east-1")) {
      eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("old"));
    }
    assertThat(byService(get(server, ISTIO_5XX))).containsExactly(Map.entry("web", "0.01"));

    // Asked about a moment inside the window, it still tells the spike.
    Instant evicted = server.callLog().entries("CreateEviction").get(1).simulatedTime();
    String during = evicted.plusMillis(1).toString();
    assertThat(byService(get(server, ISTIO_5XX, during))).containsEntry("web", "4.5");
    String before = String.valueOf(evicted.minusSeconds(1).getEpochSecond());
    assertThat(byService(get(server, ISTIO_5XX, before))).containsExactly(Map.entry("web", "0.01"));

    assertThat(server.callLog().entries())
        .extracting(CallLog.Entry::operation)
        .as("Prometheus queries are not in the call log")
        .containsExactly("CreateEviction", "CreateEviction", "DeleteNodegroup");
  }

  private static boolean evict(KubernetesClient client, Pod pod) {
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .evict(
            new EvictionBuilder()
                .withNewMetadata()
                .withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .endMetadata()
                .build());
  }

  @Test
  void windowsOfSimulatedTimeOpenAndCloseAtTheQuerysTimeAndTheLastOpenChangeWins() throws Exception {
    SandboxServer server =
        start(
            """
            name: timed
            startTime: 2026-11-23T08:00:00Z
            prometheus:
              queries:
                - query: sum(increase(pilot_xds_push_errors[5m]))
                  series: [{value: 0}]
                  changes:
                    - {from: 10m, until: 20m, series: [{value: 3}]}
                    - {from: 15m, until: 16m, error: "query timed out in expression evaluation"}
                    - {from: 30m, series: []}
            """);

    assertThat(value(get(server, XDS_PUSH_ERRORS, "2026-11-23T08:09:59Z"))).isEqualTo("0");
    assertThat(value(get(server, XDS_PUSH_ERRORS, "2026-11-23T08:10:00Z"))).isEqualTo("3");
    Reply failing = get(server, XDS_PUSH_ERRORS, String.valueOf(Instant.parse("2026-11-23T08:15:30Z").getEpochSecond()));
    assertThat(failing.status()).isEqualTo(400);
    assertThat(failing.body().path("errorType").asText()).isEqualTo("bad_data");
    assertThat(value(get(server, XDS_PUSH_ERRORS, "2026-11-23T08:19:59.999Z"))).isEqualTo("3");
    assertThat(value(get(server, XDS_PUSH_ERRORS, "2026-11-23T08:20:00Z"))).isEqualTo("0");
    Reply later = get(server, XDS_PUSH_ERRORS, "2026-11-23T09:00:00Z");
    assertThat(later.body().path("data").path("result")).isEmpty();
    assertThat(later.body().path("data").path("result").isArray()).isTrue();
  }

  private static String value(Reply reply) {
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    assertThat(reply.body().path("data").path("result")).hasSize(1);
    return reply.body().path("data").path("result").get(0).path("value").get(1).asText();
  }

  @Test
  void nanAndInfinityAreWrittenAsPrometheusWritesThem() throws Exception {
    SandboxServer server =
        start(
            """
            name: specials
            prometheus:
              queries:
                - query: odd
                  series:
                    - {labels: {i: "1"}, value: NaN}
                    - {labels: {i: "2"}, value: +Inf}
                    - {labels: {i: "3"}, value: "-Inf"}
                    - {labels: {i: "4"}, value: 1.5e-3}
            """);

    List<String> values = new ArrayList<>();
    get(server, "odd").body().path("data").path("result").forEach(s -> values.add(s.path("value").get(1).asText()));
    assertThat(values).containsExactly("NaN", "+Inf", "-Inf", "0.0015");
  }

  @Test
  void anOutageAnswers503ToEveryQueryFromItsTriggerOn() throws Exception {
    SandboxServer server =
        start(
            """
            name: outage
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            prometheus:
              outages:
                - from: {call: UpdateClusterVersion}
              queries:
                - query: up
                  scalar: 1
            """);
    assertThat(get(server, "up").status()).isEqualTo(200);

    try (EksClient eks = EksClients.standard(server, "us-east-1")) {
      eks.updateClusterVersion(r -> r.name("demo").version("1.33"));
    }

    Reply down = get(server, "up");
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.body().path("errorType").asText()).isEqualTo("unavailable");
    assertThat(get(server, "not scripted").status()).isEqualTo(503);
  }

  @Test
  void anOutageOfSimulatedTimeAndABearerTokenAreHonoured() throws Exception {
    SandboxServer down =
        start(
            """
            name: down-now
            prometheus:
              outages: [{until: 1h}]
            """);
    assertThat(get(down, "up").status()).isEqualTo(503);

    SandboxServer guarded =
        start(
            """
            name: guarded
            prometheus:
              bearerToken: s3cret
              queries: [{query: up, scalar: 1}]
            """);
    assertThat(get(guarded, "up").status()).isEqualTo(401);
    URI uri = URI.create(guarded.prometheusUrl() + "/api/v1/query?query=up");
    Reply allowed = send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer s3cret").build());
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.body().path("data").path("result").get(1).asText()).isEqualTo("1");
  }

  @Test
  void theDemoAnswersTheFiveDefaultGatesWithHealthyValues() {
    Scenario demo = Scenario.fromResource("scenarios/demo.yaml");
    Map<String, Double> gates =
        Map.of(
            KARPENTER_LAUNCH_FAILURES, 0.0,
            NODE_JOIN_LATENCY, 300.0,
            XDS_PUSH_ERRORS, 0.0,
            ISTIO_5XX, 1.0,
            APISERVER_P99, 1.0);
    Instant start = Instant.parse("2026-11-23T08:00:00Z");
    List<CallLog.Entry> duringCreation =
        List.of(
            new CallLog.Entry(1, start, start, "eks", "CreateNodegroup", "us-east-1", "demo", "t", null, 200,
                CallLog.Effect.CREATED, "apps-1-33", null));
    gates.forEach(
        (query, max) -> {
          ScriptedQuery scripted = demo.prometheus().find(query);
          assertThat(scripted).as(query).isNotNull();
          for (List<CallLog.Entry> calls : List.of(List.<CallLog.Entry>of(), duringCreation)) {
            Answer answer = scripted.answerAt(start.plusSeconds(60), start, calls);
            assertThat(answer.error()).isNull();
            assertThat(answer.series()).as(query).allSatisfy(s -> assertThat(s.value()).isLessThanOrEqualTo(max));
          }
        });
    assertThat(demo.prometheus().find(NODE_JOIN_LATENCY).answerAt(start.plusSeconds(60), start, duringCreation).series())
        .extracting(Series::value)
        .containsExactly(75.0);
    assertThat(demo.prometheus().find(ISTIO_5XX).answer().series()).hasSize(2);
  }

  @Test
  void badPrometheusSectionsAreRefusedNamingTheKeyAndTheValue() {
    assertRefused("prometheus: {querys: []}", "test.yaml: prometheus: unknown key 'querys'");
    assertRefused("prometheus: {queries: [{query: up, value: 1}]}", "test.yaml: prometheus.queries[0]: unknown key 'value'");
    assertRefused("prometheus: {queries: [{scalar: 1}]}", "test.yaml: prometheus.queries[0].query: is required");
    assertRefused(
        "prometheus: {queries: [{query: up, scalar: 1, error: nope}]}",
        "test.yaml: prometheus.queries[0]: give one of series, scalar and error, not scalar and error");
    assertRefused(
        "prometheus: {queries: [{query: up, series: [{value: lots}]}]}",
        "test.yaml: prometheus.queries[0].series[0].value: 'lots' is not a sample value");
    assertRefused(
        "prometheus: {queries: [{query: up, series: [{labels: {code: 500}, value: 1}]}]}",
        "test.yaml: prometheus.queries[0].series[0].labels.code: '500' is not text");
    assertRefused(
        "prometheus: {queries: [{query: up, series: [{labels: {a-b: x}, value: 1}]}]}",
        "test.yaml: prometheus.queries[0].series[0].labels: 'a-b' is not a Prometheus label name");
    assertRefused(
        "prometheus: {queries: [{query: up, series: [{labels: {a: x}}]}]}",
        "test.yaml: prometheus.queries[0].series[0].value: is required");
    assertRefused(
        "prometheus: {queries: [{query: up, series: {value: 1}}]}",
        "test.yaml: prometheus.queries[0].series: expected a list, found a mapping");
    assertRefused(
        "prometheus: {queries: [{query: 'sum(x) by (a)'}, {query: 'sum(x)by(a)'}]}",
        "test.yaml: prometheus.queries[1].query: the same query as prometheus.queries[0]");
    assertRefused(
        "prometheus: {queries: [{query: up, changes: [{series: []}]}]}",
        "test.yaml: prometheus.queries[0].changes[0]: needs from or until");
    assertRefused(
        "prometheus: {queries: [{query: up, changes: [{from: 5m}]}]}",
        "test.yaml: prometheus.queries[0].changes[0]: a change needs what the query answers in it");
    assertRefused(
        "prometheus: {queries: [{query: up, changes: [{from: 5 minutes, series: []}]}]}",
        "test.yaml: prometheus.queries[0].changes[0].from: '5 minutes' is not a duration");
    assertRefused(
        "prometheus: {queries: [{query: up, changes: [{from: 20m, until: 10m, series: []}]}]}",
        "test.yaml: prometheus.queries[0].changes[0]: until (PT10M) must come after from (PT20M)");
    assertRefused(
        "prometheus: {outages: [{from: {call: CreateEviction, times: 2}}]}",
        "test.yaml: prometheus.outages[0].from: unknown key 'times' (known keys: call, count)");
    assertRefused(
        "prometheus: {outages: [{from: {call: create-eviction}}]}",
        "test.yaml: prometheus.outages[0].from.call: 'create-eviction' is not an operation name");
    assertRefused(
        "prometheus: {outages: [{from: {call: CreateEviction, count: 0}}]}",
        "test.yaml: prometheus.outages[0].from.count: must be at least 1");
    assertRefused(
        "prometheus: {outages: [{from: [5m]}]}",
        "test.yaml: prometheus.outages[0].from: a list is neither a simulated time");
    assertRefused("prometheus: {outages: [{}]}", "test.yaml: prometheus.outages[0]: needs from or until");
    assertRefused("prometheus: [up]", "test.yaml: prometheus: expected a mapping, found a list");
  }

  private static void assertRefused(String section, String messageStart) {
    assertThatThrownBy(() -> Scenario.parse("name: bad\n" + section + "\n", "test.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(messageStart);
  }

  @Test
  void whitespaceIsNormalisedOutsideQuotedStringsOnly() {
    assertThat(PrometheusScript.normalize(" sum by (le,  verb) ( rate(x{a=\"b  c\"}[5m]) ) "))
        .isEqualTo("sum by(le,verb)(rate(x{a=\"b  c\"}[5m]))");
    assertThat(PrometheusScript.normalize("a  or\n b")).isEqualTo("a or b");
    assertThat(PrometheusScript.normalize("time() - kube_node_created")).isEqualTo("time()-kube_node_created");
  }
}
