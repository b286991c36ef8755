package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * The input of one node group's blue/green replacement.
 *
 * @param clientRequestToken for CreateNodegroup; the same for Temporal's retries of one attempt
 * @param forceDeletePodUids pods an operator decided to delete instead of evicting
 */
public record NodeGroupStepRequest(
    ClusterRef cluster,
    String oldNodeGroup,
    String newNodeGroup,
    String targetVersion,
    String clientRequestToken,
    DrainOptions drain,
    List<String> forceDeletePodUids) {}
