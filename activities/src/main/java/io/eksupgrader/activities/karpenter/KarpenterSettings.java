package io.eksupgrader.activities.karpenter;

import java.time.Duration;

/**
 * Timing of the wait for Karpenter's drift.
 *
 * @param pollInterval between two listings of Karpenter's nodes and NodeClaims
 * @param stallTimeout how long no old node may be replaced before the wait gives up and the
 *     operator decides
 */
public record KarpenterSettings(Duration pollInterval, Duration stallTimeout) {

  public KarpenterSettings {
    if (pollInterval == null || pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
    if (stallTimeout == null || stallTimeout.isZero() || stallTimeout.isNegative()) {
      throw new IllegalArgumentException("stallTimeout must be positive, was " + stallTimeout);
    }
  }

  /**
   * For real clusters: Karpenter replaces a drifted node in a few minutes (launch, join, drain);
   * half an hour without any replaced node means it waits for something it will not get alone.
   */
  public static KarpenterSettings defaults() {
    return new KarpenterSettings(Duration.ofSeconds(30), Duration.ofMinutes(30));
  }
}
