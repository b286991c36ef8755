package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Drain one node.
 *
 * @param forceDeletePodUids pods an operator decided to delete despite what blocked their
 *     eviction (a PodDisruptionBudget, emptyDir data, no controller). Only pods with exactly these
 *     UIDs are deleted instead of evicted; every other pod is evicted as usual
 */
public record DrainNodeRequest(
    ClusterRef cluster, String node, DrainOptions options, List<String> forceDeletePodUids) {}
