package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.activities.HealthGateActivities.HealthGate;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReading;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReport;
import io.eksupgrader.workflows.activities.HealthGateActivities.SeriesValue;
import io.eksupgrader.workflows.model.HealthGateOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Seed 003's signals as health gates, and the effective list for one upgrade's options.
 *
 * <p>Three queries differ from the seed's text, each for a reason: Karpenter's metric is spelled
 * {@code karpenter_nodeclaims_terminated_total} (the seed's {@code node_claims} matches nothing and
 * would pass forever); {@code pilot_xds_push_errors} is a counter, so its {@code increase} over five
 * minutes says whether pushes fail now, where its sum says whether they ever failed; WATCH and
 * CONNECT requests stay open for minutes by design and are left out of the API server's p99. Join
 * latency is the age of any node that is not Ready yet (kube-state-metrics), which grows when new
 * AL2023 nodes do not join.
 */
public final class HealthGates {

  public static final List<HealthGate> DEFAULTS =
      List.of(
          new HealthGate(
              "karpenter-launch-failures",
              "sum(rate(karpenter_nodeclaims_terminated_total{reason=\"launch_failed\"}[5m]))",
              0,
              "launch failures/s"),
          new HealthGate(
              "node-join-latency",
              "max((time() - kube_node_created) and on(node)"
                  + " (kube_node_status_condition{condition=\"Ready\",status=\"true\"} == 0))",
              300,
              "s"),
          new HealthGate("istio-xds-push-errors", "sum(increase(pilot_xds_push_errors[5m]))", 0, "errors/5m"),
          new HealthGate(
              "istio-5xx",
              "sum(rate(istio_requests_total{response_code=~\"5.*\"}[5m])) by (destination_service)",
              1,
              "req/s"),
          new HealthGate(
              "apiserver-p99",
              "histogram_quantile(0.99, sum(rate(apiserver_request_duration_seconds_bucket"
                  + "{verb!~\"WATCH|CONNECT\"}[5m])) by (le, verb))",
              1,
              "s"));

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private HealthGates() {}

  public static List<String> defaultNames() {
    return DEFAULTS.stream().map(HealthGate::name).toList();
  }

  /** The gates to ask: the defaults not disabled, with their thresholds, then the custom ones. */
  public static List<HealthGate> effective(HealthGateOptions options) {
    List<HealthGate> gates = new ArrayList<>();
    for (HealthGate gate : DEFAULTS) {
      if (!options.disabled().contains(gate.name())) {
        Double max = options.thresholds().get(gate.name());
        gates.add(max == null ? gate : new HealthGate(gate.name(), gate.query(), max, gate.unit()));
      }
    }
    gates.addAll(options.custom());
    return gates;
  }

  /** What is wrong with the options, each with what to do; empty when they are fine. */
  public static List<String> problems(HealthGateOptions options) {
    List<String> problems = new ArrayList<>();
    if (options == null) {
      return problems;
    }
    boolean configured = options.configured();
    if (configured) {
      String url = options.prometheusUrl().toLowerCase(Locale.ROOT);
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        problems.add(
            "healthGates.prometheus '" + options.prometheusUrl() + "' is not an http(s) URL such as http://prometheus.monitoring:9090");
      }
    } else if (!options.thresholds().isEmpty() || !options.custom().isEmpty() || !options.disabled().isEmpty()) {
      problems.add("healthGates has thresholds or gates but no prometheus URL: give healthGates.prometheus (--prometheus-url)");
    }
    if (options.intervalSeconds() < 0) {
      problems.add("healthGates.interval must be positive");
    }
    Set<String> known = new LinkedHashSet<>(defaultNames());
    options.thresholds().forEach(
        (name, max) -> {
          if (!known.contains(name)) {
            problems.add(
                "healthGates.thresholds names '" + name + "', which is no default gate; the defaults are "
                    + String.join(", ", known) + " (a gate of your own goes under healthGates.custom)");
          } else if (max == null || max.isNaN() || max < 0) {
            problems.add("healthGates.thresholds." + name + " must be 0 or more");
          }
        });
    for (String name : options.disabled()) {
      if (!known.contains(name)) {
        problems.add("healthGates.disabled names '" + name + "', which is no default gate; the defaults are " + String.join(", ", known));
      }
    }
    Set<String> names = new LinkedHashSet<>(known);
    for (HealthGate gate : options.custom()) {
      if (gate.name() == null || !NAME.matcher(gate.name()).matches()) {
        problems.add("healthGates.custom: name '" + gate.name() + "' must be lowercase letters, digits and '-'");
      } else if (!names.add(gate.name())) {
        problems.add("healthGates.custom: gate '" + gate.name() + "' is defined twice (or is a default gate's name)");
      }
      if (gate.query() == null || gate.query().isBlank()) {
        problems.add("healthGates.custom: gate '" + gate.name() + "' has no query");
      }
      if (Double.isNaN(gate.max()) || gate.max() < 0) {
        problems.add("healthGates.custom: gate '" + gate.name() + "' needs a max of 0 or more");
      }
    }
    return problems;
  }

  /** One line per breached gate: its query, the worst series with its value, and the maximum. */
  public static String describeBreaches(HealthReport report) {
    return report.breaches().stream().map(HealthGates::describe).collect(Collectors.joining("; "));
  }

  public static String describe(HealthReading reading) {
    if (reading.error() != null) {
      return reading.gate() + ": no answer (" + reading.error() + ") for " + reading.query();
    }
    List<SeriesValue> over =
        reading.series().stream().filter(s -> s.value() > reading.max()).toList();
    String values =
        (over.isEmpty() ? reading.series() : over).stream()
            .map(s -> ("{}".equals(s.labels()) ? "" : s.labels() + " ") + format(s.value()))
            .collect(Collectors.joining(", "));
    return reading.gate()
        + " = "
        + (values.isEmpty() ? "no data" : values)
        + (reading.unit() == null || values.isEmpty() ? "" : " " + reading.unit())
        + (reading.breached() ? " > max " : " ≤ max ")
        + format(reading.max())
        + " (" + reading.query() + ")";
  }

  public static String format(double value) {
    if (value == Double.MAX_VALUE) {
      return "+Inf";
    }
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return String.valueOf(value);
    }
    // Three significant digits, without trailing zeros: 7.5, 0.1, 1250, 0.000123.
    return new java.math.BigDecimal(value).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
