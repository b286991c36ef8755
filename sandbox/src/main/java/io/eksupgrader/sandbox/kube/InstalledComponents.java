package io.eksupgrader.sandbox.kube;

import static io.eksupgrader.sandbox.kube.ChartManifests.map;

import io.eksupgrader.sandbox.KarpenterVersions;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.GatewaySpec;
import io.eksupgrader.sandbox.Scenario.Installation;
import io.eksupgrader.sandbox.Scenario.IstioNamespaceSpec;
import io.eksupgrader.sandbox.Scenario.IstioRevisionSpec;
import io.eksupgrader.sandbox.Scenario.IstioSpec;
import io.eksupgrader.sandbox.Scenario.IstioTagSpec;
import io.eksupgrader.sandbox.Scenario.KarpenterSpec;
import io.eksupgrader.sandbox.Scenario.NodeClassSpec;
import io.eksupgrader.sandbox.Scenario.VeleroSpec;
import io.eksupgrader.sandbox.kube.ChartManifests.Rendered;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpenter's and Istio's objects as a cluster holds them when the run starts, made from what the
 * sandbox's own charts render ({@link ChartManifests}), so that the real Helm can upgrade them:
 *
 * <ul>
 *   <li>Karpenter with a version: the CRDs of chart {@code karpenter-crd} (Established, with the
 *       scenario's {@code status.storedVersions}) and the controller Deployment of chart {@code
 *       karpenter}; with or without a version, the scenario's EC2NodeClasses.
 *   <li>Istio: the CRDs of chart {@code base} (version of the oldest revision), per revision the
 *       istiod Service, Deployment and injector webhook of chart {@code istiod}, per tag the
 *       webhook {@code istioctl tag set} makes ({@code istio-revision-tag-<tag>}, no Helm), the
 *       namespaces with their injection labels, and per gateway the Service and Deployment of chart
 *       {@code gateway}.
 *   <li>Velero: its namespace and the CRD {@code backups.velero.io} (Established), without Helm;
 *       {@link VeleroBackups} runs the Backups.
 * </ul>
 *
 * Installed with Helm, every chart object carries Helm's ownership label and annotations and each
 * release has its storage Secret (revision 1, deployed a month before the run, values as the
 * release was installed with); installed with manifests, neither exists.
 */
final class InstalledComponents {

  /** When the starting releases were installed: long before the run. */
  private static final Duration INSTALLED_BEFORE = Duration.ofDays(30);

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final ObjectStore store;
  private final String cluster;

  private InstalledComponents(ObjectStore store, String cluster) {
    this.store = store;
    this.cluster = cluster;
  }

  /** Creates the scenario cluster's Karpenter and Istio objects; call under the store's lock. */
  static void createStarting(ObjectStore store, ClusterSpec cluster) {
    InstalledComponents components = new InstalledComponents(store, cluster.name());
    components.karpenter(cluster.karpenter());
    components.istio(cluster.istio());
    components.velero(cluster.velero());
  }

  // ---- Velero ----

  private void velero(VeleroSpec velero) {
    if (!velero.installed()) {
      return;
    }
    namespace(velero.namespace(), Map.of());
    CustomResourceDefinition backups =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("backups.velero.io")
            .withLabels(Map.of("component", "velero"))
            .endMetadata()
            .withNewSpec()
            .withGroup("velero.io")
            .withScope("Namespaced")
            .withNewNames()
            .withKind("Backup")
            .withListKind("BackupList")
            .withPlural("backups")
            .withSingular("backup")
            .endNames()
            .addNewVersion()
            .withName("v1")
            .withServed(true)
            .withStorage(true)
            .withNewSchema()
            .withNewOpenAPIV3Schema()
            .withType("object")
            .withXKubernetesPreserveUnknownFields(true)
            .endOpenAPIV3Schema()
            .endSchema()
            .endVersion()
            .endSpec()
            .build();
    store.create(established(backups, List.of("v1")));
  }

  // ---- Karpenter ----

