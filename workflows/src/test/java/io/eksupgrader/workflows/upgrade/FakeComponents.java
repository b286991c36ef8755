package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.HelmActivities;
import io.eksupgrader.workflows.activities.IstioActivities;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.ComponentTarget;
import io.eksupgrader.workflows.model.HelmReleaseInfo;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.IstioInstallation.Gateway;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioInstallation.Revision;
import io.eksupgrader.workflows.model.IstioInstallation.RevisionTag;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.model.KarpenterInstallation.CrdInfo;
import io.eksupgrader.workflows.model.KarpenterInstallation.NodeClassInfo;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpenter, Istio and their Helm releases behind the activity interfaces, for workflow-logic tests
 * only. Without a call to {@link #karpenter} or {@link #istio} the cluster runs neither. Releases
 * keep a chart version per revision, as Helm's history does; every call is recorded in order
 * (also into the control plane's log when one is given, to assert the order across both).
 */
class FakeComponents implements HelmActivities, KarpenterUpgradeActivities, IstioActivities {

  private final FakeEks eks;
  private final List<String> calls = new ArrayList<>();
  /** Release name → chart version of each revision, oldest first. */
  private final Map<String, List<String>> releases = new LinkedHashMap<>();
  private final Map<String, String> releaseNamespace = new HashMap<>();
  private final Map<String, Integer> failuresLeft = new HashMap<>();

  private String karpenterVersion;
  private List<String> karpenterPath = List.of();
  private List<String> storedVersions = List.of("v1");
  private String nodeClassAlias;
  private boolean nodeClassPatched;

  private IstioInstallation istio;
  /** The revision the mesh's sidecars run now. */
  private String meshRevision;
  private final List<String> installedRevisions = new ArrayList<>();
  private boolean gatewayReleases = true;

  FakeComponents() {
    this(null);
  }

  FakeComponents(FakeEks eks) {
    this.eks = eks;
  }

  private void called(String call) {
    calls.add(call);
    if (eks != null) {
      synchronized (eks) {
        eks.calls.add(call);
      }
    }
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** The next {@code times} calls of the activity type fail non-retryably. */
  synchronized void fail(String activityType, int times) {
    failuresLeft.put(activityType, times);
  }

  private void maybeFail(String type, String message, String failureType) {
    int left = failuresLeft.getOrDefault(type, 0);
    if (left > 0) {
      failuresLeft.put(type, left - 1);
      throw ApplicationFailure.newNonRetryableFailure(message, failureType);
    }
  }

  /**
   * Karpenter at {@code version} installed with Helm, its CRDs storing {@code stored}, one node class
   * "default" with {@code alias}; the compatibility table's path is {@code path}.
   */
  synchronized void karpenter(String version, List<String> stored, String alias, List<String> path) {
    karpenterVersion = version;
    storedVersions = stored;
    nodeClassAlias = alias;
    karpenterPath = path;
    releases.put("karpenter", new ArrayList<>(List.of(version)));
    releases.put("karpenter-crd", new ArrayList<>(List.of(version)));
    releaseNamespace.put("karpenter", "kube-system");
    releaseNamespace.put("karpenter-crd", "kube-system");
  }

  /**
   * Istio at one revision {@code revision} ({@code version}), namespace shop selecting it through the
   * default tag and payments through its own label, one gateway; the table's path is {@code path}.
   */
  synchronized void istio(String revision, String version, List<String> path) {
    meshRevision = revision;
    installedRevisions.add(revision);
    releases.put("istio-base", new ArrayList<>(List.of(version)));
    releases.put("istiod-" + revision, new ArrayList<>(List.of(version)));
    releases.put("istio-ingressgateway", new ArrayList<>(List.of(version)));
    releaseNamespace.put("istio-base", "istio-system");
    releaseNamespace.put("istiod-" + revision, "istio-system");
    releaseNamespace.put("istio-ingressgateway", "istio-ingress");
    istio =
        new IstioInstallation(
            true,
            "istio-system",
            List.of(new Revision(revision, version, "istiod-" + revision, 1, release("istiod-" + revision, "istiod"))),
            List.of(new RevisionTag("default", revision)),
            List.of(
                new MeshNamespace("payments", null, revision, revision),
                new MeshNamespace("shop", "enabled", null, revision)),
            List.of(new Gateway("istio-ingress", "istio-ingressgateway", revision, version, release("istio-ingressgateway", "gateway"))),
            release("istio-base", "base"),
            new ComponentTarget(version, path, "Istio " + version + " does not support 1.34", "istio.io supported releases", List.of()));
  }

  /** The Istio installation as pre-flight finds it, with other namespaces (to build refusals). */
  synchronized void istioNamespaces(List<MeshNamespace> namespaces) {
    istio =
        new IstioInstallation(
            true, istio.namespace(), istio.revisions(), istio.tags(), namespaces, istio.gateways(), istio.baseRelease(), istio.target());
  }

  synchronized String meshRevision() {
    return meshRevision;
  }

  private HelmReleaseInfo release(String name, String chart) {
    List<String> history = releases.get(name);
    if (history == null) {
      return null;
    }
    String version = history.get(history.size() - 1);
    return new HelmReleaseInfo(name, releaseNamespace.get(name), chart, version, version, history.size(), "deployed");
  }

  // ---- Helm ----

  @Override
  public synchronized UpgradeResult upgradeRelease(UpgradeRequest request) {
    called(
        "UpgradeHelmRelease "
            + request.release()
            + " "
            + request.chart()
            + " "
            + request.version()
            + (request.values().isEmpty() ? "" : " " + new java.util.TreeMap<>(request.values()))
            + (request.valuesFrom() == null ? "" : " valuesFrom=" + request.valuesFrom())
            + (request.adoptCustomResourceDefinitions().isEmpty() ? "" : " adopt=" + request.adoptCustomResourceDefinitions()));
    maybeFail(ActivityTypes.UPGRADE_HELM_RELEASE, "Error: UPGRADE FAILED: chart not found", FailureTypes.HELM_RELEASE_FAILED);
    List<String> history = releases.get(request.release());
    if (history == null) {
      releases.put(request.release(), new ArrayList<>(List.of(request.version())));
      releaseNamespace.put(request.release(), request.namespace());
      if (request.chart().equals("istiod")) {
        installedRevisions.add(request.values().get("revision"));
      }
      return new UpgradeResult(request.release(), UpgradeResult.How.INSTALLED, 0, 1, null, request.version());
    }
    String from = history.get(history.size() - 1);
    if (from.equals(request.version())) {
      return new UpgradeResult(request.release(), UpgradeResult.How.ALREADY_AT_VERSION, history.size(), history.size(), from, from);
    }
    history.add(request.version());
    if (request.release().equals("karpenter")) {
      karpenterVersion = request.version();
    }
    return new UpgradeResult(request.release(), UpgradeResult.How.UPGRADED, history.size() - 1, history.size(), from, request.version());
  }

  @Override
  public synchronized UpgradeResult rollbackRelease(RollbackRequest request) {
    called("RollbackHelmRelease " + request.release() + " to revision " + request.toRevision());
    List<String> history = releases.get(request.release());
    String wanted = history.get(request.toRevision() - 1);
    String from = history.get(history.size() - 1);
    if (from.equals(wanted)) {
      return new UpgradeResult(request.release(), UpgradeResult.How.ALREADY_AT_VERSION, history.size(), history.size(), from, from);
    }
    history.add(wanted);
    if (request.release().equals("karpenter")) {
      karpenterVersion = wanted;
    }
    return new UpgradeResult(request.release(), UpgradeResult.How.ROLLED_BACK, history.size() - 1, history.size(), from, wanted);
  }

  @Override
  public synchronized UninstallResult uninstallRelease(ReleaseRef release) {
    called("UninstallHelmRelease " + release.release());
    boolean existed = releases.remove(release.release()) != null;
    installedRevisions.remove(release.release().replaceFirst("^istiod-", ""));
    return new UninstallResult(release.release(), existed);
  }

  // ---- Karpenter ----

  @Override
  public synchronized KarpenterInstallation inspectKarpenterInstallation(ComponentInspectionRequest request) {
    called("InspectKarpenterInstallation");
    if (karpenterVersion == null) {
      return KarpenterInstallation.notInstalled();
    }
    boolean atTarget = karpenterPath.isEmpty() || karpenterVersion.equals(karpenterPath.get(karpenterPath.size() - 1));
    String spec = "{\"amiSelectorTerms\":[{\"alias\":\"" + nodeClassAlias + "\"}]}";
    boolean needsAl2023 = nodeClassAlias.startsWith("al2@") && !nodeClassPatched;
    return new KarpenterInstallation(
        true,
        "kube-system",
        "karpenter",
        karpenterVersion,
        release("karpenter", "karpenter"),
        release("karpenter-crd", "karpenter-crd"),
        List.of(
            new CrdInfo("ec2nodeclasses.karpenter.k8s.aws", List.of("v1"), storedVersions, true, "karpenter-crd"),
            new CrdInfo("nodepools.karpenter.sh", List.of("v1"), storedVersions, true, "karpenter-crd")),
        storedVersions.contains("v1beta1") && !atTarget
            ? List.of("ec2nodeclasses.karpenter.k8s.aws", "nodepools.karpenter.sh")
            : List.of(),
        List.of(
            new NodeClassInfo(
                "default",
                null,
                List.of(nodeClassPatched ? "al2023@latest" : nodeClassAlias),
                spec,
                needsAl2023 ? "{\"spec\":{\"amiSelectorTerms\":[{\"alias\":\"al2023@latest\"}]}}" : null,
                needsAl2023 ? "alias " + nodeClassAlias + " → al2023@latest" : null)),
        List.of(),
        new ComponentTarget(
            karpenterVersion,
            atTarget ? List.of() : karpenterPath,
            "Karpenter " + karpenterVersion + " does not support 1.34",
            "karpenter.sh compatibility matrix",
            List.of()));
  }

  @Override
  public synchronized StorageMigrationResult migrateStoredVersions(StorageMigrationRequest request) {
    called("MigrateKarpenterStorage " + request.crds());
    storedVersions = List.of("v1");
    return new StorageMigrationResult(4, request.crds());
  }

  @Override
  public synchronized ReadyResult awaitKarpenterReady(ReadyRequest request) {
    called("AwaitKarpenterReady " + (request.controllerVersion() == null ? "crds" : request.controllerVersion()));
    maybeFail(
        ActivityTypes.AWAIT_KARPENTER_READY,
        "Karpenter controller kube-system/karpenter has 0 of 2 replicas Ready at " + request.controllerVersion()
            + ": CrashLoopBackOff",
        FailureTypes.COMPONENT_NOT_READY);
    if (request.controllerVersion() != null && !request.controllerVersion().equals(karpenterVersion)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Karpenter controller runs " + karpenterVersion + ", not " + request.controllerVersion(),
          FailureTypes.COMPONENT_NOT_READY);
    }
    return new ReadyResult(karpenterVersion, 2, List.of("ec2nodeclasses.karpenter.k8s.aws", "nodepools.karpenter.sh"));
  }

  @Override
  public synchronized NodeClassResult updateNodeClasses(NodeClassUpdate request) {
    called("UpdateNodeClasses " + request.patches().stream().map(NodeClassPatch::name).toList());
    boolean before = nodeClassPatched;
    nodeClassPatched = true;
    return new NodeClassResult(before ? List.of() : List.of("default"), before ? List.of("default") : List.of());
  }

  @Override
  public synchronized NodeClassResult restoreNodeClasses(NodeClassRestore request) {
    called("RestoreNodeClasses " + request.specs().stream().map(NodeClassSpec::name).toList());
    boolean changed = nodeClassPatched;
    nodeClassPatched = false;
    return new NodeClassResult(changed ? List.of("default") : List.of(), changed ? List.of() : List.of("default"));
  }

  /** Stands for the operator's GitOps change of the {@code external} strategy. */
  synchronized void operatorAppliesKarpenter(String version) {
    karpenterVersion = version;
    nodeClassPatched = true;
  }

  // ---- Istio ----

  @Override
  public synchronized IstioInstallation inspectIstio(ComponentInspectionRequest request) {
    called("InspectIstio");
    if (istio == null) {
      return IstioInstallation.notInstalled();
    }
    List<Revision> revisions =
        installedRevisions.stream()
            .map(r -> new Revision(r, r.equals(istio.revisions().get(0).name()) ? istio.revisions().get(0).version() : r.replace('-', '.') + ".0", "istiod-" + r, 1, release("istiod-" + r, "istiod")))
            .toList();
    return new IstioInstallation(
        true, istio.namespace(), revisions, istio.tags(), istio.namespaces(),
        gatewayReleases ? istio.gateways() : istio.gateways().stream().map(g -> new Gateway(g.namespace(), g.name(), g.revision(), g.proxyVersion(), null)).toList(),
        istio.baseRelease(), istio.target());
  }

  /** Stands for the operator's GitOps removing an Istio revision under the {@code external} strategy. */
  synchronized void operatorRemovesIstioRevision(String revision) {
    installedRevisions.remove(revision);
    releases.remove("istiod-" + revision);
  }

  synchronized void gatewaysWithoutHelm() {
    gatewayReleases = false;
  }

  @Override
  public synchronized RevisionStatus awaitRevision(RevisionRequest request) {
    called("AwaitIstioRevision " + request.revision() + " " + request.version() + (request.untilReady() ? "" : " once"));
    maybeFail(ActivityTypes.AWAIT_ISTIO_REVISION, "istiod-" + request.revision() + " is not installed", FailureTypes.COMPONENT_NOT_READY);
    return new RevisionStatus(request.revision(), "istiod-" + request.revision(), request.version(), 1, "istio-sidecar-injector-" + request.revision());
  }

  @Override
  public synchronized MoveResult moveWorkloads(MoveRequest request) {
    called(
        "MoveWorkloadsToRevision "
            + request.revision()
            + " namespaces "
            + request.namespaces().stream()
                .map(n -> n.name() + "(" + (n.injection() == null ? "" : "injection=" + n.injection()) + (n.rev() == null ? "" : "rev=" + n.rev()) + ")")
                .toList()
            + " tags "
            + request.tags().stream().map(t -> t.name() + "→" + t.revision()).toList()
            + " batch "
            + request.restartBatch());
    meshRevision = request.revision();
    maybeFail(
        ActivityTypes.MOVE_WORKLOADS_TO_REVISION,
        "no injected pod of shop moved to " + request.revision() + " for 10m: shop/web-abc (CrashLoopBackOff)",
        FailureTypes.ISTIO_WORKLOADS_NOT_MOVED);
    return new MoveResult(List.of(), List.of("default"), List.of("Deployment shop/web", "Deployment payments/api"), 4, List.of());
  }

  @Override
  public synchronized GatewayResult awaitGateways(GatewayRequest request) {
    called("AwaitIstioGateways " + request.revision() + (request.untilReady() ? "" : " once"));
    maybeFail(
        ActivityTypes.AWAIT_ISTIO_GATEWAYS,
        "gateway istio-ingress/istio-ingressgateway: 0 of 2 pods run " + request.version(),
        FailureTypes.COMPONENT_NOT_READY);
    return new GatewayResult(List.of("istio-ingress/istio-ingressgateway"), List.of());
  }

  @Override
  public synchronized Validation validateRevision(RevisionRequest request) {
    called("ValidateIstioRevision " + request.revision());
    List<String> elsewhere = request.revision().equals(meshRevision) ? List.of() : List.of("shop/web-abc (" + meshRevision + ")");
    return new Validation(false, List.of("istioctl is not installed on the worker"), "1 of 1 replicas Ready", elsewhere);
  }

  @Override
  public synchronized RevisionUsage revisionUsage(RevisionRequest request) {
    called("CheckIstioRevisionUsage " + request.revision());
    boolean used = request.revision().equals(meshRevision);
    return new RevisionUsage(request.revision(), used ? List.of("shop/web-abc") : List.of(), List.of(), List.of());
  }
}
