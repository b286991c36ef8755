package io.eksupgrader.activities.nodegroups;

import java.util.List;

/**
 * What a node group deletion heartbeats, so that a retried attempt continues it and still reports
 * the protection an earlier attempt removed.
 *
 * @param polls observations so far, across attempts
 * @param deleteRequested whether DeleteNodegroup was called (or the group was seen DELETING), so
 *     that a group found gone afterwards counts as deleted, not as already gone
 * @param protectedInstancesReleased instances whose scale-in protection was removed
 * @param groupProtectionReleased whether NewInstancesProtectedFromScaleIn was turned off
 * @param autoScalingGroup the ASG behind the group, once seen
 * @param unprotectedFailures DELETE_FAILED outcomes seen with no protection left to release; the
 *     second one ends the deletion as ASG_BLOCKS, whichever attempt sees it (0 in progress
 *     heartbeated before this field existed)
 */
public record DeletionProgress(
    int polls,
    boolean deleteRequested,
    List<String> protectedInstancesReleased,
    boolean groupProtectionReleased,
    String autoScalingGroup,
    int unprotectedFailures) {

  public DeletionProgress {
    protectedInstancesReleased =
        protectedInstancesReleased == null ? List.of() : List.copyOf(protectedInstancesReleased);
  }

  /** Progress of a deletion that does not count unprotected failures (self-managed groups). */
  public DeletionProgress(
      int polls,
      boolean deleteRequested,
      List<String> protectedInstancesReleased,
      boolean groupProtectionReleased,
      String autoScalingGroup) {
    this(polls, deleteRequested, protectedInstancesReleased, groupProtectionReleased, autoScalingGroup, 0);
  }

  static DeletionProgress start() {
    return new DeletionProgress(0, false, List.of(), false, null, 0);
  }
}
