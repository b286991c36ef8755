package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * The safety check before an old node group is deleted.
 *
 * @param nodes the group's nodes
 * @param uncordoned nodes that are schedulable again (something uncordoned them)
 * @param remainingPods pods other than DaemonSet and mirror pods still on the nodes, as
 *     namespace/name
 * @param unreadyPods pods in the cluster that are not Ready, as namespace/name (for the "check
 *     the service" gate)
 */
public record DrainedCheck(
    String nodeGroup,
    List<String> nodes,
    List<String> uncordoned,
    List<String> remainingPods,
    List<String> unreadyPods) {

  public boolean drained() {
    return uncordoned.isEmpty() && remainingPods.isEmpty();
  }
}
