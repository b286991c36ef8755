package io.eksupgrader.workflows.model;

/**
 * Create (or find) the ASG that replaces {@code oldGroup}: a new launch template version with the
 * EKS-optimized AL2023 AMI of {@code kubernetesVersion}, and a new ASG with the old one's subnets,
 * sizes and tags under the deterministic name {@code newGroup}.
 */
public record SelfManagedReplacementRequest(
    ClusterRef cluster,
    String oldGroup,
    String newGroup,
    String kubernetesVersion,
    String clientRequestToken) {}
