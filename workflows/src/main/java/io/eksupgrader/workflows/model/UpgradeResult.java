package io.eksupgrader.workflows.model;

/** What the workflow returns when the upgrade ends. */
public record UpgradeResult(
    UpgradeOutcome outcome, String finalVersion, String message, UpgradeStatus status) {}
