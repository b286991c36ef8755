package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * The input of one node group's blue/green replacement.
 *
 * @param clientRequestToken for CreateNodegroup; the same for Temporal's retries of one attempt
 * @param forceDeletePodUids pods an operator decided to delete instead of evicting
 * @param selfManaged the group is an Auto Scaling group, not an EKS managed node group
 * @param oldInstanceIds for a self-managed group, its instances (its nodes carry no group label)
 */
public record NodeGroupStepRequest(
    ClusterRef cluster,
    String oldNodeGroup,
    String newNodeGroup,
    String targetVersion,
    String clientRequestToken,
    DrainOptions drain,
    List<String> forceDeletePodUids,
    boolean selfManaged,
    List<String> oldInstanceIds) {

  public NodeGroupStepRequest {
    forceDeletePodUids = forceDeletePodUids == null ? List.of() : List.copyOf(forceDeletePodUids);
    oldInstanceIds = oldInstanceIds == null ? List.of() : List.copyOf(oldInstanceIds);
  }

  /** The old group's nodes. */
  public NodeSetRequest oldNodes() {
    return new NodeSetRequest(cluster, oldNodeGroup, selfManaged ? oldInstanceIds : List.of());
  }
}
