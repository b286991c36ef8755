package io.eksupgrader.activities.fargate;

import java.time.Duration;

/**
 * Timing of Fargate restarts.
 *
 * @param pollInterval between two observations of the profile's pods
 * @param stallTimeout how long no old pod may be replaced before the step fails and an operator
 *     decides
 * @param concurrentRestarts how many workloads roll at once
 */
public record FargateSettings(Duration pollInterval, Duration stallTimeout, int concurrentRestarts) {

  public FargateSettings {
    if (pollInterval == null || pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
    if (stallTimeout == null || stallTimeout.isZero() || stallTimeout.isNegative()) {
      throw new IllegalArgumentException("stallTimeout must be positive, was " + stallTimeout);
    }
    if (concurrentRestarts < 1) {
      throw new IllegalArgumentException("concurrentRestarts must be at least 1, was " + concurrentRestarts);
    }
  }

  /** For real clusters: a Fargate pod starts in about a minute; five workloads roll at once. */
  public static FargateSettings defaults() {
    return new FargateSettings(Duration.ofSeconds(15), Duration.ofMinutes(15), 5);
  }
}
