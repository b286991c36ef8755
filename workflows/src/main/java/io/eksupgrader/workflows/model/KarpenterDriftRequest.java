package io.eksupgrader.workflows.model;

/** Wait until every Karpenter node runs {@code targetVersion}. */
public record KarpenterDriftRequest(ClusterRef cluster, String targetVersion) {}
