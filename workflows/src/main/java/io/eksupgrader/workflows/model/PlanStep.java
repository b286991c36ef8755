package io.eksupgrader.workflows.model;

/**
 * One step of an upgrade plan.
 *
 * @param id stable and unique within the plan, e.g. {@code control-plane-1.33}; operators name it
 *     in {@code decide}
 * @param gate the approval gate that opens before the step, or null
 * @param nodeGroup the node group the step replaces or deletes; null for other steps
 * @param target what the step makes or removes besides: the new node group of a NODE_GROUP step,
 *     the Auto Scaling group of an ASG_DELETE step; null otherwise
 */
public record PlanStep(
    String id,
    StepKind kind,
    String title,
    String fromVersion,
    String toVersion,
    String gate,
    String nodeGroup,
    String target) {

  public PlanStep(
      String id, StepKind kind, String title, String fromVersion, String toVersion, String gate) {
    this(id, kind, title, fromVersion, toVersion, gate, null, null);
  }
}
