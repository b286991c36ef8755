package io.eksupgrader.activities.selfmanaged;

import java.time.Duration;

/**
 * Timing of the self-managed node group activities.
 *
 * @param pollInterval between two observations while a new ASG's nodes join or an old ASG is
 *     deleted
 * @param nodeReadyTimeout how long the wait for a new ASG may see fewer than the expected
 *     instances InService with Ready nodes before it fails naming them (NODES_NOT_READY)
 * @param deleteTimeout how long a deleted ASG may still be described before the deletion fails
 *     naming its status and instances
 */
public record SelfManagedNodeGroupSettings(
    Duration pollInterval, Duration nodeReadyTimeout, Duration deleteTimeout) {

  public SelfManagedNodeGroupSettings {
    positive(pollInterval, "pollInterval");
    positive(nodeReadyTimeout, "nodeReadyTimeout");
    positive(deleteTimeout, "deleteTimeout");
  }

  /**
   * For real AWS: an instance boots in 1–2 minutes and its node joins 1–2 minutes later; a forced
   * ASG deletion terminates its instances within a few minutes.
   */
  public static SelfManagedNodeGroupSettings defaults() {
    return new SelfManagedNodeGroupSettings(
        Duration.ofSeconds(15), Duration.ofMinutes(15), Duration.ofMinutes(15));
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
