package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the API server says about the resources it serves, in the legacy (unaggregated) discovery
 * documents client-go falls back to: {@code /api} (APIVersions), {@code /apis} (APIGroupList),
 * {@code /apis/<group>} (APIGroup), {@code /api/v1} and {@code /apis/<group>/<version>}
 * (APIResourceList). Helm maps every object of a chart to its resource through them.
 *
 * <p>The resources are the built-in ones below, Karpenter's when the cluster serves them, and every
 * served version of every stored CustomResourceDefinition; a group/version/resource is listed once,
 * the first source winning. A group lists its versions in Kubernetes' version priority (GA, then
 * beta, then alpha; higher numbers first) and prefers the first.
 *
 * <p>It also names the kind of a list: a list of secrets is a {@code SecretList}, not fabric8's
 * {@code List}, which Helm's typed client decodes as empty.
 */
final class ApiDiscovery {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /**
   * One resource of one group version.
   *
   * @param group "" for the core group
   * @param subresources of status, scale, eviction, log
   */
  record ApiResource(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      String listKind,
      boolean namespaced,
      List<String> subresources) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    boolean is(String group, String version, String plural) {
      return this.group.equals(group) && this.version.equals(version) && this.plural.equals(plural);
    }
  }

  private static ApiResource builtIn(
      String groupVersion, String plural, String kind, boolean namespaced, String... subresources) {
    int slash = groupVersion.indexOf('/');
    String group = slash < 0 ? "" : groupVersion.substring(0, slash);
    String version = groupVersion.substring(slash + 1);
    return new ApiResource(
        group,
        version,
        plural,
        kind.toLowerCase(Locale.ROOT),
        kind,
        kind + "List",
        namespaced,
        List.of(subresources));
  }

  /** The built-in resources the sandbox stores, those Helm charts and the activities use. */
  static final List<ApiResource> BUILT_IN =
      List.of(
          builtIn("v1", "namespaces", "Namespace", false, "status"),
          builtIn("v1", "nodes", "Node", false, "status"),
          builtIn("v1", "pods", "Pod", true, "status", "eviction", "log"),
          builtIn("v1", "services", "Service", true, "status"),
          builtIn("v1", "endpoints", "Endpoints", true),
          builtIn("v1", "configmaps", "ConfigMap", true),
          builtIn("v1", "secrets", "Secret", true),
          builtIn("v1", "serviceaccounts", "ServiceAccount", true),
          builtIn("v1", "events", "Event", true),
          builtIn("v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "status"),
          builtIn("v1", "persistentvolumes", "PersistentVolume", false, "status"),
          builtIn("apps/v1", "deployments", "Deployment", true, "status", "scale"),
          builtIn("apps/v1", "replicasets", "ReplicaSet", true, "status", "scale"),
          builtIn("apps/v1", "statefulsets", "StatefulSet", true, "status", "scale"),
          builtIn("apps/v1", "daemonsets", "DaemonSet", true, "status"),
          builtIn("apps/v1", "controllerrevisions", "ControllerRevision", true),
          builtIn("batch/v1", "jobs", "Job", true, "status"),
          builtIn("batch/v1", "cronjobs", "CronJob", true, "status"),
          builtIn("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "status"),
          builtIn(
              "autoscaling/v2",
              "horizontalpodautoscalers",
              "HorizontalPodAutoscaler",
              true,
              "status"),
          builtIn("networking.k8s.io/v1", "ingresses", "Ingress", true, "status"),
          builtIn("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true),
          builtIn("coordination.k8s.io/v1", "leases", "Lease", true),
          builtIn("rbac.authorization.k8s.io/v1", "roles", "Role", true),
          builtIn("rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true),
          builtIn("rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false),
          builtIn(
              "rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false),
          builtIn(
              "apiextensions.k8s.io/v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              "status"),
          builtIn(
              "admissionregistration.k8s.io/v1",
              "mutatingwebhookconfigurations",
              "MutatingWebhookConfiguration",
              false),
          builtIn(
              "admissionregistration.k8s.io/v1",
              "validatingwebhookconfigurations",
              "ValidatingWebhookConfiguration",
              false));

  /** Karpenter's resources, served without CRD objects when the scenario has Karpenter. */
  static final List<ApiResource> KARPENTER =
      List.of(
          new ApiResource(
              "karpenter.sh",
              "v1",
              "nodepools",
              "nodepool",
              "NodePool",
              "NodePoolList",
              false,
              List.of("status")),
          new ApiResource(
              "karpenter.sh",
              "v1",
              "nodeclaims",
              "nodeclaim",
              "NodeClaim",
              "NodeClaimList",
              false,
              List.of("status")),
          new ApiResource(
              "karpenter.k8s.aws",
              "v1",
              "ec2nodeclasses",
              "ec2nodeclass",
              "EC2NodeClass",
              "EC2NodeClassList",
              false,
              List.of("status")));

  private final List<ApiResource> resources;

  /**
   * @param definitions the stored CustomResourceDefinitions, as JSON
   * @param karpenter whether the cluster serves Karpenter's resources
   */
  ApiDiscovery(List<JsonNode> definitions, boolean karpenter) {
    List<ApiResource> all = new ArrayList<>(BUILT_IN);
    if (karpenter) {
      all.addAll(KARPENTER);
    }
    for (JsonNode crd : definitions) {
      JsonNode spec = crd.path("spec");
      JsonNode names = spec.path("names");
      for (JsonNode version : spec.path("versions")) {
        if (!version.path("served").asBoolean(false)) {
          continue;
        }
        String kind = names.path("kind").asText();
        all.add(
            new ApiResource(
                spec.path("group").asText(),
                version.path("name").asText(),
                names.path("plural").asText(),
                names.path("singular").asText(kind.toLowerCase(Locale.ROOT)),
                kind,
                names.path("listKind").asText(kind + "List"),
                "Namespaced".equals(spec.path("scope").asText()),
                version.path("subresources").has("status") ? List.of("status") : List.of()));
      }
    }
    List<ApiResource> unique = new ArrayList<>();
    for (ApiResource r : all) {
      if (unique.stream().noneMatch(u -> u.is(r.group(), r.version(), r.plural()))) {
        unique.add(r);
      }
    }
    this.resources = List.copyOf(unique);
  }

  /** Whether a group/version/resource is one of the built-in kinds (not a custom resource). */
  static boolean isBuiltIn(String group, String version, String plural) {
    return BUILT_IN.stream().anyMatch(r -> r.is(group, version, plural));
  }

  /** The built-in list kind of a resource, without looking at stored CRDs; empty if unknown. */
  static Optional<String> builtInListKind(String group, String version, String plural) {
    return BUILT_IN.stream()
        .filter(r -> r.is(group, version, plural))
        .map(ApiResource::listKind)
        .findFirst();
  }

  Optional<String> listKind(String group, String version, String plural) {
    return resources.stream()
        .filter(r -> r.is(group, version, plural))
        .map(ApiResource::listKind)
        .findFirst();
  }

  /** {@code /api}: the core group's versions. */
  ObjectNode apiVersions() {
    ObjectNode doc = NODES.objectNode();
    doc.put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    doc.putArray("serverAddressByClientCIDRs");
    return doc;
  }

  /** {@code /apis}: every named group with its versions. */
  ObjectNode groupList() {
    ObjectNode doc = NODES.objectNode();
    doc.put("kind", "APIGroupList");
    doc.put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    versionsByGroup().forEach((group, versions) -> groups.add(group(group, versions)));
    return doc;
  }

  /** {@code /apis/<group>}; empty for a group nothing serves. */
  Optional<ObjectNode> group(String group) {
    List<String> versions = versionsByGroup().get(group);
    if (versions == null) {
      return Optional.empty();
    }
    ObjectNode doc = group(group, versions);
    doc.put("kind", "APIGroup");
    doc.put("apiVersion", "v1");
    return Optional.of(doc);
  }

  /** {@code /api/v1} or {@code /apis/<group>/<version>}; empty for a version nothing serves. */
  Optional<ObjectNode> resourceList(String group, String version) {
    List<ApiResource> served =
        resources.stream()
            .filter(r -> r.group().equals(group) && r.version().equals(version))
            .toList();
    if (served.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = NODES.objectNode();
    doc.put("kind", "APIResourceList");
    doc.put("apiVersion", "v1");
    doc.put("groupVersion", served.get(0).groupVersion());
    ArrayNode list = doc.putArray("resources");
    for (ApiResource r : served) {
      ObjectNode resource = list.addObject();
      resource.put("name", r.plural());
      resource.put("singularName", r.singular());
      resource.put("namespaced", r.namespaced());
      resource.put("kind", r.kind());
      ArrayNode verbs = resource.putArray("verbs");
      VERBS.stream()
          .filter(v -> !(r.plural().equals("namespaces") && v.equals("deletecollection")))
          .forEach(verbs::add);
      for (String sub : r.subresources()) {
        list.add(subresource(r, sub));
      }
    }
    return Optional.of(doc);
  }

  private static ObjectNode subresource(ApiResource r, String sub) {
    ObjectNode s = NODES.objectNode();
    s.put("name", r.plural() + "/" + sub);
    s.put("singularName", "");
    s.put("namespaced", r.namespaced());
    List<String> verbs;
    switch (sub) {
      case "scale" -> {
        s.put("group", "autoscaling");
        s.put("version", "v1");
        s.put("kind", "Scale");
        verbs = List.of("get", "patch", "update");
      }
      case "eviction" -> {
        s.put("group", "policy");
        s.put("version", "v1");
        s.put("kind", "Eviction");
        verbs = List.of("create");
      }
      case "log" -> {
        s.put("kind", r.kind());
        verbs = List.of("get");
      }
      default -> {
        s.put("kind", r.kind());
        verbs = List.of("get", "patch", "update");
      }
    }
    ArrayNode v = s.putArray("verbs");
    verbs.forEach(v::add);
    return s;
  }

  private static ObjectNode group(String group, List<String> versions) {
    ObjectNode doc = NODES.objectNode();
    doc.put("name", group);
    ArrayNode list = doc.putArray("versions");
    for (String v : versions) {
      list.addObject().put("groupVersion", group + "/" + v).put("version", v);
    }
    doc.putObject("preferredVersion")
        .put("groupVersion", group + "/" + versions.get(0))
        .put("version", versions.get(0));
    return doc;
  }

  /** Named groups in the order they are first served, each with its versions by priority. */
  private Map<String, List<String>> versionsByGroup() {
    Map<String, Set<String>> byGroup = new LinkedHashMap<>();
    for (ApiResource r : resources) {
      if (!r.group().isEmpty()) {
        byGroup.computeIfAbsent(r.group(), g -> new LinkedHashSet<>()).add(r.version());
      }
    }
    Map<String, List<String>> sorted = new LinkedHashMap<>();
    byGroup.forEach(
        (group, versions) -> {
          List<String> list = new ArrayList<>(versions);
          list.sort(BY_PRIORITY);
          sorted.put(group, list);
        });
    return sorted;
  }

  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** Kubernetes' version priority: v2, v1, v1beta2, v1beta1, v1alpha1, then others by name. */
  static final Comparator<String> BY_PRIORITY =
      Comparator.comparingInt((String v) -> -stability(v))
          .thenComparingInt(v -> -number(v, 1))
          .thenComparingInt(v -> -number(v, 3))
          .thenComparing(v -> v);

  private static int stability(String version) {
    Matcher m = KUBE_VERSION.matcher(version);
    if (!m.matches()) {
      return 0;
    }
    return m.group(2) == null ? 3 : m.group(2).equals("beta") ? 2 : 1;
  }

  private static int number(String version, int group) {
    Matcher m = KUBE_VERSION.matcher(version);
    return m.matches() && m.group(group) != null ? Integer.parseInt(m.group(group)) : 0;
  }
}
