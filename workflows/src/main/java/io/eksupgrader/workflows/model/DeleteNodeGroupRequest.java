package io.eksupgrader.workflows.model;

/** Delete an old node group and wait until it is gone. */
public record DeleteNodeGroupRequest(ClusterRef cluster, String nodeGroup) {}
