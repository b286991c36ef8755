package io.eksupgrader.workflows.model;

/**
 * One step of an upgrade plan.
 *
 * @param id stable and unique within the plan, e.g. {@code control-plane-1.33}; operators name it
 *     in {@code decide}
 * @param gate the approval gate that opens before the step, or null; a gate is named after its step
 */
public record PlanStep(
    String id, StepKind kind, String title, String fromVersion, String toVersion, String gate) {}