  private void karpenter(KarpenterSpec karpenter) {
    if (!karpenter.installed()) {
      return;
    }
    String now = ObjectStore.timestamp(store.now());
    for (NodeClassSpec nodeClass : karpenter.nodeClasses()) {
      store.create(KarpenterResources.nodeClass(nodeClass, cluster, now));
    }
    if (!karpenter.controllerInstalled()) {
      return;
    }
    String version = karpenter.version();
    String namespace = karpenter.namespace();
    boolean helm = karpenter.installedBy() == Installation.HELM;
    namespace(namespace, Map.of());
    List<Rendered> crds = ChartManifests.karpenterCrd(version);
    for (Rendered crd : crds) {
      create(crd, helm ? "karpenter-crd" : null, namespace, karpenter.crdStoredVersions());
    }
    List<Rendered> controller = ChartManifests.karpenter("karpenter", namespace, version);
    controller.forEach(r -> create(r, helm ? "karpenter" : null, namespace, null));
    if (helm) {
      release("karpenter-crd", namespace, "karpenter-crd", version, Map.of(), crds);
      release("karpenter", namespace, "karpenter", version, Map.of(), controller);
    }
  }

  // ---- Istio ----

  private void istio(IstioSpec istio) {
    if (!istio.installed()) {
      return;
    }
    String namespace = istio.namespace();
    boolean helm = istio.installedBy() == Installation.HELM;
    namespace(namespace, Map.of());
    String oldest =
        istio.revisions().stream()
            .map(IstioRevisionSpec::version)
            .min(KarpenterVersions::compare)
            .orElseThrow();
    List<Rendered> base = ChartManifests.istioBase();
    base.forEach(r -> create(r, helm ? "istio-base" : null, namespace, List.of("v1")));
    if (helm) {
      release("istio-base", namespace, "base", oldest, Map.of(), base);
    }
    for (IstioRevisionSpec revision : istio.revisions()) {
      String release = ChartManifests.istiodName(revision.name());
      List<Rendered> istiod = ChartManifests.istiod(namespace, revision.name(), revision.version());
      istiod.forEach(r -> create(r, helm ? release : null, namespace, null));
      if (helm) {
        Map<String, Object> values =
            "default".equals(revision.name()) ? Map.of() : Map.of("revision", revision.name());
        release(release, namespace, "istiod", revision.version(), values, istiod);
      }
    }
    for (IstioTagSpec tag : istio.tags()) {
      store.create(revisionTag(tag.name(), tag.revision(), namespace));
    }
    for (IstioNamespaceSpec labelled : istio.namespaces()) {
      Map<String, String> labels = new LinkedHashMap<>();
      if (labelled.injection() != null) {
        labels.put(SidecarInjector.INJECTION_LABEL, labelled.injection());
      }
      if (labelled.rev() != null) {
        labels.put(SidecarInjector.REV_LABEL, labelled.rev());
      }
      namespace(labelled.name(), labels);
    }
    for (GatewaySpec gateway : istio.gateways()) {
      namespace(gateway.namespace(), Map.of());
      List<Rendered> objects =
          ChartManifests.gateway(gateway.name(), gateway.namespace(), gateway.revision(), gateway.replicas());
      objects.forEach(r -> create(r, helm ? gateway.name() : null, gateway.namespace(), null));
      if (helm) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("revision", gateway.revision());
        // The chart's default is two replicas; other counts were set when it was installed.
        if (gateway.replicas() != 2) {
          values.put("replicaCount", gateway.replicas());
        }
        release(gateway.name(), gateway.namespace(), "gateway", versionOf(istio, gateway.revision()), values, objects);
      }
    }
  }

  /** The Istio version of a revision, or of the revision a tag points at. */
  private static String versionOf(IstioSpec istio, String revisionOrTag) {
    String revision =
        istio.tags().stream()
            .filter(t -> t.name().equals(revisionOrTag))
            .map(IstioTagSpec::revision)
            .findFirst()
            .orElse(revisionOrTag);
    return istio.revisions().stream()
        .filter(r -> r.name().equals(revision))
        .map(IstioRevisionSpec::version)
        .findFirst()
        .orElseThrow();
  }

  /**
   * The webhook configuration {@code istioctl tag set <tag> --revision <revision>} makes: namespaces
   * labelled {@code istio.io/rev=<tag>} go to the revision's istiod; the tag "default" also takes
   * {@code istio-injection=enabled}. Switching the tag means changing its {@code istio.io/rev} label
   * and every webhook's service.
   */
  static MutatingWebhookConfiguration revisionTag(String tag, String revision, String namespace) {
    String service = ChartManifests.istiodName(revision);
    List<Object> webhooks = new ArrayList<>();
    webhooks.add(ChartManifests.injectionWebhook("rev.namespace.sidecar-injector.istio.io", service, namespace, SidecarInjector.REV_LABEL, tag));
    if ("default".equals(tag)) {
      webhooks.add(
          ChartManifests.injectionWebhook("namespace.sidecar-injector.istio.io", service, namespace, SidecarInjector.INJECTION_LABEL, "enabled"));
    }
    Map<String, Object> object =
        map(
            "apiVersion", "admissionregistration.k8s.io/v1",
            "kind", "MutatingWebhookConfiguration",
            "metadata",
                map(
                    "name", "istio-revision-tag-" + tag,
                    "labels", map("app", "sidecar-injector", SidecarInjector.TAG_LABEL, tag, SidecarInjector.REV_LABEL, revision)),
            "webhooks", webhooks);
    return JSON.convertValue(object, MutatingWebhookConfiguration.class);
  }

  // ---- objects ----

  /** Creates a namespace or adds labels to the existing one. */
  private void namespace(String name, Map<String, String> labels) {
    Namespace namespace = store.get(Namespace.class, null, name).orElse(null);
    if (namespace == null) {
      namespace = Manifests.namespace(name);
      namespace.getMetadata().getLabels().putAll(labels);
      store.create(namespace);
      return;
    }
    Map<String, String> merged = new LinkedHashMap<>(ObjectFacts.labels(namespace));
    merged.putAll(labels);
    namespace.getMetadata().setLabels(merged);
    store.update(namespace);
  }

  /**
   * Stores one rendered object: a Deployment with its first ReplicaSet, a CRD Established with the
   * given stored versions, anything else as it is; owned by {@code release} when not null.
   */
  private void create(Rendered rendered, String release, String releaseNamespace, List<String> storedVersions) {
    var json = store.serialization();
    HasMetadata object =
        switch (rendered.kind()) {
          case "Deployment" -> json.convertValue(rendered.object(), Deployment.class);
          case "Service" -> json.convertValue(rendered.object(), Service.class);
          case "MutatingWebhookConfiguration" -> json.convertValue(rendered.object(), MutatingWebhookConfiguration.class);
          case "CustomResourceDefinition" -> established(json.convertValue(rendered.object(), CustomResourceDefinition.class), storedVersions);
          default -> throw new IllegalArgumentException("the sandbox does not store a " + rendered.kind() + " from a chart");
        };
    if (release != null) {
      Map<String, String> labels = new LinkedHashMap<>(ObjectFacts.labels(object));
      labels.putAll(HelmReleases.ownershipLabels());
      object.getMetadata().setLabels(labels);
      Map<String, String> annotations = new LinkedHashMap<>();
      if (object.getMetadata().getAnnotations() != null) {
        annotations.putAll(object.getMetadata().getAnnotations());
      }
      annotations.putAll(HelmReleases.ownershipAnnotations(release, releaseNamespace));
      object.getMetadata().setAnnotations(annotations);
    }
    store.create(object);
    if (object instanceof Deployment deployment) {
      store.create(Manifests.replicaSet(deployment, store.randomSuffix(10)));
    }
  }

  /** What the API server reports of a CRD it accepted long ago. */
  private CustomResourceDefinition established(CustomResourceDefinition crd, List<String> storedVersions) {
    String since = ObjectStore.timestamp(store.now().minus(INSTALLED_BEFORE));
    CustomResourceDefinitionStatus status = new CustomResourceDefinitionStatus();
    status.setAcceptedNames(crd.getSpec().getNames());
    status.setConditions(List.of(crdCondition("NamesAccepted", "NoConflicts", "no conflicts found", since), crdCondition("Established", "InitialNamesAccepted", "the initial names have been accepted", since)));
    status.setStoredVersions(new ArrayList<>(storedVersions));
    crd.setStatus(status);
    return crd;
  }

  private static CustomResourceDefinitionCondition crdCondition(String type, String reason, String message, String since) {
    return new CustomResourceDefinitionConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(since)
        .build();
  }

  private void release(
      String release, String namespace, String chart, String version, Map<String, Object> values, List<Rendered> objects) {
    Instant installed = store.now().minus(INSTALLED_BEFORE);
    store.create(
        HelmReleases.releaseSecret(
            release, namespace, 1, chart, version, version, values, ChartManifests.manifest(objects), "deployed", installed));
  }
}
