package io.eksupgrader.workflows.model;

/**
 * Create (or find) the green node group that replaces {@code oldNodeGroup}: the old group's
 * configuration at {@code kubernetesVersion}, on Amazon Linux 2023.
 *
 * @param newNodeGroup deterministic, see {@link io.eksupgrader.workflows.planning.NodeGroupNames}
 * @param clientRequestToken passed to CreateNodegroup (and CreateLaunchTemplateVersion)
 */
public record ReplacementNodeGroupRequest(
    ClusterRef cluster,
    String oldNodeGroup,
    String newNodeGroup,
    String kubernetesVersion,
    String clientRequestToken) {}
