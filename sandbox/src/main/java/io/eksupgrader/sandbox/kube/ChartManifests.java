package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.eksupgrader.sandbox.KarpenterVersions;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sandbox's own Helm charts ({@code src/main/resources/charts}, see {@link
 * io.eksupgrader.sandbox.SandboxCharts}) render, built in Java. The starting objects of Karpenter
 * and Istio are made from these, and a release's manifest is their YAML, so that the real Helm's
 * three-way merge on upgrade starts from what the chart of that version put there.
 *
 * <p>Each method mirrors one chart's templates and lists the objects in Helm's order (by kind in
 * Helm's install order, then by template file, then as written in the file). The charts' test
 * renders every chart with Helm and compares document by document, so the two cannot drift apart.
 */
final class ChartManifests {

  /** The proxy image of an Istio version: what the injector puts into a pod. */
  static String proxyImage(String istioVersion) {
    return "docker.io/istio/proxyv2:" + istioVersion;
  }

  static String pilotImage(String istioVersion) {
    return "docker.io/istio/pilot:" + istioVersion;
  }

  static String karpenterImage(String version) {
    return "public.ecr.aws/karpenter/controller:" + version;
  }

  /** The name of a revision's istiod Deployment and Service: istiod-1-26, or istiod for "default". */
  static String istiodName(String revision) {
    return "default".equals(revision) ? "istiod" : "istiod-" + revision;
  }

  /** The injector webhook configuration of a revision's istiod chart. */
  static String injectorName(String revision) {
    return "default".equals(revision) ? "istio-sidecar-injector" : "istio-sidecar-injector-" + revision;
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private ChartManifests() {}

  /** One rendered document and the template it came from ({@code chart/templates/file.yaml}). */
  record Rendered(String source, Map<String, Object> object) {

    String kind() {
      return String.valueOf(object.get("kind"));
    }

    @SuppressWarnings("unchecked")
    String name() {
      return String.valueOf(((Map<String, Object>) object.get("metadata")).get("name"));
    }
  }

  /**
   * Chart {@code karpenter-crd}: NodePool, NodeClaim (karpenter.sh) and EC2NodeClass
   * (karpenter.k8s.aws), cluster-scoped; v1 stored, v1beta1 served beside it before 1.1.
   */
  static List<Rendered> karpenterCrd(String version) {
    boolean v1beta1 = KarpenterVersions.servesV1beta1(version);
    return List.of(
        new Rendered(
            "karpenter-crd/templates/ec2nodeclasses.yaml",
            karpenterCrd("karpenter.k8s.aws", "EC2NodeClass", "ec2nodeclasses", v1beta1)),
        new Rendered(
            "karpenter-crd/templates/nodeclaims.yaml",
            karpenterCrd("karpenter.sh", "NodeClaim", "nodeclaims", v1beta1)),
        new Rendered(
            "karpenter-crd/templates/nodepools.yaml",
            karpenterCrd("karpenter.sh", "NodePool", "nodepools", v1beta1)));
  }

  private static Map<String, Object> karpenterCrd(String group, String kind, String plural, boolean v1beta1) {
    List<Object> versions = new ArrayList<>();
    versions.add(crdVersion("v1", true));
    if (v1beta1) {
      versions.add(crdVersion("v1beta1", false));
    }
    return map(
        "apiVersion", "apiextensions.k8s.io/v1",
        "kind", "CustomResourceDefinition",
        "metadata", map("name", plural + "." + group),
        "spec",
            map(
                "group", group,
                "names", crdNames(kind, plural, List.of("karpenter")),
                "scope", "Cluster",
                "versions", versions));
  }

  /** Chart {@code karpenter}: the controller Deployment, two replicas. */
  static List<Rendered> karpenter(String release, String namespace, String version) {
    Map<String, Object> labels = map("app.kubernetes.io/name", "karpenter", "app.kubernetes.io/instance", release);
    return List.of(
        new Rendered(
            "karpenter/templates/deployment.yaml",
            map(
                "apiVersion", "apps/v1",
                "kind", "Deployment",
                "metadata", map("name", "karpenter", "namespace", namespace, "labels", labels),
                "spec",
                    map(
                        "replicas", 2,
                        "selector", map("matchLabels", labels),
                        "template",
                            map(
                                "metadata", map("labels", labels),
                                "spec",
                                    map(
                                        "containers",
                                        List.of(map("name", "controller", "image", karpenterImage(version)))))))));
  }

  /** Chart {@code base}: VirtualService and DestinationRule, served v1, v1beta1, v1alpha3, stored v1. */
  static List<Rendered> istioBase() {
    List<Rendered> crds = new ArrayList<>();
    for (String[] crd : List.of(new String[] {"VirtualService", "virtualservices"}, new String[] {"DestinationRule", "destinationrules"})) {
      List<Object> versions = new ArrayList<>();
      for (String version : List.of("v1", "v1beta1", "v1alpha3")) {
        versions.add(crdVersion(version, version.equals("v1")));
      }
      crds.add(
          new Rendered(
              "base/templates/crds.yaml",
              map(
                  "apiVersion", "apiextensions.k8s.io/v1",
                  "kind", "CustomResourceDefinition",
                  "metadata", map("name", crd[1] + ".networking.istio.io", "labels", map("app", "istio-pilot")),
                  "spec",
                      map(
                          "group", "networking.istio.io",
                          "names", crdNames(crd[0], crd[1], List.of("istio-io", "networking-istio-io")),
                          "scope", "Namespaced",
                          "versions", versions))));
    }
    return crds;
  }

  /**
   * Chart {@code istiod} for one revision ("default": the non-revisioned form): its Service,
   * Deployment and sidecar-injector webhook configuration.
   */
  static List<Rendered> istiod(String namespace, String revision, String version) {
    String name = istiodName(revision);
    Map<String, Object> labels = map("app", "istiod", "istio.io/rev", revision);
    Map<String, Object> service =
        map(
            "apiVersion", "v1",
            "kind", "Service",
            "metadata", map("name", name, "namespace", namespace, "labels", labels),
            "spec",
                map(
                    "selector", labels,
                    "ports",
                        List.of(
                            map("name", "grpc-xds", "port", 15010, "protocol", "TCP"),
                            map("name", "https-dns", "port", 15012, "protocol", "TCP"),
                            map("name", "https-webhook", "port", 443, "targetPort", 15017, "protocol", "TCP"))));
    Map<String, Object> podLabels = new LinkedHashMap<>(labels);
    podLabels.put("sidecar.istio.io/inject", "false");
    Map<String, Object> deployment =
        map(
            "apiVersion", "apps/v1",
            "kind", "Deployment",
            "metadata", map("name", name, "namespace", namespace, "labels", labels),
            "spec",
                map(
                    "replicas", 1,
                    "selector", map("matchLabels", labels),
                    "template",
                        map(
                            "metadata", map("labels", podLabels),
                            "spec",
                                map(
                                    "containers",
                                    List.of(
                                        map(
                                            "name", "discovery",
                                            "image", pilotImage(version),
                                            "args", List.of("discovery"),
                                            "ports",
                                                List.of(
                                                    map("containerPort", 15010, "protocol", "TCP"),
                                                    map("containerPort", 15017, "protocol", "TCP"))))))));
    List<Object> webhooks = new ArrayList<>();
    webhooks.add(injectionWebhook("rev.namespace.sidecar-injector.istio.io", name, namespace, "istio.io/rev", revision));
    if ("default".equals(revision)) {
      webhooks.add(injectionWebhook("namespace.sidecar-injector.istio.io", name, namespace, "istio-injection", "enabled"));
    }
    Map<String, Object> injector =
        map(
            "apiVersion", "admissionregistration.k8s.io/v1",
            "kind", "MutatingWebhookConfiguration",
            "metadata", map("name", injectorName(revision), "labels", map("app", "sidecar-injector", "istio.io/rev", revision)),
            "webhooks", webhooks);
    return List.of(
        new Rendered("istiod/templates/service.yaml", service),
        new Rendered("istiod/templates/deployment.yaml", deployment),
        new Rendered("istiod/templates/mutatingwebhook.yaml", injector));
  }

  /**
   * One webhook of an injector configuration: pods created in namespaces labelled {@code
   * label=value} go to {@code service}'s {@code /inject}; failing closed.
   */
  static Map<String, Object> injectionWebhook(String name, String service, String namespace, String label, String value) {
    return map(
        "name", name,
        "clientConfig", map("service", map("name", service, "namespace", namespace, "path", "/inject", "port", 443)),
        "namespaceSelector", map("matchLabels", map(label, value)),
        "rules",
            List.of(
                map(
                    "operations", List.of("CREATE"),
                    "apiGroups", List.of(""),
                    "apiVersions", List.of("v1"),
                    "resources", List.of("pods"))),
        "failurePolicy", "Fail",
        "sideEffects", "None",
        "admissionReviewVersions", List.of("v1"));
  }

  /**
   * Chart {@code gateway}: Service and Deployment named after the release, whose pods the
   * injector's gateway template fills in (proxy image {@code auto}).
   *
   * @param revision the revision or tag of the pods' {@code istio.io/rev} label
   */
  static List<Rendered> gateway(String release, String namespace, String revision, int replicas) {
    Map<String, Object> labels = map("app", release, "istio", "ingressgateway");
    Map<String, Object> service =
        map(
            "apiVersion", "v1",
            "kind", "Service",
            "metadata", map("name", release, "namespace", namespace, "labels", labels),
            "spec",
                map(
                    "type", "LoadBalancer",
                    "selector", labels,
                    "ports",
                        List.of(
                            map("name", "http2", "port", 80, "targetPort", 80, "protocol", "TCP"),
                            map("name", "https", "port", 443, "targetPort", 443, "protocol", "TCP"))));
    Map<String, Object> podLabels = new LinkedHashMap<>(labels);
    podLabels.put("istio.io/rev", revision);
    podLabels.put("sidecar.istio.io/inject", "true");
    Map<String, Object> deployment =
        map(
            "apiVersion", "apps/v1",
            "kind", "Deployment",
            "metadata", map("name", release, "namespace", namespace, "labels", labels),
            "spec",
                map(
                    "replicas", replicas,
                    "selector", map("matchLabels", labels),
                    "template",
                        map(
                            "metadata",
                                map("annotations", map("inject.istio.io/templates", "gateway"), "labels", podLabels),
                            "spec",
                                map(
                                    "containers",
                                    List.of(
                                        map(
                                            "name", "istio-proxy",
                                            "image", "auto",
                                            "ports",
                                                List.of(
                                                    map("containerPort", 80, "protocol", "TCP"),
                                                    map("containerPort", 443, "protocol", "TCP"))))))));
    return List.of(
        new Rendered("gateway/templates/service.yaml", service),
        new Rendered("gateway/templates/deployment.yaml", deployment));
  }

  /**
   * A release's manifest as Helm writes it: every document after {@code ---} and a {@code #
   * Source:} line naming its template.
   */
  static String manifest(List<Rendered> rendered) {
    StringBuilder out = new StringBuilder();
    for (Rendered r : rendered) {
      try {
        out.append("---\n# Source: ").append(r.source()).append('\n').append(YAML.writeValueAsString(r.object()).stripTrailing()).append('\n');
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString().stripTrailing();
  }

  private static Map<String, Object> crdNames(String kind, String plural, List<String> categories) {
    return map(
        "kind", kind,
        "listKind", kind + "List",
        "plural", plural,
        "singular", kind.toLowerCase(java.util.Locale.ROOT),
        "categories", categories);
  }

  private static Map<String, Object> crdVersion(String name, boolean storage) {
    return map(
        "name", name,
        "served", true,
        "storage", storage,
        "schema", map("openAPIV3Schema", map("type", "object", "x-kubernetes-preserve-unknown-fields", true)),
        "subresources", map("status", map()));
  }

  /** An ordered mutable map of alternating keys and values. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
