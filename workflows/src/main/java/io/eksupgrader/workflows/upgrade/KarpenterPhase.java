package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.HelmActivities;
import io.eksupgrader.workflows.activities.HelmActivities.UpgradeResult;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities.NodeClassPatch;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities.NodeClassResult;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities.NodeClassSpec;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities.ReadyResult;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities.StorageMigrationResult;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.HelmReleaseInfo;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.model.KarpenterInstallation.CrdInfo;
import io.eksupgrader.workflows.model.KarpenterInstallation.NodeClassInfo;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.planning.ComponentPlanner;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Karpenter steps of one upgrade, run in the workflow's thread (no I/O of its own).
 *
 * <p>The rollback point is what pre-flight recorded before any change: the revisions of the {@code
 * karpenter} and {@code karpenter-crd} releases and every EC2NodeClass's spec. Each step notes
 * that it is about to change something before it calls the activity that does, so that an abort
 * after a half-done step still puts it back. The rollback restores the node classes first, then the
 * controller's chart, then the CRDs' chart (the reverse of the order they moved in). It never
 * uninstalls a CRD release that the upgrade installed: that would delete every NodePool.
 */
final class KarpenterPhase {

  private final HelmActivities helm = Workflow.newActivityStub(HelmActivities.class);
  private final KarpenterUpgradeActivities karpenter =
      Workflow.newActivityStub(KarpenterUpgradeActivities.class);

  private final ClusterRef cluster;
  private final ComponentInspectionRequest inspection;
  private final KarpenterInstallation found;
  private final KarpenterOptions options;
  private boolean crdsTouched;
  private boolean controllerTouched;
  private boolean nodeClassesTouched;

  KarpenterPhase(ComponentInspectionRequest inspection, KarpenterInstallation found, KarpenterOptions options) {
    this.cluster = inspection.cluster();
    this.inspection = inspection;
    this.found = found;
    this.options = options;
  }

  String run(PlanStep step) {
    return switch (step.kind()) {
      case KARPENTER_STORAGE -> migrateStoredVersions();
      case KARPENTER_CRDS -> upgradeCrds();
      case KARPENTER_CONTROLLER -> upgradeController();
      case KARPENTER_NODE_CLASSES -> moveNodeClasses();
      case KARPENTER_EXTERNAL -> verifyExternalChange();
      default -> throw new IllegalArgumentException("not a Karpenter step: " + step.id());
    };
  }

  private String targetVersion() {
    return found.target().finalVersion();
  }

  private List<String> crdNames() {
    return found.crds().stream().map(CrdInfo::name).toList();
  }

  private String migrateStoredVersions() {
    StorageMigrationResult result =
        karpenter.migrateStoredVersions(
            new KarpenterUpgradeActivities.StorageMigrationRequest(cluster, found.crdsToMigrate()));
    return result.crdsMigrated().isEmpty()
        ? "every CRD already stores v1 only; nothing was rewritten"
        : result.objectsRewritten()
            + " object(s) rewritten at v1; stored versions of "
            + String.join(", ", result.crdsMigrated())
            + " are now [v1]";
  }

  private String upgradeCrds() {
    String release = found.crdRelease() != null ? found.crdRelease().name() : ComponentPlanner.KARPENTER_CRD_CHART;
    List<String> adopt =
        found.crds().stream().filter(c -> !release.equals(c.helmRelease())).map(CrdInfo::name).toList();
    crdsTouched = true;
    UpgradeResult result =
        helm.upgradeRelease(
            new HelmActivities.UpgradeRequest(
                cluster,
                release,
                found.namespace(),
                ComponentPlanner.KARPENTER_CRD_CHART,
                options.chartSourceOrDefault(),
                targetVersion(),
                Map.of(),
                null,
                true,
                adopt,
                "eks-upgrader: Karpenter CRDs " + targetVersion() + " for Kubernetes " + inspection.targetVersion()));
    ReadyResult ready =
        karpenter.awaitKarpenterReady(
            new KarpenterUpgradeActivities.ReadyRequest(
                cluster, found.namespace(), found.deployment(), null, crdNames(), true));
    return describe(result)
        + (adopt.isEmpty() ? "" : "; adopted " + String.join(", ", adopt) + " into release " + release)
        + "; Established: "
        + String.join(", ", ready.crdsEstablished());
  }

