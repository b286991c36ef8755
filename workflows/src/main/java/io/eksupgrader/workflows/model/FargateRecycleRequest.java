package io.eksupgrader.workflows.model;

/** Restart the workloads of one Fargate profile whose pods run older than {@code targetVersion}. */
public record FargateRecycleRequest(ClusterRef cluster, String profile, String targetVersion) {}
