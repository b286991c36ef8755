package io.eksupgrader.workflows.model;

/** Wait until the node group is ACTIVE and {@code expectedNodes} of its nodes are Ready. */
public record AwaitNodeGroupRequest(ClusterRef cluster, String nodeGroup, int expectedNodes) {}