  private String upgradeController() {
    HelmReleaseInfo release = found.controllerRelease();
    controllerTouched = true;
    UpgradeResult result =
        helm.upgradeRelease(
            new HelmActivities.UpgradeRequest(
                cluster,
                release.name(),
                release.namespace(),
                ComponentPlanner.KARPENTER_CHART,
                options.chartSourceOrDefault(),
                targetVersion(),
                Map.of(),
                null,
                false,
                List.of(),
                "eks-upgrader: Karpenter " + targetVersion() + " for Kubernetes " + inspection.targetVersion()));
    ReadyResult ready =
        karpenter.awaitKarpenterReady(
            new KarpenterUpgradeActivities.ReadyRequest(
                cluster, found.namespace(), found.deployment(), targetVersion(), crdNames(), true));
    return describe(result)
        + "; controller "
        + found.namespace()
        + "/"
        + found.deployment()
        + " runs "
        + ready.controllerVersion()
        + " with "
        + ready.readyReplicas()
        + " Ready replica(s)";
  }

  private String moveNodeClasses() {
    nodeClassesTouched = true;
    NodeClassResult result =
        karpenter.updateNodeClasses(
            new KarpenterUpgradeActivities.NodeClassUpdate(
                cluster,
                found.nodeClassChanges().stream().map(c -> new NodeClassPatch(c.name(), c.patch())).toList()));
    return "EC2NodeClass(es) "
        + (result.changed().isEmpty() ? "none changed" : String.join(", ", result.changed()) + " changed")
        + (result.unchanged().isEmpty() ? "" : "; already as needed: " + String.join(", ", result.unchanged()))
        + "; Karpenter replaces their nodes by drift";
  }

  /** The operator changed Karpenter through GitOps; look whether the cluster shows it. */
  private String verifyExternalChange() {
    ReadyResult ready =
        karpenter.awaitKarpenterReady(
            new KarpenterUpgradeActivities.ReadyRequest(
                cluster,
                found.namespace(),
                found.deployment(),
                found.target().upgradeNeeded() ? targetVersion() : null,
                crdNames(),
                false));
    KarpenterInstallation now = karpenter.inspectKarpenterInstallation(inspection);
    List<String> pending =
        now.nodeClassChanges().stream().map(c -> "EC2NodeClass " + c.name() + " still needs " + c.change()).toList();
    if (!pending.isEmpty()) {
      throw new StepCheckFailed(
          String.join("; ", pending) + ". Change it through your GitOps, then decide retry (or skip to leave it)");
    }
    return "Karpenter runs " + ready.controllerVersion() + " with " + ready.readyReplicas()
        + " Ready replica(s); CRDs Established; every EC2NodeClass is as the target needs";
  }

  /** The text of the {@value ComponentPlanner#KARPENTER_GATE} gate: what changes and the rollback point. */
  String gateSummary() {
    List<String> parts = new ArrayList<>();
    if (found.target().upgradeNeeded()) {
      parts.add(
          "Karpenter "
              + found.controllerVersion()
              + " → "
              + targetVersion()
              + " ("
              + found.target().reason()
              + "; "
              + found.target().source()
              + ")");
    }
    if (!found.crdsToMigrate().isEmpty()) {
      parts.add("rewrite stored v1beta1 objects of " + String.join(", ", found.crdsToMigrate()) + " at v1");
    }
    for (NodeClassInfo change : found.nodeClassChanges()) {
      parts.add("EC2NodeClass " + change.name() + ": " + change.change() + " (its nodes drift to AL2023)");
    }
    if (options.strategyOrDefault() == ComponentStrategy.EXTERNAL) {
      parts.add(
          "apply these through your GitOps (chart karpenter-crd "
              + targetVersion()
              + " before chart karpenter "
              + targetVersion()
              + "), then approve; the step verifies the cluster");
    }
    if (!found.driftBlockedBy().isEmpty()) {
      parts.add("NodePools whose disruption budgets stop drift: " + String.join(", ", found.driftBlockedBy()));
    }
    parts.add("rollback point recorded: " + rollbackPoint());
    return String.join("; ", parts);
  }

