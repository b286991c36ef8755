package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * How the deletion of a node group ended.
 *
 * @param protectedInstancesReleased instances whose scale-in protection the activity removed
 * @param groupProtectionReleased whether it turned off the ASG's NewInstancesProtectedFromScaleIn
 * @param autoScalingGroup the ASG behind the group, when known
 * @param reason for ASG_BLOCKS: what EKS reported
 */
public record NodeGroupDeletion(
    String nodeGroup,
    Outcome outcome,
    List<String> protectedInstancesReleased,
    boolean groupProtectionReleased,
    String autoScalingGroup,
    String reason,
    int polls) {

  /** The end of a deletion. */
  public enum Outcome {
    /** The group is gone. */
    DELETED,
    /** There was no such group when the activity looked. */
    ALREADY_GONE,
    /**
     * The group cannot be deleted while its Auto Scaling group stands, even without scale-in
     * protection; deleting the ASG (ForceDelete) needs its own approval.
     */
    ASG_BLOCKS
  }
}
