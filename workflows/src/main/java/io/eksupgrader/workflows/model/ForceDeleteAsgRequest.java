package io.eksupgrader.workflows.model;

/**
 * Delete an old node group's Auto Scaling group with ForceDelete (its instances are terminated),
 * then finish deleting the node group. Only ever sent after its own approval gate.
 */
public record ForceDeleteAsgRequest(ClusterRef cluster, String nodeGroup, String autoScalingGroup) {}
