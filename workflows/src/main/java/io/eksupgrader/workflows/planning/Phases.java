package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.PhaseSelection;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.UpgradePlan;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Takes the phases an upgrade's spec turned off out of its plan. */
public final class Phases {

  public static final Set<StepKind> DATA_PLANE =
      EnumSet.of(
          StepKind.NODE_GROUP,
          StepKind.SELF_MANAGED_GROUP,
          StepKind.TEARDOWN,
          StepKind.ASG_DELETE,
          StepKind.KARPENTER_DRIFT,
          StepKind.FARGATE_PROFILE);

  private Phases() {}

  /**
   * What makes the selection impossible for this plan: a node group pass the kubelet skew rule
   * puts before a later minor cannot be left out.
   */
  public static List<String> problems(UpgradePlan plan, PhaseSelection phases) {
    List<String> problems = new ArrayList<>();
    if (phases == null || phases.dataPlane()) {
      return problems;
    }
    List<PlanStep> steps = plan.steps();
    int lastControlPlane = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).kind() == StepKind.CONTROL_PLANE) {
        lastControlPlane = i;
      }
    }
    List<String> needed = new ArrayList<>();
    for (int i = 0; i < lastControlPlane; i++) {
      PlanStep step = steps.get(i);
      if (step.kind() == StepKind.NODE_GROUP || step.kind() == StepKind.SELF_MANAGED_GROUP) {
        needed.add(step.nodeGroup() + " before " + steps.get(i).toVersion());
      }
    }
    if (!needed.isEmpty()) {
      problems.add(
          "phases.dataPlane is false, but the kubelet skew rule needs node groups replaced on the way ("
              + String.join(", ", needed)
              + "): run the data plane, or upgrade the control plane fewer minors at a time");
    }
    return problems;
  }

  /**
   * The plan without the steps of the phases turned off. A minor's gate sits on its first add-on
   * step; without add-ons it moves to the minor's control-plane step.
   */
  public static UpgradePlan apply(UpgradePlan plan, PhaseSelection phases) {
    if (phases == null || (phases.addons() && phases.dataPlane())) {
      return plan;
    }
    List<PlanStep> kept = new ArrayList<>();
    String carriedGate = null;
    for (PlanStep step : plan.steps()) {
      boolean removed =
          (!phases.addons() && step.kind() == StepKind.ADDON) || (!phases.dataPlane() && DATA_PLANE.contains(step.kind()));
      if (removed) {
        if (step.kind() == StepKind.ADDON && step.gate() != null) {
          carriedGate = step.gate();
        }
        continue;
      }
      if (carriedGate != null && step.kind() == StepKind.CONTROL_PLANE && step.gate() == null) {
        step =
            new PlanStep(
                step.id(), step.kind(), step.title(), step.fromVersion(), step.toVersion(), carriedGate, step.nodeGroup(),
                step.target());
        carriedGate = null;
      }
      kept.add(step);
    }
    return new UpgradePlan(plan.cluster(), plan.currentVersion(), plan.targetVersion(), List.copyOf(kept));
  }
}
