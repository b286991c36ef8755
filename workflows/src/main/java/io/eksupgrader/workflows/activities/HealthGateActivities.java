package io.eksupgrader.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;
import java.util.List;

/**
 * Health gates (seed 003): PromQL instant queries against the cluster's Prometheus, each with the
 * highest value it may return. The workflow asks before each gate opens and, while a control-plane
 * update or a drain runs, every few minutes; a breach pauses the upgrade for a decision.
 */
@ActivityInterface
public interface HealthGateActivities {

  /**
   * Runs every gate's query once ({@code GET /api/v1/query}) and compares each returned series with
   * the gate's maximum. A query Prometheus refuses (bad PromQL, a 4xx) is a reading with an error,
   * which counts as a breach: health that cannot be read is not health. Prometheus unreachable or
   * answering 5xx fails the activity, which Temporal retries.
   */
  @ActivityMethod(name = ActivityTypes.EVALUATE_HEALTH_GATES)
  HealthReport evaluateHealthGates(HealthGateRequest request);

  /**
   * @param name what the gate watches, e.g. {@code istio-5xx}
   * @param query an instant PromQL query; every series it returns is compared
   * @param max the highest value a series may have; a higher one is a breach
   * @param unit how to read the value, e.g. {@code req/s}, {@code s}
   */
  record HealthGate(String name, String query, double max, String unit) {}

  /** @param when why it is asked, e.g. {@code before gate control-plane-1.33}, for the record */
  record HealthGateRequest(String prometheusUrl, List<HealthGate> gates, String when) {}

  /**
   * One series of a query's result.
   *
   * @param labels the series' labels as PromQL writes them, e.g. {@code {destination_service="web"}}
   *     ({@code {}} for a single unlabelled value)
   */
  record SeriesValue(String labels, double value) {}

  /**
   * @param series what the query returned; NaN values are left out, +Inf is {@link
   *     Double#MAX_VALUE}; empty means no data, which is no breach (no 5xx series means no 5xx)
   * @param breached a series above {@code max}, or an error
   * @param error why the query gave no answer, or null
   */
  record HealthReading(
      String gate, String query, double max, String unit, List<SeriesValue> series, boolean breached, String error) {}

  record HealthReport(Instant at, String when, List<HealthReading> readings) {
    public List<HealthReading> breaches() {
      return readings.stream().filter(HealthReading::breached).toList();
    }
  }
}
