package io.eksupgrader.activities.karpenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.activities.compatibility.CompatibilityTable;
import io.eksupgrader.activities.compatibility.ComponentVersions;
import io.eksupgrader.activities.eks.Heartbeats;
import io.eksupgrader.activities.helm.HelmReleaseHistory;
import io.eksupgrader.activities.helm.StoredRelease;
import io.eksupgrader.activities.kube.DeploymentRollouts;
import io.eksupgrader.activities.kube.GoDurations;
import io.eksupgrader.activities.kube.JsonMergePatch;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.ComponentTarget;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.model.KarpenterInstallation.CrdInfo;
import io.eksupgrader.workflows.model.KarpenterInstallation.NodeClassInfo;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karpenter itself in a target cluster, v1 API ({@code karpenter.sh/v1}, {@code
 * karpenter.k8s.aws/v1}).
 *
 * <p>Inspection finds the controller Deployment (label {@code app.kubernetes.io/name=karpenter}),
 * its version from the image tag, the Helm releases of charts {@code karpenter} and {@code
 * karpenter-crd} in its namespace, the three CRDs with their served and stored versions, every
 * EC2NodeClass with the change the target needs, and NodePools whose budgets allow no node to be
 * disrupted. The target version comes from {@link CompatibilityTable#karpenter()}.
 *
 * <p>Two rules it applies:
 *
 * <ul>
 *   <li>Karpenter 1.1 stops serving v1beta1 (karpenter.sh v1 migration guide): CRDs whose {@code
 *       status.storedVersions} still list it must have every object rewritten at v1 first, or the
 *       API server refuses the new CRDs. The migration rewrites each object (a no-op update stores
 *       it at the storage version), then sets the stored versions to the storage version alone.
 *   <li>EKS publishes no Amazon Linux 2 AMIs for Kubernetes 1.33 and later: an EC2NodeClass that
 *       selects AL2 by alias ({@code al2@…}) moves to {@code al2023@latest}; one that names AL2
 *       images by id or tag cannot be moved for the operator, which pre-flight reports as a
 *       blocker.
 * </ul>
 */
public class KubernetesKarpenterUpgradeActivities implements KarpenterUpgradeActivities {

  private static final Logger log = LoggerFactory.getLogger(KubernetesKarpenterUpgradeActivities.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String CONTROLLER_LABEL = "app.kubernetes.io/name";
  static final List<String> CRDS =
      List.of("nodepools.karpenter.sh", "nodeclaims.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws");
  static final ResourceDefinitionContext NODE_CLASSES =
      new ResourceDefinitionContext.Builder()
          .withGroup("karpenter.k8s.aws")
          .withVersion("v1")
          .withKind("EC2NodeClass")
          .withPlural("ec2nodeclasses")
          .withNamespaced(false)
          .build();
  /** The first Kubernetes minor without EKS-optimized Amazon Linux 2 AMIs. */
  static final KubernetesVersion NO_AL2_FROM = new KubernetesVersion(1, 33);

  private final KubernetesClientProvider clients;
  private final KarpenterUpgradeSettings settings;
  private final CompatibilityTable table;
  private final Clock clock;

  public KubernetesKarpenterUpgradeActivities(KubernetesClientProvider clients, KarpenterUpgradeSettings settings) {
    this(clients, settings, CompatibilityTable.karpenter(), Clock.systemUTC());
  }

  KubernetesKarpenterUpgradeActivities(
      KubernetesClientProvider clients, KarpenterUpgradeSettings settings, CompatibilityTable table, Clock clock) {
    this.clients = clients;
    this.settings = settings;
    this.table = table;
    this.clock = clock;
  }

  // ---- inspection ----

  @Override
  public KarpenterInstallation inspectKarpenterInstallation(ComponentInspectionRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    Optional<Deployment> controller = controller(client);
    if (controller.isEmpty()) {
      return KarpenterInstallation.notInstalled();
    }
    Deployment deployment = controller.get();
    String namespace = deployment.getMetadata().getNamespace();
    String version = controllerVersion(deployment);
    StoredRelease controllerRelease = null;
    StoredRelease crdRelease = null;
    for (StoredRelease release : HelmReleaseHistory.releases(client, namespace)) {
      if ("karpenter".equals(release.chart())) {
        controllerRelease = release;
      } else if ("karpenter-crd".equals(release.chart())) {
        crdRelease = release;
      }
    }
    KubernetesVersion current = KubernetesVersion.parse(request.currentVersion());
    KubernetesVersion target = KubernetesVersion.parse(request.targetVersion());
    ComponentTarget move = table.karpenterTarget(version, current, target, request.pinnedVersion());
    List<CrdInfo> crds = new ArrayList<>();
    for (String name : CRDS) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      if (crd != null) {
        crds.add(describe(crd));
      }
    }
    // Objects stored at v1beta1 would become unreadable from 1.1 on, when the CRDs drop it.
    boolean dropsV1beta1 = ComponentVersions.compare(move.finalVersion(), "1.1.0") >= 0;
    List<String> toMigrate =
        dropsV1beta1
            ? crds.stream().filter(c -> c.storedVersions().stream().anyMatch(v -> !v.equals("v1"))).map(CrdInfo::name).toList()
            : List.of();
    List<NodeClassInfo> nodeClasses = new ArrayList<>();
    List<String> blockers = new ArrayList<>(move.blockers());
    for (GenericKubernetesResource nodeClass : list(client, NODE_CLASSES)) {
      NodeClassInfo info = nodeClass(nodeClass, target);
      nodeClasses.add(info);
      if (info.patch() == null && info.change() != null) {
        blockers.add("EC2NodeClass " + info.name() + ": " + info.change());
      }
    }
    ComponentTarget withBlockers =
        new ComponentTarget(move.installedVersion(), move.versions(), move.reason(), move.source(), blockers);
    return new KarpenterInstallation(
        true,
        namespace,
        deployment.getMetadata().getName(),
        version,
        controllerRelease == null ? null : controllerRelease.info(),
        crdRelease == null ? null : crdRelease.info(),
        crds,
        toMigrate,
        nodeClasses,
        driftBlocked(client),
        withBlockers);
  }

  private static Optional<Deployment> controller(KubernetesClient client) {
    return client.apps().deployments().inAnyNamespace().withLabel(CONTROLLER_LABEL, "karpenter").list().getItems().stream()
        .min(Comparator.comparing((Deployment d) -> !"kube-system".equals(d.getMetadata().getNamespace()))
            .thenComparing(d -> d.getMetadata().getNamespace()));
  }

  private static String controllerVersion(Deployment deployment) {
    return DeploymentRollouts.version(deployment, "controller");
  }

  private static CrdInfo describe(CustomResourceDefinition crd) {
    List<String> served =
        crd.getSpec().getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getServed())).map(CustomResourceDefinitionVersion::getName).toList();
    List<String> stored = crd.getStatus() == null || crd.getStatus().getStoredVersions() == null ? List.of() : crd.getStatus().getStoredVersions();
    boolean established =
        crd.getStatus() != null
            && crd.getStatus().getConditions() != null
            && crd.getStatus().getConditions().stream().anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    Map<String, String> annotations = crd.getMetadata().getAnnotations();
    return new CrdInfo(
        crd.getMetadata().getName(), served, stored, established, annotations == null ? null : annotations.get("meta.helm.sh/release-name"));
  }

  private static List<GenericKubernetesResource> list(KubernetesClient client, ResourceDefinitionContext context) {
    try {
      return client.genericKubernetesResources(context).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
  }

  /** The node class as found, and the merge patch that moves it to AL2023 when the target needs it. */
  static NodeClassInfo nodeClass(GenericKubernetesResource resource, KubernetesVersion target) {
    JsonNode spec = JSON.valueToTree(resource.getAdditionalProperties().getOrDefault("spec", Map.of()));
    String family = spec.hasNonNull("amiFamily") ? spec.get("amiFamily").asText() : null;
    List<String> aliases = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (JsonNode term : spec.path("amiSelectorTerms")) {
      if (term.hasNonNull("alias")) {
        aliases.add(term.get("alias").asText());
      } else if (term.hasNonNull("id")) {
        images.add(term.get("id").asText());
      } else {
        images.add(term.toString());
      }
    }
    String name = resource.getMetadata().getName();
    String specJson = spec.toString();
    boolean al2Alias = aliases.stream().anyMatch(a -> a.startsWith("al2@"));
    boolean al2Family = "AL2".equals(family);
    if (target.compareTo(NO_AL2_FROM) < 0 || (!al2Alias && !al2Family)) {
      return new NodeClassInfo(name, family, aliases, specJson, null, null);
    }
    if (al2Alias) {
      ArrayNode terms = JSON.createArrayNode();
      for (JsonNode term : spec.path("amiSelectorTerms")) {
        if (term.hasNonNull("alias") && term.get("alias").asText().startsWith("al2@")) {
          ObjectNode moved = ((ObjectNode) term).deepCopy();
          moved.put("alias", "al2023@latest");
          terms.add(moved);
        } else {
          terms.add(term);
        }
      }
      ObjectNode patchSpec = JSON.createObjectNode();
      patchSpec.set("amiSelectorTerms", terms);
      if (al2Family) {
        patchSpec.put("amiFamily", "AL2023");
      }
      ObjectNode patch = JSON.createObjectNode();
      patch.set("spec", patchSpec);
      String from = aliases.stream().filter(a -> a.startsWith("al2@")).findFirst().orElseThrow();
      return new NodeClassInfo(
          name, family, aliases, specJson, patch.toString(), "alias " + from + " → al2023@latest" + (al2Family ? ", amiFamily AL2 → AL2023" : ""));
    }
    return new NodeClassInfo(
        name,
        family,
        aliases,
        specJson,
        null,
        "amiFamily AL2 with images "
            + String.join(", ", images)
            + ": EKS publishes no Amazon Linux 2 AMIs for Kubernetes "
            + NO_AL2_FROM
            + " and later; point amiSelectorTerms at AL2023 images (or the alias al2023@latest) and set amiFamily AL2023, then start again");
  }

  private static List<String> driftBlocked(KubernetesClient client) {
    List<String> blocked = new ArrayList<>();
    for (GenericKubernetesResource pool : list(client, KubernetesKarpenterActivities.NODE_POOLS)) {
      JsonNode budgets = JSON.valueToTree(pool.getAdditionalProperties().getOrDefault("spec", Map.of())).path("disruption").path("budgets");
      for (JsonNode budget : budgets) {
        String nodes = budget.path("nodes").asText("");
        boolean allReasons = !budget.has("reasons") || containsText(budget.path("reasons"), "Drifted");
        if ((nodes.equals("0") || nodes.equals("0%")) && allReasons && !budget.has("schedule")) {
          blocked.add(pool.getMetadata().getName() + " (nodes: " + nodes + ")");
          break;
        }
      }
    }
    return blocked;
  }

  private static boolean containsText(JsonNode array, String text) {
    for (JsonNode item : array) {
      if (text.equals(item.asText())) {
        return true;
      }
    }
    return false;
  }

  // ---- stored versions ----

  @Override
  public StorageMigrationResult migrateStoredVersions(StorageMigrationRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    ActivityExecutionContext context = Activity.getExecutionContext();
    int rewritten = 0;
    List<String> migrated = new ArrayList<>();
    for (String name : request.crds()) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      if (crd == null) {
        continue;
      }
      String storage =
          crd.getSpec().getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getStorage())).map(CustomResourceDefinitionVersion::getName).findFirst().orElseThrow();
      List<String> stored = crd.getStatus() == null || crd.getStatus().getStoredVersions() == null ? List.of() : crd.getStatus().getStoredVersions();
      if (stored.equals(List.of(storage))) {
        continue;
      }
      ResourceDefinitionContext objects =
          new ResourceDefinitionContext.Builder()
              .withGroup(crd.getSpec().getGroup())
              .withVersion(storage)
              .withKind(crd.getSpec().getNames().getKind())
              .withPlural(crd.getSpec().getNames().getPlural())
              .withNamespaced("Namespaced".equals(crd.getSpec().getScope()))
              .build();
      for (GenericKubernetesResource object : client.genericKubernetesResources(objects).inAnyNamespace().list().getItems()) {
        rewrite(client, objects, object);
        rewritten++;
        context.heartbeat(rewritten);
      }
      // What kube-storage-version-migrator does last: only the storage version may hold objects now.
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"storedVersions\":[\"" + storage + "\"]}}");
      log.info("CRD {} of {}: objects rewritten at {}, stored versions {} → [{}]", name, request.cluster(), storage, stored, storage);
      migrated.add(name);
    }
    return new StorageMigrationResult(rewritten, migrated);
  }

  /** A no-op update stores the object at the storage version; a conflict means read it again. */
  private static void rewrite(KubernetesClient client, ResourceDefinitionContext context, GenericKubernetesResource object) {
    GenericKubernetesResource current = object;
    for (int attempt = 0; ; attempt++) {
      try {
        var resource = client.genericKubernetesResources(context);
        (current.getMetadata().getNamespace() == null ? resource : resource.inNamespace(current.getMetadata().getNamespace()))
            .resource(current)
            .update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return;
        }
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
        var resource = client.genericKubernetesResources(context);
        current =
            (current.getMetadata().getNamespace() == null ? resource : resource.inNamespace(current.getMetadata().getNamespace()))
                .withName(current.getMetadata().getName())
                .get();
        if (current == null) {
          return;
        }
      }
    }
  }

  // ---- readiness ----

  @Override
  public ReadyResult awaitKarpenterReady(ReadyRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    ActivityExecutionContext context = request.untilReady() ? Activity.getExecutionContext() : null;
    Instant deadline = clock.instant().plus(settings.readyTimeout());
    while (true) {
      List<String> established = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (String name : request.crds()) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
        if (crd == null) {
          problems.add("CRD " + name + " does not exist");
        } else if (describe(crd).established()) {
          established.add(name);
        } else {
          problems.add("CRD " + name + " is not Established");
        }
      }
      String version = null;
      int ready = 0;
      if (request.controllerVersion() != null) {
        Deployment deployment = client.apps().deployments().inNamespace(request.namespace()).withName(request.deployment()).get();
        if (deployment == null) {
          problems.add("Deployment " + request.namespace() + "/" + request.deployment() + " does not exist");
        } else {
          version = controllerVersion(deployment);
          ready = deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null ? 0 : deployment.getStatus().getReadyReplicas();
          problems.addAll(DeploymentRollouts.problems(client, deployment, "controller", request.controllerVersion()));
        }
      }
      if (problems.isEmpty()) {
        return new ReadyResult(version, ready, established);
      }
      if (!request.untilReady() || !clock.instant().isBefore(deadline)) {
        throw ApplicationFailure.newNonRetryableFailure(
            (request.untilReady() ? "Karpenter is not ready after " + GoDurations.format(settings.readyTimeout()) + ": " : "Karpenter is not as it must be: ")
                + String.join("; ", problems)
                + (request.untilReady() ? ". Look at the controller's pods and logs, then decide retry, skip or abort" : ". Change it through your GitOps, then decide retry"),
            FailureTypes.COMPONENT_NOT_READY);
      }
      context.heartbeat(problems);
      Heartbeats.sleep(context, settings.pollInterval(), problems);
    }
  }

  // ---- node classes ----

  @Override
  public NodeClassResult updateNodeClasses(NodeClassUpdate request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (NodeClassPatch patch : request.patches()) {
      GenericKubernetesResource current = client.genericKubernetesResources(NODE_CLASSES).withName(patch.name()).get();
      if (current == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "EC2NodeClass " + patch.name() + " no longer exists", FailureTypes.COMPONENT_NOT_READY);
      }
      JsonNode object = JSON.valueToTree(current);
      JsonNode patchJson = read(patch.patch());
      if (JsonMergePatch.apply(object, patchJson).equals(object)) {
        unchanged.add(patch.name());
        continue;
      }
      client.genericKubernetesResources(NODE_CLASSES).withName(patch.name()).patch(PatchContext.of(PatchType.JSON_MERGE), patch.patch());
      log.info("EC2NodeClass {} of {} patched: {}", patch.name(), request.cluster(), patch.patch());
      changed.add(patch.name());
    }
    return new NodeClassResult(changed, unchanged);
  }

  @Override
  public NodeClassResult restoreNodeClasses(NodeClassRestore request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (NodeClassSpec recorded : request.specs()) {
      GenericKubernetesResource current = client.genericKubernetesResources(NODE_CLASSES).withName(recorded.name()).get();
      if (current == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "EC2NodeClass " + recorded.name() + " no longer exists; recreate it from its recorded spec " + recorded.specJson(),
            FailureTypes.COMPONENT_NOT_READY);
      }
      JsonNode spec = read(recorded.specJson());
      if (JSON.valueToTree(current.getAdditionalProperties().get("spec")).equals(spec)) {
        unchanged.add(recorded.name());
        continue;
      }
      current.getAdditionalProperties().put("spec", JSON.convertValue(spec, Map.class));
      client.genericKubernetesResources(NODE_CLASSES).resource(current).update();
      log.info("EC2NodeClass {} of {} restored to its recorded spec", recorded.name(), request.cluster());
      changed.add(recorded.name());
    }
    return new NodeClassResult(changed, unchanged);
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }
}
