package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.HelmActivities;
import io.eksupgrader.workflows.activities.HelmActivities.UpgradeResult;
import io.eksupgrader.workflows.activities.IstioActivities;
import io.eksupgrader.workflows.activities.IstioActivities.GatewayResult;
import io.eksupgrader.workflows.activities.IstioActivities.MoveResult;
import io.eksupgrader.workflows.activities.IstioActivities.RevisionStatus;
import io.eksupgrader.workflows.activities.IstioActivities.RevisionUsage;
import io.eksupgrader.workflows.activities.IstioActivities.Validation;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.IstioInstallation.Gateway;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioInstallation.Revision;
import io.eksupgrader.workflows.model.IstioInstallation.RevisionTag;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.planning.ComponentPlanner;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Istio steps of one upgrade, one canary revision per Istio minor, run in the workflow's thread.
 *
 * <p>Revisions follow each other: the one serving the mesh at pre-flight (R0), then one per
 * version of the path (R1 for 1.27, R2 for 1.28). For each: install Ri beside R(i-1) (Istio's base
 * CRDs first, the new istiod with the old one's values and {@code revision=Ri}); move the mesh
 * (tags switched, other namespaces relabelled, workloads restarted in batches until every sidecar
 * runs Ri's proxy); upgrade the gateways in place; validate; and, behind a gate, remove R(i-1)
 * after checking that nothing uses it any more.
 *
 * <p>The rollback of a step of Ri puts the mesh back on R(i-1): the namespaces' labels and tags as
 * they were before Ri (pre-flight's record for R1), their workloads restarted onto R(i-1)'s proxy,
 * and the gateways' Helm releases back at the revision they had. Ri itself stays installed, unused.
 */
final class IstioPhase {

  private final HelmActivities helm = Workflow.newActivityStub(HelmActivities.class);
  private final IstioActivities istio = Workflow.newActivityStub(IstioActivities.class);

  private final ClusterRef cluster;
  private final ComponentInspectionRequest inspection;
  private final IstioInstallation found;
  private final IstioOptions options;
  /** R0, R1, …: the revision serving the mesh at pre-flight, then one per version of the path. */
  private final List<String> revisions = new ArrayList<>();
  private final List<String> versions = new ArrayList<>();
  /** Revisions whose workload move started: the rollback moves them back. */
  private final Set<String> moving = new LinkedHashSet<>();
  /** Per revision, the Helm revision each gateway release had before its in-place upgrade to it. */
  private final Map<String, Map<String, Integer>> gatewayReleaseBefore = new HashMap<>();
  /** Each gateway release's Helm revision after this upgrade's last change to it. */
  private final Map<String, Integer> gatewayReleaseNow = new HashMap<>();
  private final Map<String, Validation> validations = new HashMap<>();

  IstioPhase(ComponentInspectionRequest inspection, IstioInstallation found, IstioOptions options) {
    this.cluster = inspection.cluster();
    this.inspection = inspection;
    this.found = found;
    this.options = options;
    Revision serving = ComponentPlanner.servingRevision(found);
    revisions.add(serving.name());
    versions.add(serving.version());
    for (String version : found.target().versions()) {
      revisions.add(ComponentPlanner.revisionName(version));
      versions.add(version);
    }
  }

  private boolean external() {
    return options.strategyOrDefault() == ComponentStrategy.EXTERNAL;
  }

  String run(PlanStep step) {
    return switch (step.kind()) {
      case ISTIO_INSTALL -> install(step.target());
      case ISTIO_WORKLOADS -> moveWorkloads(step.target());
      case ISTIO_GATEWAYS -> upgradeGateways(step.target());
      case ISTIO_VALIDATE -> validate(step.target());
      case ISTIO_REMOVE -> remove(step.target());
      default -> throw new IllegalArgumentException("not an Istio step: " + step.id());
    };
  }

  private int indexOf(String revision) {
    int index = revisions.indexOf(revision);
    if (index < 0) {
      throw new IllegalArgumentException("revision " + revision + " is not on this upgrade's path " + revisions);
    }
    return index;
  }

  private String versionOf(String revision) {
    return versions.get(indexOf(revision));
  }

  /** The Helm release of a revision: pre-flight's for R0, {@code istiod-<Ri>} for one this upgrade installs. */
  private String releaseOf(String revision) {
    if (indexOf(revision) == 0) {
      Revision serving = ComponentPlanner.servingRevision(found);
      return serving.release() == null ? null : serving.release().name();
    }
    return "istiod-" + revision;
  }

  private String install(String revision) {
    String version = versionOf(revision);
    List<String> parts = new ArrayList<>();
    if (!external()) {
      if (found.baseRelease() != null) {
        UpgradeResult base =
            helm.upgradeRelease(
                new HelmActivities.UpgradeRequest(
                    cluster,
                    found.baseRelease().name(),
                    found.baseRelease().namespace(),
                    "base",
                    options.chartSourceOrDefault(),
                    version,
                    Map.of(),
                    null,
                    false,
                    List.of(),
                    "eks-upgrader: Istio base CRDs " + version));
        parts.add("base CRDs: " + KarpenterPhase.describe(base));
      } else {
        parts.add("Istio's base CRDs are not a Helm release here and were left as they are");
      }
      String previous = revisions.get(indexOf(revision) - 1);
      UpgradeResult istiod =
          helm.upgradeRelease(
              new HelmActivities.UpgradeRequest(
                  cluster,
                  releaseOf(revision),
                  found.namespace(),
                  "istiod",
                  options.chartSourceOrDefault(),
                  version,
                  Map.of("revision", revision),
                  releaseOf(previous),
                  true,
                  List.of(),
                  "eks-upgrader: Istio revision " + revision + " (" + version + ") beside " + previous));
      parts.add("istiod: " + KarpenterPhase.describe(istiod));
    }
    RevisionStatus status =
        istio.awaitRevision(new IstioActivities.RevisionRequest(cluster, found.namespace(), revision, version, !external()));
    parts.add(
        "istiod "
            + status.deployment()
            + " runs "
            + status.version()
            + " with "
            + status.readyReplicas()
            + " Ready replica(s); injector "
            + status.webhook());
    return String.join("; ", parts);
  }

  private String moveWorkloads(String revision) {
    moving.add(revision);
    MoveResult result =
        istio.moveWorkloads(
            new IstioActivities.MoveRequest(
                cluster,
                found.namespace(),
                revision,
                versionOf(revision),
                ComponentPlanner.selectionAfter(found, revision),
                ComponentPlanner.tagsAfter(found, revision),
                options.restartBatchOrDefault()));
    return describe(result, revision);
  }

  private static String describe(MoveResult result, String revision) {
    return (result.tagsSwitched().isEmpty() ? "" : "tags switched: " + String.join(", ", result.tagsSwitched()) + "; ")
        + (result.relabeled().isEmpty() ? "" : "namespaces relabelled: " + String.join(", ", result.relabeled()) + "; ")
        + (result.restarted().isEmpty() ? "nothing to restart" : "restarted " + String.join(", ", result.restarted()))
        + "; "
        + result.podsAtRevision()
        + " injected pod(s) run "
        + revision
        + (result.notMoved().isEmpty() ? "" : "; not moved: " + String.join(", ", result.notMoved()));
  }

  private String upgradeGateways(String revision) {
    String version = versionOf(revision);
    List<String> parts = new ArrayList<>();
    if (!external()) {
      Map<String, Integer> before = gatewayReleaseBefore.computeIfAbsent(revision, r -> new HashMap<>());
      for (Gateway gateway : found.gateways()) {
        // Recorded before the call: a rollback after a half-done upgrade still knows where to go.
        before.putIfAbsent(
            gateway.release().name(),
            gatewayReleaseNow.getOrDefault(gateway.release().name(), gateway.release().revision()));
        UpgradeResult result =
            helm.upgradeRelease(
                new HelmActivities.UpgradeRequest(
                    cluster,
                    gateway.release().name(),
                    gateway.release().namespace(),
                    "gateway",
                    options.chartSourceOrDefault(),
                    version,
                    Map.of("revision", revision),
                    null,
                    false,
                    List.of(),
                    "eks-upgrader: gateway in place to " + revision + " (" + version + ")"));
        gatewayReleaseNow.put(gateway.release().name(), result.revision());
        parts.add(gateway.namespace() + "/" + gateway.name() + ": " + KarpenterPhase.describe(result));
      }
    }
    GatewayResult result =
        istio.awaitGateways(new IstioActivities.GatewayRequest(cluster, found.gateways(), revision, version, !external()));
    parts.add("gateway pods run " + version + ": " + String.join(", ", result.atVersion()));
    return String.join("; ", parts);
  }

  private String validate(String revision) {
    Validation validation =
        istio.validateRevision(
            new IstioActivities.RevisionRequest(cluster, found.namespace(), revision, versionOf(revision), false));
    validations.put(revision, validation);
    return describe(validation);
  }

  private static String describe(Validation validation) {
    return "istiod: "
        + validation.istiodHealth()
        + "; istioctl analyze: "
        + (validation.findings().isEmpty() ? "no findings" : String.join("; ", validation.findings()))
        + "; sidecars on other revisions: "
        + (validation.podsOnOtherRevisions().isEmpty() ? "none" : String.join(", ", validation.podsOnOtherRevisions()));
  }

  /** Removes an old revision, but only after checking right before that nothing uses it any more. */
  private String remove(String oldRevision) {
    RevisionUsage usage =
        istio.revisionUsage(
            new IstioActivities.RevisionRequest(cluster, found.namespace(), oldRevision, versionOf(oldRevision), false));
    if (!usage.unused()) {
      throw new StepCheckFailed(
          "refusing to remove Istio revision "
              + oldRevision
              + ": still used by "
              + describe(usage)
              + ". Move them to the new revision (or wait for their restarts), then decide retry; or skip to keep "
              + oldRevision);
    }
    if (external()) {
      IstioInstallation now = istio.inspectIstio(inspection);
      if (now.revisions().stream().anyMatch(r -> r.name().equals(oldRevision))) {
        throw new StepCheckFailed(
            "Istio revision " + oldRevision + " is still installed: remove it through your GitOps, then decide retry");
      }
      return "revision " + oldRevision + " is gone and nothing used it";
    }
    String release = releaseOf(oldRevision);
    if (release == null) {
      throw new StepCheckFailed("revision " + oldRevision + " is not a Helm release: remove it by hand, then decide retry or skip");
    }
    HelmActivities.UninstallResult result =
        helm.uninstallRelease(new HelmActivities.ReleaseRef(cluster, release, found.namespace()));
    return "nothing used revision "
        + oldRevision
        + "; release "
        + release
        + (result.uninstalled() ? " uninstalled" : " was already gone");
  }

  private static String describe(RevisionUsage usage) {
    List<String> parts = new ArrayList<>();
    if (!usage.pods().isEmpty()) {
      parts.add("pods " + String.join(", ", usage.pods()));
    }
    if (!usage.namespaces().isEmpty()) {
      parts.add("namespaces " + String.join(", ", usage.namespaces()));
    }
    if (!usage.tags().isEmpty()) {
      parts.add("tags " + String.join(", ", usage.tags()));
    }
    return String.join("; ", parts);
  }

  /** The text of the gate on a step of this phase. */
  String gateSummary(PlanStep step) {
    String revision = step.target();
    if (step.kind() == StepKind.ISTIO_REMOVE) {
      int index = indexOf(revision);
      String next = revisions.get(index + 1);
      Validation validation = validations.get(next);
      return step.title()
          + ". Validation of "
          + next
          + ": "
          + (validation == null ? "not run" : describe(validation))
          + (external() ? ". Remove it through your GitOps (helm uninstall " + releaseOrDeployment(revision) + "), then approve" : "");
    }
    int index = indexOf(revision);
    String previous = revisions.get(index - 1);
    String version = versionOf(revision);
    if (step.kind() == StepKind.ISTIO_GATEWAYS) {
      return "upgrade the gateways "
          + found.gateways().stream().map(g -> g.namespace() + "/" + g.name()).collect(Collectors.joining(", "))
          + " in place through your GitOps: chart gateway "
          + version
          + " with revision="
          + revision
          + "; then approve and the step verifies their pods run "
          + version;
    }
    String reason = found.target().reason() + " (" + found.target().source() + ")";
    if (external()) {
      return "Istio "
          + versionOf(previous)
          + " → "
          + version
          + ": "
          + reason
          + ". Install through your GitOps: chart base "
          + version
          + ", then chart istiod "
          + version
          + " as release istiod-"
          + revision
          + " with revision="
          + revision
          + " beside "
          + previous
          + "; then approve. The upgrade then moves the namespaces and restarts their workloads";
    }
    return "Istio "
        + versionOf(previous)
        + " → "
        + version
        + ": "
        + reason
        + ". Install revision "
        + revision
        + " beside "
        + previous
        + ", move the mesh to it and restart its workloads "
        + options.restartBatchOrDefault()
        + " at a time, upgrade the gateways in place; "
        + previous
        + " is removed only behind gate "
        + ComponentPlanner.istioStepId(ComponentPlanner.minorOf(versionOf(previous)), "remove");
  }

  private String releaseOrDeployment(String revision) {
    String release = releaseOf(revision);
    return release != null ? release + " -n " + found.namespace() : "of istiod " + revision;
  }

  /**
   * Puts the mesh back on the revision before {@code step}'s. Never throws: what could not be put
   * back is named with the command that does it.
   */
  String rollback(PlanStep step) {
    String revision = step.kind() == StepKind.ISTIO_REMOVE ? revisions.get(indexOf(step.target()) + 1) : step.target();
    int index = indexOf(revision);
    String previous = revisions.get(index - 1);
    List<String> done = new ArrayList<>();
    Map<String, Integer> gateways = gatewayReleaseBefore.getOrDefault(revision, Map.of());
    for (Gateway gateway : found.gateways()) {
      Integer before = gateways.get(gateway.release() == null ? null : gateway.release().name());
      if (before != null) {
        done.add(
            Rollbacks.attempt(
                "roll back gateway " + gateway.name(),
                () -> {
                  UpgradeResult result =
                      helm.rollbackRelease(
                          new HelmActivities.RollbackRequest(
                              cluster, gateway.release().name(), gateway.release().namespace(), "gateway", options.chartSourceOrDefault(), before));
                  return "gateway " + gateway.name() + " back at chart " + result.version();
                },
                "helm rollback " + gateway.release().name() + " " + before + " -n " + gateway.release().namespace()));
      }
    }
    if (moving.contains(revision)) {
      List<MeshNamespace> namespaces =
          index == 1 ? found.namespaces() : ComponentPlanner.selectionAfter(found, previous);
      List<RevisionTag> tags = index == 1 ? found.tags() : ComponentPlanner.tagsAfter(found, previous);
      done.add(
          Rollbacks.attempt(
              "move the mesh back to " + previous,
              () -> {
                MoveResult result =
                    istio.moveWorkloads(
                        new IstioActivities.MoveRequest(
                            cluster, found.namespace(), previous, versionOf(previous), namespaces, tags, options.restartBatchOrDefault()));
                return "mesh back on " + previous + ": " + describe(result, previous);
              },
              "label the namespaces back (" + namespaces.stream().map(IstioPhase::labels).collect(Collectors.joining(", "))
                  + "), set the tags back to " + previous + " and rollout restart their workloads"));
    }
    if (done.isEmpty()) {
      return "the mesh was not moved; revision " + revision + " stays installed, unused";
    }
    done.add("revision " + revision + " stays installed, unused (helm uninstall " + releaseOrDeployment(revision) + " removes it)");
    return String.join("; ", done);
  }

  private static String labels(MeshNamespace ns) {
    return ns.name()
        + (ns.injection() != null ? " istio-injection=" + ns.injection() : "")
        + (ns.rev() != null ? " istio.io/rev=" + ns.rev() : "");
  }


  /** The revision the mesh should end on. */
  String finalRevision() {
    return revisions.get(revisions.size() - 1);
  }

  String finalVersion() {
    return versions.get(versions.size() - 1);
  }
}
