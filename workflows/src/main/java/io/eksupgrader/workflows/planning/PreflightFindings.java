package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.eksupgrader.workflows.model.StepKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Pre-flight's findings: the ones the workflow makes itself (Karpenter's and Istio's versions, the
 * data-plane passes the skew rule inserted, checks that could not run), and how they are counted,
 * ordered and told. Pure: the same findings always give the same order and text.
 */
public final class PreflightFindings {

  /** Blockers first, then warnings, then the rest; within each by check, minor and subject. */
  public static final Comparator<PreflightFinding> ORDER =
      Comparator.comparing(PreflightFinding::severity)
          .thenComparing(PreflightFinding::check)
          .thenComparing(f -> f.minor() == null ? "" : f.minor())
          .thenComparing(f -> f.subject() == null ? "" : f.subject());

  private PreflightFindings() {}

  public static List<PreflightFinding> sorted(List<PreflightFinding> findings) {
    return findings.stream().sorted(ORDER).toList();
  }

  public static List<PreflightFinding> blockers(List<PreflightFinding> findings) {
    return findings.stream().filter(f -> f.severity() == Severity.BLOCKER).toList();
  }

  public static List<PreflightFinding> warnings(List<PreflightFinding> findings) {
    return findings.stream().filter(f -> f.severity() == Severity.WARNING).toList();
  }

  /** E.g. "2 blocker(s), 1 warning(s), 4 info". */
  public static String count(List<PreflightFinding> findings) {
    return blockers(findings).size()
        + " blocker(s), "
        + warnings(findings).size()
        + " warning(s), "
        + findings.stream().filter(f -> f.severity() == Severity.INFO).count()
        + " info";
  }

  /** The blockers, each with its subject, summary and remedy. */
  public static String describeBlockers(List<PreflightFinding> blockers) {
    return blockers.size()
        + " pre-flight blocker(s): "
        + blockers.stream()
            .map(f -> "[" + f.check() + "] " + (f.subject() == null ? "" : f.subject() + ": ") + f.summary()
                + (f.remedy() == null ? "" : " (" + f.remedy() + ")"))
            .collect(Collectors.joining("; "));
  }

  /** A check whose activity failed after its retries: the operator must look by hand. */
  public static PreflightFinding checkFailed(String check, String error) {
    return new PreflightFinding(
        PreflightActivities.CHECK_FAILED,
        Severity.WARNING,
        check,
        null,
        "the " + check + " check could not run",
        List.of(error),
        "look at it by hand, or fix what the error names (permissions, an API the cluster lacks) and start again");
  }

  /**
   * Karpenter's and Istio's versions against the compatibility tables: what they must move to
   * (info), and what makes the move impossible (blockers, from {@link ComponentPlanner#blockers}).
   */
  public static List<PreflightFinding> components(
      KarpenterInstallation karpenter,
      IstioInstallation istio,
      List<String> karpenterBlockers,
      List<String> istioBlockers) {
    List<PreflightFinding> findings = new ArrayList<>();
    if (karpenter != null && karpenter.installed() && karpenter.target() != null) {
      findings.add(
          new PreflightFinding(
              PreflightActivities.KARPENTER_VERSION,
              Severity.INFO,
              "Karpenter " + karpenter.controllerVersion(),
              null,
              karpenter.target().upgradeNeeded()
                  ? "moves to " + karpenter.target().finalVersion() + " before the control plane"
                  : "stays: it supports every minor on the way",
              List.of(karpenter.target().reason(), "source: " + karpenter.target().source()),
              null));
      karpenterBlockers.forEach(
          b -> findings.add(
              new PreflightFinding(
                  PreflightActivities.KARPENTER_VERSION, Severity.BLOCKER, "Karpenter " + karpenter.controllerVersion(), null, b,
                  List.of(), null)));
    }
    if (istio != null && istio.installed() && istio.target() != null) {
      findings.add(
          new PreflightFinding(
              PreflightActivities.ISTIO_VERSION,
              Severity.INFO,
              "Istio " + istio.target().installedVersion(),
              null,
              istio.target().upgradeNeeded()
                  ? "moves through " + String.join(" → ", istio.target().versions()) + " by canary revisions"
                  : "stays: it supports every minor on the way",
              List.of(istio.target().reason(), "source: " + istio.target().source()),
              null));
      istioBlockers.forEach(
          b -> findings.add(
              new PreflightFinding(
                  PreflightActivities.ISTIO_VERSION, Severity.BLOCKER, "Istio " + istio.target().installedVersion(), null, b,
                  List.of(), null)));
    }
    return findings;
  }

  /** One info finding per data-plane pass the planner inserted for the skew rule. */
  public static List<PreflightFinding> skewPasses(io.eksupgrader.workflows.model.UpgradePlan plan) {
    Map<String, List<String>> passes = new LinkedHashMap<>();
    String gate = null;
    for (PlanStep step : plan.steps()) {
      if (step.gate() != null) {
        gate = step.gate().startsWith(UpgradePlanner.DATA_PLANE_GATE + "-") ? step.gate() : null;
      }
      if (gate != null && (step.kind() == StepKind.NODE_GROUP || step.kind() == StepKind.SELF_MANAGED_GROUP)) {
        passes.computeIfAbsent(step.toVersion(), k -> new ArrayList<>()).add(step.nodeGroup() + " (" + step.fromVersion() + ")");
      }
    }
    List<PreflightFinding> findings = new ArrayList<>();
    passes.forEach(
        (version, groups) -> {
          String next = nextMinor(version);
          findings.add(
              new PreflightFinding(
                  PreflightActivities.VERSION_SKEW,
                  Severity.INFO,
                  String.join(", ", groups),
                  next,
                  "kubelets too far behind for control plane " + next + ": the plan replaces these node groups at "
                      + version + " before it",
                  groups.stream().map(g -> "node group " + g).toList(),
                  null));
        });
    return findings;
  }

  private static String nextMinor(String version) {
    return Objects.toString(
        io.eksupgrader.workflows.model.KubernetesVersion.parse(version).nextMinor());
  }
}
