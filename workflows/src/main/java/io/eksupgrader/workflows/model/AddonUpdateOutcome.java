package io.eksupgrader.workflows.model;

/** An add-on ACTIVE at {@code version}, after {@code polls} observations. */
public record AddonUpdateOutcome(String version, int polls) {}
