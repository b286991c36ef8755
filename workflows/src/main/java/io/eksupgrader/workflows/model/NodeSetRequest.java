package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * The nodes of one node group. For a managed node group ({@code instanceIds} empty) they are the
 * nodes labelled {@code eks.amazonaws.com/nodegroup=<nodeGroup>}; a self-managed group has no such
 * label, so its nodes are those whose {@code spec.providerID} names one of its EC2 instances.
 */
public record NodeSetRequest(ClusterRef cluster, String nodeGroup, List<String> instanceIds) {

  public NodeSetRequest {
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
  }

  /** The nodes of a managed node group. */
  public NodeSetRequest(ClusterRef cluster, String nodeGroup) {
    this(cluster, nodeGroup, List.of());
  }
}
