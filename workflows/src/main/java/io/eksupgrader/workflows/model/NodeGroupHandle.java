package io.eksupgrader.workflows.model;

/**
 * The green node group the activity created or found.
 *
 * @param expectedNodes how many nodes to wait for: the old group's desired size
 * @param launchTemplateVersion the launch template version created for the new image, or null
 */
public record NodeGroupHandle(
    String nodeGroup, How how, NodeGroupInfo group, int expectedNodes, String launchTemplateVersion) {

  /** How the activity came to hold the group. */
  public enum How {
    /** CreateNodegroup was called by this activity. */
    CREATED,
    /** A group of that name already existed (an earlier attempt made it) and is reused. */
    REUSED
  }
}
