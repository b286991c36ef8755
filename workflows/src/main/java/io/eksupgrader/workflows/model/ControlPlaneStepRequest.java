package io.eksupgrader.workflows.model;

/**
 * The input of one control-plane minor.
 *
 * @param clientRequestToken the EKS idempotency token for this step and attempt
 */
public record ControlPlaneStepRequest(
    ClusterRef cluster, String fromVersion, String toVersion, String clientRequestToken) {}
