package io.eksupgrader.workflows.model;

/**
 * Watch Karpenter's drift replace every NodeClaim until all its nodes run {@code targetVersion}.
 *
 * @param timeoutSeconds how long the replacement may make no progress before the wait fails
 */
public record KarpenterDriftRequest(ClusterRef cluster, String targetVersion, int timeoutSeconds) {}
