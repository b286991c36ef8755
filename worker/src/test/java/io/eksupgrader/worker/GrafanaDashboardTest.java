package io.eksupgrader.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.activities.metrics.ActivityMetrics;
import io.eksupgrader.workflows.upgrade.UpgradeMetrics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/eks-upgrader.json against the code: every panel queries something, the project's
 * metric names it queries are the ones the code records (with the suffix Prometheus gives their
 * kind), every one the code records is on it, the Temporal names are the SDK's, and seed 003's
 * queries are there as written.
 */
class GrafanaDashboardTest {

  /** The surefire working directory is the worker module's. */
  static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "eks-upgrader.json");

  /** Recorded as timers; every other project metric is a counter. */
  static final Set<String> TIMERS = Set.of(ActivityMetrics.AWS_CALL_LATENCY, UpgradeMetrics.GATE_WAIT);

  static final List<String> SEED_003_QUERIES =
      List.of(
          "sum(rate(karpenter_nodeclaims_terminated_total{reason=\"launch_failed\"}[5m]))",
          "max((time() - kube_node_created) and on(node) (kube_node_status_condition{condition=\"Ready\",status=\"true\"} == 0))",
          "sum(increase(pilot_xds_push_errors[5m]))",
          "sum(rate(istio_requests_total{response_code=~\"5.*\"}[5m])) by (destination_service)",
          "histogram_quantile(0.99, sum(rate(apiserver_request_duration_seconds_bucket{verb!~\"WATCH|CONNECT\"}[5m])) by (le, verb))");

  private static final Pattern PROJECT_SERIES = Pattern.compile("\\beks_upgrader_[a-z0-9_]+");
  private static final Pattern TEMPORAL_SERIES = Pattern.compile("\\btemporal_[a-z0-9_]+");
  private static final Pattern TIMER_SUFFIX = Pattern.compile("(.+)_seconds_(bucket|count|sum|max)");

  private static JsonNode dashboard;
  private static List<JsonNode> panels;
  private static List<String> queries;

  @BeforeAll
  static void read() throws Exception {
    assertThat(DASHBOARD).as("run from the worker module").exists();
    dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    panels = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      panels.add(panel);
      // A collapsed row keeps its panels inside.
      panel.path("panels").forEach(panels::add);
    }
    queries = new ArrayList<>();
    for (JsonNode panel : panels) {
      panel.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
    }
  }

  @Test
  void everyPanelQueriesPrometheusThroughADatasourceVariable() {
    List<String> variables = new ArrayList<>();
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      if (variable.get("type").asText().equals("datasource")) {
        assertThat(variable.get("query").asText()).isEqualTo("prometheus");
        variables.add("${" + variable.get("name").asText() + "}");
      }
    }
    assertThat(variables).contains("${datasource}");

    List<JsonNode> graphs = panels.stream().filter(p -> !p.get("type").asText().equals("row")).toList();
    assertThat(graphs).hasSizeGreaterThanOrEqualTo(15);
    for (JsonNode panel : graphs) {
      String title = panel.get("title").asText();
      assertThat(panel.path("datasource").path("uid").asText()).as(title).isIn(variables);
      assertThat(panel.path("targets")).as(title + ": targets").isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        assertThat(target.path("expr").asText()).as(title + ": a query").isNotBlank();
        assertThat(target.path("datasource").path("uid").asText())
            .as(title)
            .isEqualTo(panel.get("datasource").get("uid").asText());
      }
    }
  }

  @Test
  void panelsHaveUniqueIdsAndDoNotOverlap() {
    assertThat(panels.stream().map(p -> p.get("id").asInt()).toList()).doesNotHaveDuplicates();
    for (int i = 0; i < panels.size(); i++) {
      for (int j = i + 1; j < panels.size(); j++) {
        JsonNode a = panels.get(i).get("gridPos");
        JsonNode b = panels.get(j).get("gridPos");
        boolean overlap =
            a.get("x").asInt() < b.get("x").asInt() + b.get("w").asInt()
                && b.get("x").asInt() < a.get("x").asInt() + a.get("w").asInt()
                && a.get("y").asInt() < b.get("y").asInt() + b.get("h").asInt()
                && b.get("y").asInt() < a.get("y").asInt() + a.get("h").asInt();
        assertThat(overlap)
            .as(panels.get(i).get("title") + " and " + panels.get(j).get("title"))
            .isFalse();
      }
    }
  }

  @Test
  void theProjectsMetricsAreTheOnesTheCodeRecordsWithTheirKindsSuffix() throws Exception {
    Set<String> recorded = new TreeSet<>();
    recorded.addAll(metricNames(ActivityMetrics.class));
    recorded.addAll(metricNames(UpgradeMetrics.class));
    assertThat(recorded)
        .contains(
            "eks_upgrader_upgrade_phase_transitions",
            "eks_upgrader_gate_wait",
            "eks_upgrader_upgrades_ended",
            "eks_upgrader_drain_evictions",
            "eks_upgrader_drain_eviction_refusals",
            "eks_upgrader_aws_calls",
            "eks_upgrader_aws_throttles");

    Set<String> queried = new TreeSet<>();
    for (String series : series(PROJECT_SERIES)) {
      Matcher timer = TIMER_SUFFIX.matcher(series);
      String name;
      if (timer.matches()) {
        name = timer.group(1);
        assertThat(TIMERS).as(series + " is queried as a timer").contains(name);
      } else {
        assertThat(series).as("a counter is exported with _total").endsWith("_total");
        name = series.substring(0, series.length() - "_total".length());
        assertThat(TIMERS).as(series + " is queried as a counter").doesNotContain(name);
      }
      assertThat(recorded).as(series + " is a metric the code records").contains(name);
      queried.add(name);
    }
    assertThat(queried).as("every metric the code records has a panel").containsExactlyElementsOf(recorded);
  }

  @Test
  void theTemporalMetricsAreTheSdks() throws Exception {
    Set<String> sdk = new TreeSet<>();
    sdk.addAll(metricNames(io.temporal.worker.MetricsType.class));
    sdk.addAll(metricNames(io.temporal.serviceclient.MetricsType.class));

    Set<String> queried = new TreeSet<>();
    for (String series : series(TEMPORAL_SERIES)) {
      Matcher timer = TIMER_SUFFIX.matcher(series);
      String name =
          timer.matches() ? timer.group(1) : series.endsWith("_total") ? series.substring(0, series.length() - 6) : series;
      assertThat(sdk).as(series + " is one of the SDK's metrics").contains(name);
      queried.add(name);
    }
    assertThat(queried)
        .contains(
            "temporal_workflow_task_execution_failed",
            "temporal_activity_schedule_to_start_latency",
            "temporal_worker_task_slots_available",
            "temporal_worker_task_slots_used");
  }

  @Test
  void seed003sQueriesAreThereAsWritten() {
    assertThat(queries).containsAll(SEED_003_QUERIES);
  }

  private static Set<String> series(Pattern pattern) {
    Set<String> found = new TreeSet<>();
    for (String query : queries) {
      Matcher m = pattern.matcher(query);
      while (m.find()) {
        found.add(m.group());
      }
    }
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      Matcher m = pattern.matcher(variable.path("definition").asText());
      while (m.find()) {
        found.add(m.group());
      }
    }
    return found;
  }

  /** The values of a class's public String constants that name a metric. */
  private static Set<String> metricNames(Class<?> type) throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (Field field : type.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String value = (String) field.get(null);
        if (Stream.of("eks_upgrader_", "temporal_").anyMatch(value::startsWith) && !value.endsWith("_")) {
          names.add(value);
        }
      }
    }
    return names;
  }
}
