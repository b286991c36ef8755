package io.eksupgrader.activities.karpenter;

import java.time.Duration;

/**
 * Timing of the waits for Karpenter's controller and CRDs after a chart upgrade.
 *
 * @param pollInterval between two looks at the controller Deployment and the CRDs
 * @param readyTimeout how long the new controller may take to run with every replica Ready
 */
public record KarpenterUpgradeSettings(Duration pollInterval, Duration readyTimeout) {

  public KarpenterUpgradeSettings {
    if (pollInterval == null || pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
    if (readyTimeout == null || readyTimeout.isZero() || readyTimeout.isNegative()) {
      throw new IllegalArgumentException("readyTimeout must be positive, was " + readyTimeout);
    }
  }

  /** A controller rollout takes a minute or two; ten minutes means a pod does not start. */
  public static KarpenterUpgradeSettings defaults() {
    return new KarpenterUpgradeSettings(Duration.ofSeconds(10), Duration.ofMinutes(10));
  }
}
