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
 */
public record DeletionProgress(
    int polls,
    boolean deleteRequested,
    List<String> protectedInstancesReleased,
    boolean groupProtectionReleased,
    String autoScalingGroup) {

  public DeletionProgress {
    protectedInstancesReleased =
        protectedInstancesReleased == null ? List.of() : List.copyOf(protectedInstancesReleased);
  }

  static DeletionProgress start() {
    return new DeletionProgress(0, false, List.of(), false, null);
  }
}
