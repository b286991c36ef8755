package io.eksupgrader.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * What Karpenter runs in a cluster: its NodePools and NodeClaims ({@code karpenter.sh/v1}) and the
 * kubelet minors of the nodes it launched.
 *
 * @param installed false when the NodeClaim API does not exist in the cluster
 * @param nodesByKubeletMinor e.g. {"1.32": 4, "1.34": 2}
 */
public record KarpenterNodes(
    boolean installed,
    List<String> nodePools,
    int nodeClaims,
    Map<String, Integer> nodesByKubeletMinor) {}
