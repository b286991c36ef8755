package io.eksupgrader.workflows.model;

/**
 * Start (or adopt) the control-plane update of one minor.
 *
 * @param clientRequestToken derived from the workflow id and step, so that a retried call is the
 *     same call to EKS
 */
public record VersionUpdateRequest(
    ClusterRef cluster, String targetVersion, String clientRequestToken) {}