  private String rollbackPoint() {
    List<String> points = new ArrayList<>();
    if (found.controllerRelease() != null) {
      points.add("release " + found.controllerRelease().name() + " revision " + found.controllerRelease().revision());
    }
    if (found.crdRelease() != null) {
      points.add("release " + found.crdRelease().name() + " revision " + found.crdRelease().revision());
    }
    if (!found.nodeClasses().isEmpty()) {
      points.add(
          "spec of EC2NodeClass(es) "
              + found.nodeClasses().stream().map(NodeClassInfo::name).collect(Collectors.joining(", ")));
    }
    return points.isEmpty() ? "nothing" : String.join(", ", points);
  }

  /**
   * Puts back what this upgrade changed in Karpenter, as far as it got. Never throws: what could
   * not be put back is named with the command that does it.
   */
  String rollback() {
    if (!crdsTouched && !controllerTouched && !nodeClassesTouched) {
      return "Karpenter was not changed";
    }
    if (options.strategyOrDefault() == ComponentStrategy.EXTERNAL) {
      return "Karpenter is changed through GitOps: revert it there (rollback point: " + rollbackPoint() + ")";
    }
    List<String> done = new ArrayList<>();
    if (nodeClassesTouched) {
      done.add(
          Rollbacks.attempt(
              "restore the EC2NodeClass specs",
              () -> {
                NodeClassResult result =
                    karpenter.restoreNodeClasses(
                        new KarpenterUpgradeActivities.NodeClassRestore(
                            cluster,
                            found.nodeClasses().stream().map(c -> new NodeClassSpec(c.name(), c.specJson())).toList()));
                return "EC2NodeClass(es) restored: "
                    + (result.changed().isEmpty() ? "none needed it" : String.join(", ", result.changed()));
              },
              "kubectl apply the recorded EC2NodeClass specs"));
    }
    if (controllerTouched && found.controllerRelease() != null) {
      done.add(rollbackRelease(found.controllerRelease(), ComponentPlanner.KARPENTER_CHART));
    }
    if (crdsTouched) {
      if (found.crdRelease() != null) {
        done.add(rollbackRelease(found.crdRelease(), ComponentPlanner.KARPENTER_CRD_CHART));
      } else {
        done.add(
            "the CRDs stay at "
                + targetVersion()
                + " in release "
                + ComponentPlanner.KARPENTER_CRD_CHART
                + " (uninstalling it would delete every NodePool; the v1 API they serve is the one "
                + found.controllerVersion()
                + " uses)");
      }
    }
    return String.join("; ", done);
  }

  private String rollbackRelease(HelmReleaseInfo release, String chart) {
    return Rollbacks.attempt(
        "roll back release " + release.name(),
        () -> {
          UpgradeResult result =
              helm.rollbackRelease(
                  new HelmActivities.RollbackRequest(
                      cluster, release.name(), release.namespace(), chart, options.chartSourceOrDefault(), release.revision()));
          return result.how() == UpgradeResult.How.ALREADY_AT_VERSION
              ? "release " + release.name() + " already runs chart " + result.version()
              : "release " + release.name() + " rolled back to chart " + result.version() + " (revision " + result.revision() + ")";
        },
        "helm rollback " + release.name() + " " + release.revision() + " -n " + release.namespace());
  }


  static String describe(UpgradeResult result) {
    return switch (result.how()) {
      case ALREADY_AT_VERSION -> "release " + result.release() + " already at chart " + result.version() + "; nothing was called";
      case INSTALLED -> "release " + result.release() + " installed at chart " + result.version() + " (revision " + result.revision() + ")";
      case UPGRADED, ROLLED_BACK ->
          "release "
              + result.release()
              + " "
              + result.fromVersion()
              + " → "
              + result.version()
              + " (revision "
              + result.fromRevision()
              + " → "
              + result.revision()
              + ")";
    };
  }
}
