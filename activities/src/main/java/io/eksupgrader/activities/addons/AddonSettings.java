package io.eksupgrader.activities.addons;

import java.time.Duration;

/**
 * Timing of the add-on activities.
 *
 * @param pollInterval between two observations of an add-on update
 * @param conflictBackoff wait after a 409 (another update of the add-on running) before observing again
 */
public record AddonSettings(Duration pollInterval, Duration conflictBackoff) {

  public AddonSettings {
    if (pollInterval == null || pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
    if (conflictBackoff == null || conflictBackoff.isZero() || conflictBackoff.isNegative()) {
      throw new IllegalArgumentException("conflictBackoff must be positive, was " + conflictBackoff);
    }
  }

  /** For real EKS: an add-on update takes one to a few minutes. */
  public static AddonSettings defaults() {
    return new AddonSettings(Duration.ofSeconds(15), Duration.ofSeconds(20));
  }
}
