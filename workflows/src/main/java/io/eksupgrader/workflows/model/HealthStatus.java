package io.eksupgrader.workflows.model;

import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReport;
import java.util.List;

/**
 * What the health gates saw.
 *
 * @param summary where they look and how often, or why there are none
 * @param last the latest evaluation, or null before the first
 * @param breaches every breach seen, oldest first, each with its query, value and maximum
 */
public record HealthStatus(boolean configured, String summary, HealthReport last, List<String> breaches) {

  public HealthStatus {
    breaches = breaches == null ? List.of() : List.copyOf(breaches);
  }
}
