package io.eksupgrader.workflows.model;

import io.eksupgrader.workflows.activities.HealthGateActivities.HealthGate;
import java.util.List;
import java.util.Map;

/**
 * Health gates: seed 003's queries against the cluster's Prometheus, with thresholds.
 *
 * @param prometheusUrl e.g. {@code http://prometheus.monitoring:9090}; null or blank: no health
 *     gates, and the status says so
 * @param intervalSeconds how often they are asked while a control-plane update or a drain runs; 0
 *     means 120
 * @param thresholds a default gate's name → its maximum, replacing the default maximum
 * @param disabled default gates not to ask
 * @param custom more gates, each with its own query and maximum
 */
public record HealthGateOptions(
    String prometheusUrl,
    int intervalSeconds,
    Map<String, Double> thresholds,
    List<String> disabled,
    List<HealthGate> custom) {

  public static final int DEFAULT_INTERVAL_SECONDS = 120;

  public HealthGateOptions {
    thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
    disabled = disabled == null ? List.of() : List.copyOf(disabled);
    custom = custom == null ? List.of() : List.copyOf(custom);
  }

  public static HealthGateOptions none() {
    return new HealthGateOptions(null, 0, Map.of(), List.of(), List.of());
  }

  public boolean configured() {
    return prometheusUrl != null && !prometheusUrl.isBlank();
  }

  public int intervalSecondsOrDefault() {
    return intervalSeconds > 0 ? intervalSeconds : DEFAULT_INTERVAL_SECONDS;
  }
}
