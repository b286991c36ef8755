package io.eksupgrader.activities.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.activities.HealthGateActivities;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthGate;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthGateRequest;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReading;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReport;
import io.eksupgrader.workflows.activities.HealthGateActivities.SeriesValue;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health gates read from the sandbox's Prometheus over real HTTP, as a workflow would ask for them. */
class PrometheusHealthGateActivitiesTest {

  /** The five gates the upgrade uses by default (seed 003). */
  static final HealthGate KARPENTER_LAUNCH_FAILURES =
      new HealthGate(
          "karpenter-launch-failures",
          "sum(rate(karpenter_nodeclaims_terminated_total{reason=\"launch_failed\"}[5m]))",
          0,
          "launches/s");
  static final HealthGate NODE_JOIN_LATENCY =
      new HealthGate(
          "node-join-latency",
          "max((time() - kube_node_created) and on(node) (kube_node_status_condition{condition=\"Ready\",status=\"true\"} == 0))",
          300,
          "s");
  static final HealthGate XDS_PUSH_ERRORS =
      new HealthGate("istio-xds-push-errors", "sum(increase(pilot_xds_push_errors[5m]))", 0, "errors");
  static final HealthGate ISTIO_5XX =
      new HealthGate(
          "istio-5xx",
          "sum(rate(istio_requests_total{response_code=~\"5.*\"}[5m])) by (destination_service)",
          1,
          "req/s");
  static final HealthGate APISERVER_P99 =
      new HealthGate(
          "apiserver-p99",
          "histogram_quantile(0.99, sum(rate(apiserver_request_duration_seconds_bucket{verb!~\"WATCH|CONNECT\"}[5m])) by (le, verb))",
          1,
          "s");
  static final List<HealthGate> DEFAULT_GATES =
      List.of(KARPENTER_LAUNCH_FAILURES, NODE_JOIN_LATENCY, XDS_PUSH_ERRORS, ISTIO_5XX, APISERVER_P99);

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private final List<AutoCloseable> open = new ArrayList<>();
  private final PrometheusHealthGateActivities activities =
      new PrometheusHealthGateActivities(
          new HealthGateSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), null), Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private SandboxServer sandbox(String prometheusSection) {
    SandboxServer server = SandboxServer.start(Scenario.parse("name: health\n" + prometheusSection, "health.yaml"), 0);
    open.add(server);
    return server;
  }

  private static HealthGateRequest request(SandboxServer server, HealthGate... gates) {
    return new HealthGateRequest(server.prometheusUrl().toString(), List.of(gates), "before gate control-plane-1.33");
  }

  @Test
  void theDemosFiveDefaultGatesReadHealthyThroughTemporalWithTheirValues() {
    // The demo's Prometheus without its clusters, which these gates do not need.
    Scenario world = Scenario.fromResource("scenarios/demo.yaml");
    SandboxServer demo =
        SandboxServer.start(
            new Scenario(
                world.name(), world.source(), world.timeScale(), world.startTime(), List.of(),
                world.offeredVersions(), world.durations(), world.faults(), world.prometheus()),
            0);
    open.add(demo);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    open.add(env::close);
    env.registerActivitiesImplementations(activities);
    HealthGateActivities stub =
        env.newActivityStub(
            HealthGateActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());

    HealthReport report =
        stub.evaluateHealthGates(
            new HealthGateRequest(demo.prometheusUrl().toString(), DEFAULT_GATES, "before gate control-plane-1.33"));

    assertThat(report.at()).isEqualTo(NOW);
    assertThat(report.when()).isEqualTo("before gate control-plane-1.33");
    assertThat(report.breaches()).isEmpty();
    assertThat(report.readings())
        .extracting(HealthReading::gate, HealthReading::breached, HealthReading::error)
        .containsExactly(
            tuple("karpenter-launch-failures", false, null),
            tuple("node-join-latency", false, null),
            tuple("istio-xds-push-errors", false, null),
            tuple("istio-5xx", false, null),
            tuple("apiserver-p99", false, null));
    assertThat(report.readings().get(0).series()).containsExactly(new SeriesValue("{}", 0));
    assertThat(report.readings().get(1).series()).as("no node is joining before a node group is made").isEmpty();
    assertThat(report.readings().get(3).series())
        .containsExactly(
            new SeriesValue("{destination_service=\"web.shop.svc.cluster.local\"}", 0.02),
            new SeriesValue("{destination_service=\"cart.shop.svc.cluster.local\"}", 0.01));
    assertThat(report.readings().get(4).series())
        .extracting(SeriesValue::labels)
        .contains("{verb=\"GET\"}", "{verb=\"LIST\"}");
    assertThat(demo.callLog().isEmpty()).as("health gates only read").isTrue();
  }

  @Test
  void aSeriesAboveItsMaxIsABreachThatNamesTheSeries() {
    SandboxServer server =
        sandbox(
            """
            prometheus:
              queries:
                - query: sum(rate(istio_requests_total{response_code=~"5.*"}[5m])) by (destination_service)
                  series:
                    - {labels: {destination_service: web}, value: 4.5}
                    - {labels: {destination_service: cart}, value: 0.2}
                - query: sum(increase(pilot_xds_push_errors[5m]))
                  series: [{value: 0}]
            """);

    HealthReport report = activities.evaluateHealthGates(request(server, ISTIO_5XX, XDS_PUSH_ERRORS));

    assertThat(report.breaches()).singleElement().satisfies(r -> {
      assertThat(r.gate()).isEqualTo("istio-5xx");
      assertThat(r.query()).isEqualTo(ISTIO_5XX.query());
      assertThat(r.max()).isEqualTo(1);
      assertThat(r.unit()).isEqualTo("req/s");
      assertThat(r.error()).isNull();
      assertThat(r.series())
          .containsExactly(
              new SeriesValue("{destination_service=\"web\"}", 4.5),
              new SeriesValue("{destination_service=\"cart\"}", 0.2));
    });
    assertThat(PrometheusHealthGateActivities.describe(report.breaches().get(0)))
        .isEqualTo("istio-5xx {destination_service=\"web\"}=4.5 > 1 req/s");
    assertThat(report.readings().get(1).breached()).isFalse();
  }

  @Test
  void aValueAtItsMaxIsNoBreachAndNoDataIsNoBreach() {
    SandboxServer server =
        sandbox(
            """
            prometheus:
              queries:
                - query: max((time() - kube_node_created) and on(node) (kube_node_status_condition{condition="Ready",status="true"} == 0))
                  series: [{value: 300}]
            """);

    HealthReport report = activities.evaluateHealthGates(request(server, NODE_JOIN_LATENCY, ISTIO_5XX));

    assertThat(report.readings().get(0).series()).containsExactly(new SeriesValue("{}", 300));
    assertThat(report.readings().get(1).series()).as("nobody scripted it: no data").isEmpty();
    assertThat(report.readings()).extracting(HealthReading::breached).containsExactly(false, false);
    assertThat(report.readings()).extracting(HealthReading::error).containsOnlyNulls();
  }

  @Test
  void nanIsLeftOutInfinityIsTheLargestDoubleAndAScalarHasNoLabels() {
    SandboxServer server =
        sandbox(
            """
            prometheus:
              queries:
                - query: histogram_quantile(0.99, sum(rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[5m])) by (le, verb))
                  series:
                    - {labels: {verb: GET}, value: NaN}
                    - {labels: {verb: LIST}, value: 0.4}
                - query: sum(increase(pilot_xds_push_errors[5m]))
                  series: [{labels: {verb: POST}, value: "+Inf"}, {labels: {verb: PUT}, value: "-Inf"}]
                - query: scalar(sum(up))
                  scalar: 12
            """);
    HealthGate scalar = new HealthGate("targets-up", "scalar(sum(up))", 10, "targets");

    HealthReport report = activities.evaluateHealthGates(request(server, APISERVER_P99, XDS_PUSH_ERRORS, scalar));

    assertThat(report.readings().get(0).series()).containsExactly(new SeriesValue("{verb=\"LIST\"}", 0.4));
    assertThat(report.readings().get(0).breached()).isFalse();
    assertThat(report.readings().get(1).series())
        .containsExactly(new SeriesValue("{verb=\"POST\"}", Double.MAX_VALUE), new SeriesValue("{verb=\"PUT\"}", -Double.MAX_VALUE));
    assertThat(report.readings().get(1).breached()).isTrue();
    assertThat(PrometheusHealthGateActivities.describe(report.readings().get(1)))
        .isEqualTo("istio-xds-push-errors {verb=\"POST\"}=+Inf > 0 errors");
    assertThat(report.readings().get(2).series()).containsExactly(new SeriesValue("{}", 12));
    assertThat(report.readings().get(2).breached()).isTrue();
  }

  @Test
  void labelsAreWrittenAsPromqlWritesThemSortedWithoutTheMetricName() {
    SandboxServer server =
        sandbox(
            """
            prometheus:
              queries:
                - query: rate(istio_requests_total{response_code=~"5.*"}[5m])
                  series:
                    - labels: {__name__: istio_requests_total, response_code: "503", destination_service: web, note: 'say "hi"\\'}
                      value: 2
            """);
    HealthGate raw = new HealthGate("raw", "rate(istio_requests_total{response_code=~\"5.*\"}[5m])", 1, "req/s");

    HealthReading reading = activities.evaluateHealthGates(request(server, raw)).readings().get(0);

    assertThat(reading.series())
        .extracting(SeriesValue::labels)
        .containsExactly("{destination_service=\"web\", note=\"say \\\"hi\\\"\\\\\", response_code=\"503\"}");
  }

  @Test
  void aQueryPrometheusRefusesIsABreachWithPrometheusError() {
    SandboxServer server =
        sandbox(
            """
            prometheus:
              queries:
                - query: sum(increase(pilot_xds_push_errors[5m]))
                  error: "1:32: parse error: unexpected right bracket"
                - query: up[5m]
                  series: [{value: 1}]
            """);

    HealthReport report = activities.evaluateHealthGates(request(server, XDS_PUSH_ERRORS));

    HealthReading reading = report.readings().get(0);
    assertThat(reading.breached()).isTrue();
    assertThat(reading.series()).isEmpty();
    assertThat(reading.error())
        .isEqualTo("Prometheus answered 400: bad_data: invalid parameter \"query\": 1:32: parse error: unexpected right bracket");
    assertThat(report.breaches()).containsExactly(reading);
    assertThat(PrometheusHealthGateActivities.describe(reading)).startsWith("istio-xds-push-errors: Prometheus answered 400");

    HealthReading noQuery =
        activities.evaluateHealthGates(request(server, new HealthGate("empty", " ", 1, "s"))).readings().get(0);
    assertThat(noQuery.breached()).isTrue();
    assertThat(noQuery.error()).isEqualTo("the gate has no query");
  }

  @Test
  void prometheusDownFailsTheEvaluationForTemporalToRetry() throws Exception {
    SandboxServer server = sandbox("prometheus:\n  outages: [{until: 1h}]\n");

    assertThatThrownBy(() -> activities.evaluateHealthGates(request(server, ISTIO_5XX)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(PrometheusHealthGateActivities.PROMETHEUS_UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
        })
        .hasMessageContaining("answered 503: unavailable")
        .hasMessageContaining("(gate istio-5xx)");

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HealthGateRequest refused = new HealthGateRequest("http://127.0.0.1:" + closedPort, List.of(ISTIO_5XX), "test");
    assertThatThrownBy(() -> activities.evaluateHealthGates(refused))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.isNonRetryable()).isFalse())
        .hasMessageContaining("cannot be reached (ConnectException");
  }

  @Test
  void aPrometheusThatDoesNotAnswerInTimeFailsTheEvaluation() throws Exception {
    PrometheusHealthGateActivities impatient =
        new PrometheusHealthGateActivities(new HealthGateSettings(Duration.ofMillis(300), Duration.ofSeconds(1), null));
    // Accepts the connection and never answers, as a hung Prometheus does.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(() -> {
            try {
              while (true) {
                accepted.add(silent.accept());
              }
            } catch (Exception closed) {
              // the test is over
            }
          });
      acceptor.setDaemon(true);
      acceptor.start();
      HealthGateRequest request =
          new HealthGateRequest("http://127.0.0.1:" + silent.getLocalPort() + "/", List.of(ISTIO_5XX), "test");
      long started = System.nanoTime();

      assertThatThrownBy(() -> impatient.evaluateHealthGates(request))
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(PrometheusHealthGateActivities.PROMETHEUS_UNAVAILABLE))
          .hasMessageContaining("did not answer within PT0.3S");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void severalGatesAreEachAskedOnceInOrderUnderTheUrlsPath() {
    SandboxServer server =
        sandbox(
            """
            prometheus:
              queries:
                - {query: 'sum(rate(karpenter_nodeclaims_terminated_total{reason="launch_failed"}[5m]))', series: [{value: 0.1}]}
                - {query: 'sum(increase(pilot_xds_push_errors[5m]))', series: [{value: 0}]}
                - {query: 'sum(rate(istio_requests_total{response_code=~"5.*"}[5m])) by (destination_service)', series: [{labels: {destination_service: web}, value: 0.5}]}
                - {query: 'histogram_quantile(0.99, sum(rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[5m])) by (le, verb))', error: "execution: many-to-many matching not allowed"}
            """);
    HealthGateRequest request =
        new HealthGateRequest(server.prometheusUrl() + "/", DEFAULT_GATES, "while draining apps");

    HealthReport report = activities.evaluateHealthGates(request);

    assertThat(server.prometheusQueries()).containsExactlyElementsOf(DEFAULT_GATES.stream().map(HealthGate::query).toList());
    assertThat(report.readings())
        .extracting(HealthReading::gate, HealthReading::breached)
        .containsExactly(
            tuple("karpenter-launch-failures", true),
            tuple("node-join-latency", false),
            tuple("istio-xds-push-errors", false),
            tuple("istio-5xx", false),
            tuple("apiserver-p99", true));
    assertThat(report.breaches()).extracting(HealthReading::gate).containsExactly("karpenter-launch-failures", "apiserver-p99");
    assertThat(report.breaches().get(1).error()).contains("many-to-many matching not allowed");
  }

  @Test
  void aBearerTokenIsReadFromItsFileAndSentButNeverReported(@TempDir Path dir) throws Exception {
    SandboxServer server =
        sandbox(
            """
            prometheus:
              bearerToken: t0ken-from-a-projected-volume
              queries:
                - {query: 'sum(increase(pilot_xds_push_errors[5m]))', series: [{value: 0}]}
            """);

    HealthReading withoutToken = activities.evaluateHealthGates(request(server, XDS_PUSH_ERRORS)).readings().get(0);
    assertThat(withoutToken.breached()).isTrue();
    assertThat(withoutToken.error()).startsWith("Prometheus answered 401");

    Path tokenFile = Files.writeString(dir.resolve("token"), "t0ken-from-a-projected-volume\n");
    PrometheusHealthGateActivities authenticated =
        new PrometheusHealthGateActivities(new HealthGateSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), tokenFile));
    HealthReport report = authenticated.evaluateHealthGates(request(server, XDS_PUSH_ERRORS));
    assertThat(report.breaches()).isEmpty();
    assertThat(report.readings().get(0).series()).containsExactly(new SeriesValue("{}", 0));
    assertThat(report.toString()).doesNotContain("t0ken");

    PrometheusHealthGateActivities missingFile =
        new PrometheusHealthGateActivities(
            new HealthGateSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), dir.resolve("absent")));
    assertThatThrownBy(() -> missingFile.evaluateHealthGates(request(server, XDS_PUSH_ERRORS)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(PrometheusHealthGateActivities.PROMETHEUS_UNAVAILABLE))
        .hasMessageContaining("cannot read the Prometheus bearer token file");
  }

  @Test
  void aRequestWithoutAUsablePrometheusUrlIsRefusedForGood() {
    for (String url : new String[] {null, " ", "prometheus:9090", "ftp://prometheus/", "http://prometheus:9090/?x=1"}) {
      assertThatThrownBy(() -> activities.evaluateHealthGates(new HealthGateRequest(url, List.of(ISTIO_5XX), "test")))
          .as(url)
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.getType()).isEqualTo(PrometheusHealthGateActivities.INVALID_HEALTH_GATE_REQUEST);
            assertThat(f.isNonRetryable()).isTrue();
          });
    }
  }
}
