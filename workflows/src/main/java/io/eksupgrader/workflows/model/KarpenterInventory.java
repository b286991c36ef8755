package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Karpenter in a cluster, as its API shows it.
 *
 * @param installed whether the API server serves Karpenter's v1 NodeClaims
 * @param nodePools the NodePools' names
 * @param nodes the nodes Karpenter launched (labelled {@code karpenter.sh/nodepool})
 */
public record KarpenterInventory(boolean installed, List<String> nodePools, List<KarpenterNode> nodes) {

  public KarpenterInventory {
    nodePools = nodePools == null ? List.of() : List.copyOf(nodePools);
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  public static KarpenterInventory notInstalled() {
    return new KarpenterInventory(false, List.of(), List.of());
  }

  /**
   * One node of a NodePool.
   *
   * @param version the minor its kubelet runs, e.g. 1.32
   */
  public record KarpenterNode(String name, String nodePool, String version) {}
}
