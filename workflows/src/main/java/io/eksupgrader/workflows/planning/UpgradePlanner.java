package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.UpgradePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a current and a target version into the ordered steps of an upgrade. EKS moves a control
 * plane one minor at a time, so 1.32 to 1.34 is two control-plane steps, each behind an approval
 * gate, followed by a verification. Pure: the same versions always give the same plan.
 */
public final class UpgradePlanner {

  public static final String PREFLIGHT_STEP = "preflight";
  public static final String VERIFY_STEP = "verify";

  private UpgradePlanner() {}

  /** The minors to pass through, excluding the current one: 1.32 to 1.34 gives [1.33, 1.34]. */
  public static List<KubernetesVersion> minorSteps(KubernetesVersion current, KubernetesVersion target) {
    if (target.major() != current.major() || !target.isAfter(current)) {
      throw new IllegalArgumentException(
          "no upgrade path from " + current + " to " + target + ": the target must be a later minor");
    }
    List<KubernetesVersion> steps = new ArrayList<>();
    for (KubernetesVersion v = current.nextMinor(); !v.isAfter(target); v = v.nextMinor()) {
      steps.add(v);
    }
    return steps;
  }

  public static UpgradePlan plan(ClusterRef cluster, String currentVersion, String targetVersion) {
    KubernetesVersion current = KubernetesVersion.parse(currentVersion);
    KubernetesVersion target = KubernetesVersion.parse(targetVersion);
    List<PlanStep> steps = new ArrayList<>();
    steps.add(preflightStep(currentVersion));
    KubernetesVersion from = current;
    for (KubernetesVersion to : minorSteps(current, target)) {
      String id = controlPlaneStepId(to);
      steps.add(
          new PlanStep(
              id, StepKind.CONTROL_PLANE, "control plane " + from + " → " + to, from.toString(), to.toString(), id));
      from = to;
    }
    steps.add(
        new PlanStep(
            VERIFY_STEP,
            StepKind.VERIFY,
            "verify the cluster runs " + target + " and is ACTIVE",
            target.toString(),
            target.toString(),
            null));
    return new UpgradePlan(cluster, current.toString(), target.toString(), List.copyOf(steps));
  }

  public static PlanStep preflightStep(String currentVersion) {
    return new PlanStep(
        PREFLIGHT_STEP,
        StepKind.PREFLIGHT,
        "pre-flight: cluster exists, is ACTIVE, runs no update; the target is offered",
        currentVersion,
        null,
        null);
  }

  public static String controlPlaneStepId(KubernetesVersion to) {
    return "control-plane-" + to;
  }
}
