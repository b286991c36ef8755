package io.eksupgrader.activities.eks;

import java.time.Duration;

/**
 * Timing of the control-plane activities.
 *
 * @param pollInterval between two DescribeUpdate calls while an update runs
 * @param conflictBackoff how long to wait after a 409 ResourceInUseException (or a cluster busy
 *     with another operation) before observing again
 */
public record ControlPlaneActivitySettings(Duration pollInterval, Duration conflictBackoff) {

  public ControlPlaneActivitySettings {
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
    if (conflictBackoff == null || conflictBackoff.isNegative() || conflictBackoff.isZero()) {
      throw new IllegalArgumentException("conflictBackoff must be positive, was " + conflictBackoff);
    }
  }

  /** For real EKS, where a control-plane update takes about 25 minutes. */
  public static ControlPlaneActivitySettings defaults() {
    return new ControlPlaneActivitySettings(Duration.ofSeconds(30), Duration.ofSeconds(30));
  }
}
