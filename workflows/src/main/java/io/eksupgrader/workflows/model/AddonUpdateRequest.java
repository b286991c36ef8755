package io.eksupgrader.workflows.model;

/**
 * Move one add-on to the version for {@code kubernetesVersion}.
 *
 * @param pinnedVersion the version to move to; null: the default EKS names for that Kubernetes version
 * @param requestToken the {@code clientRequestToken} of UpdateAddon, derived from the workflow, step
 *     and attempt
 */
public record AddonUpdateRequest(
    ClusterRef cluster,
    String addon,
    String kubernetesVersion,
    String pinnedVersion,
    String resolveConflicts,
    String requestToken) {}
