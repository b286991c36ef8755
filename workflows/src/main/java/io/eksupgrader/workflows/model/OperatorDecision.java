package io.eksupgrader.workflows.model;

/**
 * The payload of {@code decide}: {@code {"step":"control-plane-1.33","action":"retry",
 * "by":"alice","comment":"throttling is over"}}.
 */
public record OperatorDecision(String step, DecisionAction action, String by, String comment) {}
