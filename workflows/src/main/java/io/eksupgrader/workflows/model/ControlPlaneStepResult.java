package io.eksupgrader.workflows.model;

/** What one control-plane minor did. */
public record ControlPlaneStepResult(
    String updateId, VersionUpdateHandle.How how, String finalVersion, String updateCreatedAt, int polls) {}
