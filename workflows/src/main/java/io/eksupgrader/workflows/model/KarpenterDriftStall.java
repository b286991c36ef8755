package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Why Karpenter's drift made no progress: the details of a {@code KarpenterDriftStalled} failure.
 *
 * @param oldNodes nodes still behind the target, each as {@code name (nodePool, version)}
 * @param launchFailures failed launches seen, each as {@code nodeClaim: reason}
 * @param frozenNodePools NodePools whose disruption budget allows no node, each as {@code name (nodes: 0)}
 */
public record KarpenterDriftStall(
    List<String> oldNodes, List<String> launchFailures, List<String> frozenNodePools) {

  public KarpenterDriftStall {
    oldNodes = oldNodes == null ? List.of() : List.copyOf(oldNodes);
    launchFailures = launchFailures == null ? List.of() : List.copyOf(launchFailures);
    frozenNodePools = frozenNodePools == null ? List.of() : List.copyOf(frozenNodePools);
  }
}
