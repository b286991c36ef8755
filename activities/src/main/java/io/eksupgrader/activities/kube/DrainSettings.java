package io.eksupgrader.activities.kube;

import java.time.Duration;

/**
 * Timing of drains; the per-node timeout and grace period come from each request's options.
 *
 * @param evictionRetryInterval how long to wait after a 429 (a PodDisruptionBudget refused the
 *     eviction) before asking again; kubectl waits 5 s
 * @param podGonePollInterval between two looks at an evicted pod while it terminates; kubectl
 *     looks every second
 * @param heartbeatInterval the longest time between two heartbeats of a drain; progress is also
 *     heartbeated whenever it changes. Keep it well below the activity's heartbeat timeout
 * @param evictionConcurrency how many pods of one node are evicted and waited on at once
 */
public record DrainSettings(
    Duration evictionRetryInterval,
    Duration podGonePollInterval,
    Duration heartbeatInterval,
    int evictionConcurrency) {

  public DrainSettings {
    requirePositive(evictionRetryInterval, "evictionRetryInterval");
    requirePositive(podGonePollInterval, "podGonePollInterval");
    requirePositive(heartbeatInterval, "heartbeatInterval");
    if (evictionConcurrency < 1) {
      throw new IllegalArgumentException(
          "evictionConcurrency must be at least 1, was " + evictionConcurrency);
    }
  }

  /** kubectl's intervals: retry a refused eviction after 5 s, look for gone pods every second. */
  public static DrainSettings defaults() {
    return new DrainSettings(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5), 16);
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
