package io.eksupgrader.workflows.fleet;

/** What the fleet workflow returns when it ends. */
public record FleetResult(FleetOutcome outcome, String message, FleetStatus status) {}
