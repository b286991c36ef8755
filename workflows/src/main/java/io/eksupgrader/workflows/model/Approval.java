package io.eksupgrader.workflows.model;

/**
 * The payload of {@code approve} and {@code reject}: {@code {"gate":"control-plane-1.33",
 * "by":"alice","comment":"ok"}}.
 */
public record Approval(String gate, String by, String comment) {}
