package io.eksupgrader.activities.nodegroups;

import java.time.Duration;

/**
 * Timing of the node group activities.
 *
 * @param pollInterval between two observations while a group is created or deleted, and the
 *     back-off after a 409 ResourceInUseException
 * @param nodeReadyTimeout how long a group may be ACTIVE while fewer than the expected nodes are
 *     Ready before the wait fails naming the NotReady nodes
 * @param deleteStallTimeout how long a deletion may stay DELETING before the Auto Scaling group
 *     is inspected for scale-in protection
 */
public record NodeGroupActivitySettings(
    Duration pollInterval, Duration nodeReadyTimeout, Duration deleteStallTimeout) {

  public NodeGroupActivitySettings {
    positive(pollInterval, "pollInterval");
    positive(nodeReadyTimeout, "nodeReadyTimeout");
    positive(deleteStallTimeout, "deleteStallTimeout");
  }

  /**
   * For real EKS: a node group takes 15–20 minutes to create and 5–15 to delete; a node joins in
   * about 2 minutes once its instance runs.
   */
  public static NodeGroupActivitySettings defaults() {
    return new NodeGroupActivitySettings(
        Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofMinutes(20));
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
