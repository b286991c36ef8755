package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioInstallation.Revision;
import io.eksupgrader.workflows.model.IstioInstallation.RevisionTag;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The steps that move the cluster's own components before its control plane, in seed 003's order:
 * Karpenter, then Istio one minor at a time, then (elsewhere) the add-ons and the control plane.
 * Pure: the same installations and options always give the same steps.
 *
 * <p>Karpenter, behind the {@value #KARPENTER_GATE} gate: when its CRDs still store v1beta1 and the
 * target version stops serving it, their objects are rewritten first; then the {@code
 * karpenter-crd} chart (CRDs before the controller, as Karpenter's upgrade guide says), then the
 * {@code karpenter} chart and a wait until the controller runs the new version; then the
 * EC2NodeClasses that the target needs on AL2023. With the {@code external} strategy one step
 * verifies what the operator changed through GitOps.
 *
 * <p>Istio, per minor (1.26 → 1.27 → 1.28), each behind its own gate: install the new revision
 * beside the old (base CRDs first), move the namespaces and restart their workloads, upgrade the
 * gateways in place, validate, and only then, behind a gate of its own, remove the old revision.
 * Namespaces that select the old revision through a revision tag move by switching the tag;
 * the others are relabelled {@code istio.io/rev=<new>}.
 */
public final class ComponentPlanner {

  public static final String KARPENTER_GATE = "karpenter";
  public static final String KARPENTER_STORAGE_STEP = "karpenter-storage";
  public static final String KARPENTER_CRDS_STEP = "karpenter-crds";
  public static final String KARPENTER_CONTROLLER_STEP = "karpenter-controller";
  public static final String KARPENTER_NODE_CLASSES_STEP = "karpenter-node-classes";
  public static final String KARPENTER_EXTERNAL_STEP = "karpenter";
  public static final String KARPENTER_CRD_CHART = "karpenter-crd";
  public static final String KARPENTER_CHART = "karpenter";
  /** The tag that namespaces labelled {@code istio-injection=enabled} follow. */
  public static final String DEFAULT_TAG = "default";

  private ComponentPlanner() {}

  /** What makes the component phases impossible; each says what to do. */
  public static List<String> blockers(
      KarpenterInstallation karpenter, IstioInstallation istio, ComponentOptions options) {
    List<String> blockers = new ArrayList<>();
    if (karpenter != null && karpenter.installed()) {
      blockers.addAll(karpenterBlockers(karpenter, options.karpenterOrDefaults()));
    }
    if (istio != null && istio.installed()) {
      blockers.addAll(istioBlockers(istio, options.istioOrDefaults()));
    }
    return blockers;
  }

  private static List<String> karpenterBlockers(KarpenterInstallation k, KarpenterOptions options) {
    List<String> blockers = new ArrayList<>();
    if (k.target() == null) {
      return blockers;
    }
    blockers.addAll(k.target().blockers());
    boolean changes = karpenterChangesNeeded(k);
    switch (options.strategyOrDefault()) {
      case SKIP -> {
        if (changes) {
          blockers.add(
              "Karpenter "
                  + k.controllerVersion()
                  + " must change for this upgrade ("
                  + k.target().reason()
                  + ") but karpenter.strategy is skip: set it to helm or external, or upgrade Karpenter first");
        }
      }
      case HELM -> {
        if (changes && k.target().upgradeNeeded() && k.controllerRelease() == null) {
          blockers.add(
              "Karpenter's controller "
                  + k.namespace()
                  + "/"
                  + k.deployment()
                  + " is not a Helm release, so the worker cannot upgrade it: set karpenter.strategy to"
                  + " external and change it through your GitOps");
        }
      }
      case EXTERNAL -> {}
    }
    return blockers;
  }

  private static List<String> istioBlockers(IstioInstallation istio, IstioOptions options) {
    List<String> blockers = new ArrayList<>();
    if (istio.target() == null) {
      return blockers;
    }
    blockers.addAll(istio.target().blockers());
    if (!istio.target().upgradeNeeded()) {
      return blockers;
    }
    if (options.strategyOrDefault() == ComponentStrategy.SKIP) {
      blockers.add(
          "Istio "
              + istio.target().installedVersion()
              + " must change for this upgrade ("
              + istio.target().reason()
              + ") but istio.strategy is skip: set it to helm or external, or upgrade Istio first");
      return blockers;
    }
    Set<String> selected = new LinkedHashSet<>();
    istio.namespaces().forEach(n -> selected.add(n.revision()));
    if (selected.size() > 1) {
      blockers.add(
          "namespaces select more than one Istio revision ("
              + istio.namespaces().stream().map(n -> n.name() + " → " + n.revision()).collect(Collectors.joining(", "))
              + "): finish the canary in progress so that one revision serves the mesh, then start again");
      return blockers;
    }
    Revision serving = servingRevision(istio);
    if (serving == null) {
      blockers.add(
          "no single Istio revision serves the mesh (revisions: "
              + istio.revisions().stream().map(Revision::name).collect(Collectors.joining(", "))
              + "): label the mesh's namespaces for one of them, or remove the unused ones, then start again");
      return blockers;
    }
    for (String version : istio.target().versions()) {
      if (revisionName(version).equals(serving.name())) {
        blockers.add(
            "the new revision "
                + revisionName(version)
                + " has the name of the one that serves the mesh now: rename the installed revision, then start again");
      }
    }
    if (options.strategyOrDefault() == ComponentStrategy.HELM) {
      if (serving.release() == null) {
        blockers.add(
            "istiod revision "
                + serving.name()
                + " ("
                + serving.deployment()
                + ") is not a Helm release, so the worker cannot install the next one beside it with its"
                + " values: set istio.strategy to external and install revisions through your GitOps");
      }
      for (IstioInstallation.Gateway gateway : istio.gateways()) {
        if (gateway.release() == null) {
          blockers.add(
              "Istio gateway "
                  + gateway.namespace()
                  + "/"
                  + gateway.name()
                  + " is not a Helm release, so the worker cannot upgrade it in place: set istio.strategy"
                  + " to external");
        }
      }
    }
    return blockers;
  }

  /** Whether Karpenter must change at all: a new version, stored versions, or node classes. */
  public static boolean karpenterChangesNeeded(KarpenterInstallation k) {
    return k != null
        && k.installed()
        && k.target() != null
        && (k.target().upgradeNeeded() || !k.crdsToMigrate().isEmpty() || !k.nodeClassChanges().isEmpty());
  }

  /** The Karpenter steps; the first carries the {@value #KARPENTER_GATE} gate. */
  public static List<PlanStep> karpenterSteps(KarpenterInstallation k, KarpenterOptions options) {
    List<PlanStep> steps = new ArrayList<>();
    if (!karpenterChangesNeeded(k) || options.strategyOrDefault() == ComponentStrategy.SKIP) {
      return steps;
    }
    String from = k.controllerVersion();
    String to = k.target().finalVersion();
    if (!k.crdsToMigrate().isEmpty()) {
      steps.add(
          new PlanStep(
              KARPENTER_STORAGE_STEP,
              StepKind.KARPENTER_STORAGE,
              "rewrite the objects of "
                  + String.join(", ", k.crdsToMigrate())
                  + " at v1 and drop v1beta1 from their stored versions (Karpenter "
                  + to
                  + " no longer serves v1beta1)",
              from,
              to,
              null));
    }
    if (options.strategyOrDefault() == ComponentStrategy.EXTERNAL) {
      List<String> wanted = new ArrayList<>();
      if (k.target().upgradeNeeded()) {
        wanted.add("Karpenter " + from + " → " + to + " (karpenter-crd chart first, then karpenter)");
      }
      k.nodeClassChanges().forEach(c -> wanted.add("EC2NodeClass " + c.name() + ": " + c.change()));
      steps.add(
          new PlanStep(
              KARPENTER_EXTERNAL_STEP,
              StepKind.KARPENTER_EXTERNAL,
              "verify the Karpenter change made through GitOps: " + String.join("; ", wanted),
              from,
              to,
              null));
    } else {
      if (k.target().upgradeNeeded()) {
        String crdFrom = k.crdRelease() == null ? "installed by chart karpenter" : k.crdRelease().chartVersion();
        steps.add(
            new PlanStep(
                KARPENTER_CRDS_STEP,
                StepKind.KARPENTER_CRDS,
                "upgrade Karpenter's CRDs (chart karpenter-crd " + crdFrom + " → " + to + ") before its controller",
                from,
                to,
                null));
        steps.add(
            new PlanStep(
                KARPENTER_CONTROLLER_STEP,
                StepKind.KARPENTER_CONTROLLER,
                "upgrade the Karpenter controller (chart karpenter "
                    + (k.controllerRelease() == null ? from : k.controllerRelease().chartVersion())
                    + " → "
                    + to
                    + ") and wait until it runs "
                    + to
                    + ", Ready",
                from,
                to,
                null));
      }
      if (!k.nodeClassChanges().isEmpty()) {
        steps.add(
            new PlanStep(
                KARPENTER_NODE_CLASSES_STEP,
                StepKind.KARPENTER_NODE_CLASSES,
                "move EC2NodeClass(es) to AL2023: "
                    + k.nodeClassChanges().stream()
                        .map(c -> c.name() + " (" + c.change() + ")")
                        .collect(Collectors.joining(", ")),
                from,
                to,
                null));
      }
    }
    if (!steps.isEmpty()) {
      PlanStep first = steps.get(0);
      steps.set(0, withGate(first, KARPENTER_GATE));
    }
    return steps;
  }

  /** The Istio steps, one group per minor; each minor's install carries its gate. */
  public static List<PlanStep> istioSteps(IstioInstallation istio, IstioOptions options) {
    List<PlanStep> steps = new ArrayList<>();
    if (istio == null
        || !istio.installed()
        || istio.target() == null
        || !istio.target().upgradeNeeded()
        || options.strategyOrDefault() == ComponentStrategy.SKIP) {
      return steps;
    }
    Revision serving = servingRevision(istio);
    if (serving == null) {
      return steps;
    }
    boolean external = options.strategyOrDefault() == ComponentStrategy.EXTERNAL;
    String fromRevision = serving.name();
    String fromVersion = serving.version();
    for (String version : istio.target().versions()) {
      String revision = revisionName(version);
      String minor = minorOf(version);
      steps.add(
          new PlanStep(
              istioStepId(minor, "install"),
              StepKind.ISTIO_INSTALL,
              (external ? "verify that your GitOps installed" : "install")
                  + " Istio revision "
                  + revision
                  + " (istiod "
                  + version
                  + ") beside "
                  + fromRevision
                  + " ("
                  + fromVersion
                  + ")"
                  + (external ? "" : ", after Istio's base CRDs"),
              fromVersion,
              version,
              istioGate(minor),
              null,
              revision));
      steps.add(
          new PlanStep(
              istioStepId(minor, "workloads"),
              StepKind.ISTIO_WORKLOADS,
              "move the mesh to "
                  + revision
                  + ": "
                  + describeMove(istio, revision)
                  + "; restart their workloads "
                  + options.restartBatchOrDefault()
                  + " at a time until every sidecar runs "
                  + version,
              fromVersion,
              version,
              null,
              null,
              revision));
      if (!istio.gateways().isEmpty()) {
        steps.add(
            new PlanStep(
                istioStepId(minor, "gateways"),
                StepKind.ISTIO_GATEWAYS,
                (external ? "verify that your GitOps upgraded" : "upgrade in place")
                    + " the gateway(s) "
                    + istio.gateways().stream().map(g -> g.namespace() + "/" + g.name()).collect(Collectors.joining(", "))
                    + " to "
                    + revision
                    + " ("
                    + version
                    + ")",
                fromVersion,
                version,
                external ? istioStepId(minor, "gateways") : null,
                null,
                revision));
      }
      steps.add(
          new PlanStep(
              istioStepId(minor, "validate"),
              StepKind.ISTIO_VALIDATE,
              "validate revision "
                  + revision
                  + ": istioctl analyze when installed, istiod health, sidecars left on other revisions",
              fromVersion,
              version,
              null,
              null,
              revision));
      String oldMinor = minorOf(fromVersion);
      steps.add(
          new PlanStep(
              istioStepId(oldMinor, "remove"),
              StepKind.ISTIO_REMOVE,
              (external ? "verify that your GitOps removed" : "remove")
                  + " the old Istio revision "
                  + fromRevision
                  + " ("
                  + fromVersion
                  + ") once nothing uses it",
              fromVersion,
              version,
              istioStepId(oldMinor, "remove"),
              null,
              fromRevision));
      fromRevision = revision;
      fromVersion = version;
    }
    return steps;
  }

  /** The revision that serves the mesh now: the one every meshed namespace selects. */
  public static Revision servingRevision(IstioInstallation istio) {
    Set<String> selected =
        istio.namespaces().stream().map(MeshNamespace::revision).collect(Collectors.toCollection(LinkedHashSet::new));
    if (selected.size() > 1) {
      return null;
    }
    if (selected.size() == 1) {
      String name = selected.iterator().next();
      return istio.revisions().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }
    return istio.revisions().size() == 1 ? istio.revisions().get(0) : null;
  }

  /** Istio's revision naming, as seed 003 writes it: 1.28.3 gives {@code 1-28}. */
  public static String revisionName(String version) {
    return minorOf(version).replace('.', '-');
  }

  /** 1.28.3 gives 1.28. */
  public static String minorOf(String version) {
    String[] parts = version.split("\\.");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
  }

  public static String istioStepId(String minor, String part) {
    return "istio-" + minor + "-" + part;
  }

  public static String istioGate(String minor) {
    return "istio-" + minor;
  }

  /**
   * The namespaces' labels once the mesh runs {@code revision}: a namespace that selects its revision
   * through a tag (its {@code istio.io/rev} names a tag, or {@code istio-injection=enabled} with a
   * {@value #DEFAULT_TAG} tag) keeps its labels, as the tag moves; any other is relabelled {@code
   * istio.io/rev=<revision>} without {@code istio-injection}. Every namespace then resolves to it.
   */
  public static List<MeshNamespace> selectionAfter(IstioInstallation istio, String revision) {
    List<MeshNamespace> result = new ArrayList<>();
    for (MeshNamespace ns : istio.namespaces()) {
      if (followsTag(istio, ns)) {
        result.add(new MeshNamespace(ns.name(), ns.injection(), ns.rev(), revision));
      } else {
        result.add(new MeshNamespace(ns.name(), null, revision, revision));
      }
    }
    return result;
  }

  /** The revision tags once the mesh runs {@code revision}: every tag points to it. */
  public static List<RevisionTag> tagsAfter(IstioInstallation istio, String revision) {
    return istio.tags().stream().map(t -> new RevisionTag(t.name(), revision)).toList();
  }

  private static boolean followsTag(IstioInstallation istio, MeshNamespace ns) {
    Set<String> tags = istio.tags().stream().map(RevisionTag::name).collect(Collectors.toSet());
    if (ns.rev() != null) {
      return tags.contains(ns.rev());
    }
    return "enabled".equals(ns.injection()) && tags.contains(DEFAULT_TAG);
  }

  private static String describeMove(IstioInstallation istio, String revision) {
    List<String> parts = new ArrayList<>();
    if (!istio.tags().isEmpty()) {
      parts.add(
          "switch tag(s) " + istio.tags().stream().map(RevisionTag::name).collect(Collectors.joining(", ")) + " to " + revision);
    }
    List<String> relabel =
        istio.namespaces().stream().filter(ns -> !followsTag(istio, ns)).map(MeshNamespace::name).toList();
    if (!relabel.isEmpty()) {
      parts.add("relabel namespace(s) " + String.join(", ", relabel) + " istio.io/rev=" + revision);
    }
    List<String> byTag = istio.namespaces().stream().filter(ns -> followsTag(istio, ns)).map(MeshNamespace::name).toList();
    if (!byTag.isEmpty()) {
      parts.add("namespace(s) " + String.join(", ", byTag) + " follow their tag");
    }
    return parts.isEmpty() ? "no namespace selects a revision" : String.join("; ", parts);
  }

  private static PlanStep withGate(PlanStep step, String gate) {
    return new PlanStep(
        step.id(), step.kind(), step.title(), step.fromVersion(), step.toVersion(), gate, step.nodeGroup(), step.target());
  }
}
