package io.eksupgrader.workflows.model;

/** The nodes of one node group: those labelled {@code eks.amazonaws.com/nodegroup=<nodeGroup>}. */
public record NodeSetRequest(ClusterRef cluster, String nodeGroup) {}
