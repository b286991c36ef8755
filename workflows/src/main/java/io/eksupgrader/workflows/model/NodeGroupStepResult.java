package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * What one node group's replacement did.
 *
 * @param drainedNodes the old nodes, all cordoned and drained
 * @param drains per old node, what its drain did
 * @param check the state of the old nodes after the drain, shown at the teardown gate
 */
public record NodeGroupStepResult(
    String oldNodeGroup,
    String newNodeGroup,
    NodeGroupHandle.How how,
    List<NodeGroupReady.NodeJoin> joins,
    List<String> drainedNodes,
    List<DrainNodeResult> drains,
    DrainedCheck check) {

  public int evicted() {
    return drains.stream().mapToInt(DrainNodeResult::evicted).sum();
  }

  public int forceDeleted() {
    return drains.stream().mapToInt(DrainNodeResult::forceDeleted).sum();
  }

  public int refusedEvictions() {
    return drains.stream().mapToInt(DrainNodeResult::refusedEvictions).sum();
  }
}
