package io.eksupgrader.workflows.model;

/**
 * Restart the workloads whose pods run on Fargate under {@code profile} on a kubelet older than
 * {@code targetVersion}, so that Fargate schedules them again at the control plane's version.
 */
public record FargateRecycleRequest(
    ClusterRef cluster, String profile, String targetVersion, int timeoutSeconds) {}
