package io.eksupgrader.sandbox.kube;

import static io.eksupgrader.sandbox.kube.KarpenterResources.DISRUPTED_TAINT;
import static io.eksupgrader.sandbox.kube.KarpenterResources.GROUP_VERSION;
import static io.eksupgrader.sandbox.kube.KarpenterResources.NODE_CLASS_HASH;
import static io.eksupgrader.sandbox.kube.KarpenterResources.NODE_CLASS_LABEL;
import static io.eksupgrader.sandbox.kube.KarpenterResources.NODE_POOL_LABEL;
import static io.eksupgrader.sandbox.kube.KarpenterResources.condition;
import static io.eksupgrader.sandbox.kube.KarpenterResources.section;
import static io.eksupgrader.sandbox.kube.KarpenterResources.setCondition;
import static io.eksupgrader.sandbox.kube.KarpenterResources.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.KarpenterVersions;
import io.eksupgrader.sandbox.Scenario.NodePoolSpec;
import io.eksupgrader.sandbox.kube.KarpenterResources.EC2NodeClass;
import io.eksupgrader.sandbox.kube.KarpenterResources.NodeClaim;
import io.eksupgrader.sandbox.kube.KarpenterResources.NodePool;
import io.eksupgrader.sandbox.kube.PdbBreach.Loss;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A simulated Karpenter v1 controller: NodePools own NodeClaims, each NodeClaim launches one node
 * from its NodePool's EC2NodeClass, and drift replaces nodes whose version no longer matches the
 * control plane's or whose node class changed since they launched.
 *
 * <p>On every tick:
 *
 * <ol>
 *   <li>Launch: a NodeClaim without a node gets one {@code karpenterLaunch} after its creation, Ready
 *       at once. Its kubelet runs the control plane's version of that moment when the class's AMIs
 *       follow it (an alias {@code ...@latest}); AMIs pinned by id or by a versioned alias keep the
 *       version they first launched with (the cluster's at the start). The node's OS image follows
 *       the class's family ({@code Amazon Linux 2023.…}, {@code Amazon Linux 2}), it carries {@code
 *       karpenter.k8s.aws/ec2nodeclass: <class>}, and the claim records the hash of the class's
 *       spec ({@code karpenter.k8s.aws/ec2nodeclass-hash}). While the controller Deployment's
 *       version does not support the control plane's minor ({@link KarpenterVersions}), no claim
 *       launches: it shows {@code Launched=False}, reason {@code UnsupportedKubernetesVersion},
 *       until the controller is upgraded. While the scenario's {@code karpenterLaunchFailures} last,
 *       the launch fails instead: the claim shows {@code Launched=False} with EC2's reason for
 *       {@code karpenterLaunch} and is then deleted.
 *   <li>Drift: a launched claim gets {@code Drifted=True} when its class's spec hash differs from
 *       the one it launched with (reason {@code NodeClassDrift}), or when its AMIs follow the
 *       control plane and its node's kubelet minor differs from the control plane's ({@code
 *       AMIDrift}).
 *   <li>Disruption, per NodePool, at most its drift budget of nodes at once (a count or a
 *       percentage of its nodes, rounded up; "0" stops drift): a drifted claim gets a replacement
 *       claim; once the replacement's node is Ready, the old node is tainted {@code
 *       karpenter.sh/disrupted:NoSchedule} and its pods are evicted through the PodDisruptionBudget
 *       check (never around it); when only DaemonSet pods are left the node and its claim go.
 * </ol>
 */
final class KarpenterNodes {

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /** On an old claim: the name of the claim that replaces it. */
  static final String REPLACED_BY = "sandbox.eks-upgrader.io/replaced-by";
  private static final String FAILED_AT = "sandbox.eks-upgrader.io/launch-failed-at";
  private static final String DEFAULT_NODE_CLASS = "default";
  private static final String CONTROLLER_LABEL = "app.kubernetes.io/name";

  private final ObjectStore store;
  private final DisruptionBudgets budgets;
  private final ClusterControllers controllers;
  private final Duration launch;
  private final String region;
  private int launchFailuresLeft;
  private int instances;
  /** The Kubernetes version of pinned AMIs (by alias or ids), learnt when they first launch. */
  private final Map<String, String> pinnedVersions = new HashMap<>();

  KarpenterNodes(
      ObjectStore store,
      DisruptionBudgets budgets,
      ClusterControllers controllers,
      Duration launch,
      int launchFailures,
      String region) {
    this.store = store;
    this.budgets = budgets;
    this.controllers = controllers;
    this.launch = launch;
    this.launchFailuresLeft = launchFailures;
    this.region = region;
  }

  /** The scenario's NodePools with their nodes, running {@code version}, Ready at once. */
  void createStarting(List<NodePoolSpec> pools, String version) {
    for (EC2NodeClass nodeClass : store.list(EC2NodeClass.class)) {
      if (!followsControlPlane(nodeClass)) {
        pinnedVersions.put(selectionOf(nodeClass), version);
      }
    }
    for (NodePoolSpec spec : pools) {
      NodePool pool = new NodePool();
      pool.setApiVersion(GROUP_VERSION);
      pool.setKind("NodePool");
      pool.setMetadata(new ObjectMetaBuilder().withName(spec.name()).build());
      Map<String, Object> template = new LinkedHashMap<>();
      template.put("metadata", Map.of("labels", new LinkedHashMap<>(spec.labels())));
      template.put(
          "spec",
          Map.of(
              "nodeClassRef",
              Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", spec.nodeClass())));
      section(pool, "spec").put("template", template);
      Map<String, Object> disruption = new LinkedHashMap<>();
      disruption.put("consolidationPolicy", "WhenEmptyOrUnderutilized");
      disruption.put("budgets", List.of(Map.of("nodes", spec.driftBudget())));
      section(pool, "spec").put("disruption", disruption);
      store.create(pool);
      for (int i = 0; i < spec.nodes(); i++) {
        NodeClaim claim = newClaim(pool);
        store.create(claim);
        launchNode(claim, version);
      }
    }
  }

  void tick(Instant now, String controlPlaneVersion) {
    List<NodePool> pools = store.list(NodePool.class);
    if (pools.isEmpty()) {
      return;
    }
    Map<String, Node> nodes = new HashMap<>();
    store.list(Node.class).forEach(n -> nodes.put(n.getMetadata().getName(), n));
    Map<String, EC2NodeClass> classes = new HashMap<>();
    store.list(EC2NodeClass.class).forEach(c -> classes.put(c.getMetadata().getName(), c));
    for (NodeClaim claim : store.list(NodeClaim.class)) {
      String nodeName = text(section(claim, "status"), "nodeName");
      if (nodeName == null) {
        settleLaunch(claim, now, controlPlaneVersion);
      } else if (nodes.containsKey(nodeName)) {
        String kubelet = nodes.get(nodeName).getStatus().getNodeInfo().getKubeletVersion();
        EC2NodeClass nodeClass = classes.get(nodeClassOf(claim));
        String launchedWith = claim.getMetadata().getAnnotations() == null ? null : claim.getMetadata().getAnnotations().get(NODE_CLASS_HASH);
        boolean classDrift = nodeClass != null && launchedWith != null && !launchedWith.equals(specHash(nodeClass));
        boolean versionDrift =
            (nodeClass == null || followsControlPlane(nodeClass)) && !minorOf(kubelet).equals(controlPlaneVersion);
        boolean drifted = classDrift || versionDrift;
        if (drifted || "True".equals(condition(claim, "Drifted"))) {
          setCondition(
              claim,
              "Drifted",
              drifted ? "True" : "False",
              classDrift ? "NodeClassDrift" : drifted ? "AMIDrift" : "NotDrifted",
              classDrift
                  ? "EC2NodeClass " + nodeClassOf(claim) + " changed since the node launched"
                  : drifted ? "the node runs " + kubelet + "; the control plane runs " + controlPlaneVersion : "",
              ObjectStore.timestamp(now));
          store.update(claim);
        }
      }
    }
    for (NodePool pool : pools) {
      disrupt(pool, now, nodes);
    }
  }

  private void settleLaunch(NodeClaim claim, Instant now, String controlPlaneVersion) {
    String failedAt = claim.getMetadata().getAnnotations() == null ? null : claim.getMetadata().getAnnotations().get(FAILED_AT);
    if (failedAt != null) {
      if (!Instant.parse(failedAt).plus(launch).isAfter(now)) {
        store.remove(claim);
      }
      return;
    }
    Instant created = ObjectStore.instant(claim.getMetadata().getCreationTimestamp());
    if (created.plus(launch).isAfter(now)) {
      return;
    }
    Optional<String> controller = controllerVersion();
    if (controller.isPresent() && !KarpenterVersions.supports(controller.get(), controlPlaneVersion)) {
      setCondition(
          claim,
          "Launched",
          "False",
          "UnsupportedKubernetesVersion",
          "Karpenter " + controller.get() + " does not support Kubernetes " + controlPlaneVersion,
          ObjectStore.timestamp(now));
      store.update(claim);
      return;
    }
    if (launchFailuresLeft > 0) {
      launchFailuresLeft--;
      claim.getMetadata().getAnnotations().put(FAILED_AT, ObjectStore.timestamp(now));
      setCondition(
          claim,
          "Launched",
          "False",
          "LaunchFailed",
          "InsufficientInstanceCapacity: We currently do not have sufficient m5.large capacity in"
              + " the Availability Zone you requested (" + region + "a).",
          ObjectStore.timestamp(now));
      store.update(claim);
      return;
    }
    launchNode(claim, controlPlaneVersion);
  }

  /**
   * The version of the Karpenter controller that runs: the image tag of the {@code controller}
   * container of the Deployment labelled {@code app.kubernetes.io/name: karpenter}; empty when the
   * scenario describes no controller.
   */
  private Optional<String> controllerVersion() {
    for (Deployment deployment : store.list(Deployment.class)) {
      if (!"karpenter".equals(ObjectFacts.labels(deployment).get(CONTROLLER_LABEL))
          || deployment.getSpec() == null
          || deployment.getSpec().getTemplate() == null) {
        continue;
      }
      for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
        String image = container.getImage();
        if ("controller".equals(container.getName()) && image != null && image.contains(":")) {
          String tag = image.substring(image.lastIndexOf(':') + 1);
          tag = tag.startsWith("v") ? tag.substring(1) : tag;
          if (tag.matches("\\d+\\.\\d+\\.\\d+.*")) {
            return Optional.of(tag);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Launches the claim's node from its EC2NodeClass (an AL2023 alias following the control plane when it has none). */
  private void launchNode(NodeClaim claim, String controlPlaneVersion) {
    String className = nodeClassOf(claim);
    EC2NodeClass nodeClass = store.get(EC2NodeClass.class, null, className).orElse(null);
    String version =
        nodeClass == null || followsControlPlane(nodeClass)
            ? controlPlaneVersion
            : pinnedVersions.computeIfAbsent(selectionOf(nodeClass), k -> controlPlaneVersion);
    String family = nodeClass == null ? "AL2023" : KarpenterResources.amiFamily(nodeClass);
    int n = instances++;
    String instanceId = String.format("i-0c%015x", 0xa0000000L + n);
    String nodeName = "ip-10-0-200-" + (n % 250 + 2) + "." + region + ".compute.internal";
    if (n >= 250) {
      nodeName = "ip-10-0-" + (200 + n / 250) + "-" + (n % 250 + 2) + "." + region + ".compute.internal";
    }
    String pool = claim.getMetadata().getLabels().get(NODE_POOL_LABEL);
    Map<String, String> labels = new LinkedHashMap<>(claim.getMetadata().getLabels());
    labels.put("karpenter.sh/registered", "true");
    labels.put("karpenter.sh/initialized", "true");
    labels.put("karpenter.sh/capacity-type", "on-demand");
    labels.put("node.kubernetes.io/instance-type", "m5.large");
    labels.put(NODE_POOL_LABEL, pool);
    labels.put(NODE_CLASS_LABEL, className);
    controllers.launchNode(
        new NodeLaunch(nodeName, instanceId, null, version, labels, List.of(), Duration.ZERO));
    String launched = nodeName;
    store.get(Node.class, null, nodeName)
        .ifPresent(
            node -> {
              node.getStatus().getNodeInfo().setOsImage(osImage(family, version));
              store.update(node);
            });
    if (nodeClass != null) {
      claim.getMetadata().getAnnotations().put(NODE_CLASS_HASH, specHash(nodeClass));
    }
    List<String> ids = nodeClass == null ? List.of() : KarpenterResources.amiIds(nodeClass);
    Map<String, Object> status = section(claim, "status");
    status.put("nodeName", launched);
    status.put("providerID", "aws:///" + region + "a/" + instanceId);
    status.put("imageID", ids.isEmpty() ? "ami-" + family.toLowerCase(Locale.ROOT) + "-" + version.replace('.', '-') : ids.get(0));
    String now = ObjectStore.timestamp(store.now());
    for (String type : List.of("Launched", "Registered", "Initialized", "Ready")) {
      setCondition(claim, type, "True", type, "", now);
    }
    store.update(claim);
  }

  private NodeClaim newClaim(NodePool pool) {
    NodeClaim claim = new NodeClaim();
    claim.setApiVersion(GROUP_VERSION);
    claim.setKind("NodeClaim");
    Map<String, String> labels = new LinkedHashMap<>();
    Object templateLabels = templateLabels(pool);
    if (templateLabels instanceof Map<?, ?> map) {
      map.forEach((k, v) -> labels.put(k.toString(), v.toString()));
    }
    labels.put(NODE_POOL_LABEL, pool.getMetadata().getName());
    String nodeClass = nodeClassRefOf(pool);
    labels.put(NODE_CLASS_LABEL, nodeClass);
    claim.setMetadata(
        new ObjectMetaBuilder()
            .withName(pool.getMetadata().getName() + "-" + store.randomSuffix(5))
            .withLabels(labels)
            .withAnnotations(new LinkedHashMap<>())
            .withOwnerReferences(Manifests.controllerReference(pool))
            .build());
    section(claim, "spec")
        .put("nodeClassRef", Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", nodeClass));
    setCondition(claim, "Launched", "Unknown", "Launching", "", ObjectStore.timestamp(store.now()));
    return claim;
  }

  /** {@code spec.template.spec.nodeClassRef.name} of a NodePool, "default" when it names none. */
  private static String nodeClassRefOf(NodePool pool) {
    Object template = section(pool, "spec").get("template");
    if (template instanceof Map<?, ?> t
        && t.get("spec") instanceof Map<?, ?> spec
        && spec.get("nodeClassRef") instanceof Map<?, ?> ref
        && ref.get("name") != null) {
      return ref.get("name").toString();
    }
    return DEFAULT_NODE_CLASS;
  }

  private static String nodeClassOf(NodeClaim claim) {
    Object ref = section(claim, "spec").get("nodeClassRef");
    if (ref instanceof Map<?, ?> m && m.get("name") != null) {
      return m.get("name").toString();
    }
    return DEFAULT_NODE_CLASS;
  }

  /** An alias {@code ...@latest} moves to each new control-plane version's AMI; pinned AMIs do not. */
  private static boolean followsControlPlane(EC2NodeClass nodeClass) {
    String alias = KarpenterResources.alias(nodeClass);
    return alias != null && alias.endsWith("@latest");
  }

  /** What a class selects its AMIs by: the alias, or the pinned ids. */
  private static String selectionOf(EC2NodeClass nodeClass) {
    String alias = KarpenterResources.alias(nodeClass);
    return alias != null ? alias : String.join(",", KarpenterResources.amiIds(nodeClass));
  }

  /** {@code status.nodeInfo.osImage} of a node of an AMI family. */
  static String osImage(String family, String kubernetesVersion) {
    return switch (family) {
      case "AL2" -> "Amazon Linux 2";
      case "Bottlerocket" -> "Bottlerocket OS 1.30.0 (aws-k8s-" + kubernetesVersion + ")";
      default -> "Amazon Linux 2023.7.20250512";
    };
  }

  /**
   * The hash of an EC2NodeClass's spec, as Karpenter records it on a NodeClaim: FNV-1a (64 bits) of
   * the spec's JSON with sorted keys, in decimal, so that the same spec always hashes the same.
   */
  private String specHash(EC2NodeClass nodeClass) {
    String canonical;
    try {
      canonical = CANONICAL.writeValueAsString(section(nodeClass, "spec"));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    long hash = 0xcbf29ce484222325L;
    for (byte b : canonical.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return Long.toUnsignedString(hash);
  }

  @SuppressWarnings("unchecked")
  private static Object templateLabels(NodePool pool) {
    Object template = section(pool, "spec").get("template");
    if (template instanceof Map<?, ?> t && t.get("metadata") instanceof Map<?, ?> m) {
      return ((Map<String, Object>) m).get("labels");
    }
    return null;
  }

  private void disrupt(NodePool pool, Instant now, Map<String, Node> nodes) {
    String poolName = pool.getMetadata().getName();
    List<NodeClaim> claims =
        store.list(NodeClaim.class).stream()
            .filter(c -> poolName.equals(c.getMetadata().getLabels().get(NODE_POOL_LABEL)))
            .toList();
    Map<String, NodeClaim> byName = new HashMap<>();
    claims.forEach(c -> byName.put(c.getMetadata().getName(), c));
    List<NodeClaim> replacing =
        claims.stream().filter(c -> c.getMetadata().getAnnotations().containsKey(REPLACED_BY)).toList();
    for (NodeClaim old : replacing) {
      String replacementName = old.getMetadata().getAnnotations().get(REPLACED_BY);
      NodeClaim replacement = byName.get(replacementName);
      if (replacement == null) {
        // Its launch failed and the claim was deleted: try again with a new one.
        NodeClaim again = newClaim(pool);
        store.create(again);
        old.getMetadata().getAnnotations().put(REPLACED_BY, again.getMetadata().getName());
        store.update(old);
        continue;
      }
      String newNode = text(section(replacement, "status"), "nodeName");
      if (newNode != null && nodes.containsKey(newNode) && ObjectFacts.isReady(nodes.get(newNode))) {
        drainForDrift(old, nodes);
      }
    }
    long launched =
        claims.stream()
            .filter(c -> !c.getMetadata().getAnnotations().containsKey(FAILED_AT))
            .filter(c -> !isReplacement(c, claims))
            .count();
    int budget = budgetOf(pool, (int) launched);
    int inFlight = replacing.size();
    List<NodeClaim> drifted =
        claims.stream()
            .filter(c -> "True".equals(condition(c, "Drifted")))
            .filter(c -> !c.getMetadata().getAnnotations().containsKey(REPLACED_BY))
            .sorted(Comparator.comparing((NodeClaim c) -> c.getMetadata().getCreationTimestamp()).thenComparing(c -> c.getMetadata().getName()))
            .toList();
    for (NodeClaim old : drifted) {
      if (inFlight >= budget) {
        break;
      }
      NodeClaim replacement = newClaim(pool);
      store.create(replacement);
      old.getMetadata().getAnnotations().put(REPLACED_BY, replacement.getMetadata().getName());
      setCondition(old, "Disrupting", "True", "Drifted", "replaced by " + replacement.getMetadata().getName(), ObjectStore.timestamp(now));
      store.update(old);
      inFlight++;
    }
  }

  private static boolean isReplacement(NodeClaim claim, List<NodeClaim> claims) {
    String name = claim.getMetadata().getName();
    return claims.stream().anyMatch(c -> name.equals(c.getMetadata().getAnnotations().get(REPLACED_BY)));
  }

  /** {@code spec.disruption.budgets[*].nodes}: the smallest, counts or percentages rounded up. */
  @SuppressWarnings("unchecked")
  static int budgetOf(NodePool pool, int nodes) {
    Object disruption = section(pool, "spec").get("disruption");
    int budget = Integer.MAX_VALUE;
    if (disruption instanceof Map<?, ?> d && d.get("budgets") instanceof List<?> list) {
      for (Object item : list) {
        Object value = ((Map<String, Object>) item).get("nodes");
        if (value != null) {
          String text = value.toString();
          IntOrString parsed = text.endsWith("%") ? new IntOrString(text) : new IntOrString(Integer.parseInt(text));
          budget = Math.min(budget, DisruptionBudgets.scaled(parsed, nodes));
        }
      }
    }
    return budget == Integer.MAX_VALUE ? (int) Math.ceil(nodes * 0.1) : budget;
  }

  /** Taints the old node, evicts what the budgets allow, and removes node and claim once empty. */
  private void drainForDrift(NodeClaim old, Map<String, Node> nodes) {
    String nodeName = text(section(old, "status"), "nodeName");
    Node node = nodeName == null ? null : nodes.get(nodeName);
    if (node == null) {
      store.remove(old);
      return;
    }
    List<Taint> taints = node.getSpec().getTaints() == null ? new ArrayList<>() : new ArrayList<>(node.getSpec().getTaints());
    if (taints.stream().noneMatch(t -> DISRUPTED_TAINT.equals(t.getKey()))) {
      taints.add(new TaintBuilder().withKey(DISRUPTED_TAINT).withEffect("NoSchedule").build());
      node.getSpec().setTaints(taints);
      store.update(node);
    }
    boolean left = false;
    for (Pod pod : store.view(Pod.class)) {
      if (!nodeName.equals(ObjectFacts.nodeName(pod)) || !ObjectFacts.isActive(pod) || isDaemonPod(pod)) {
        continue;
      }
      left = true;
      if (ObjectFacts.isTerminating(pod)) {
        continue;
      }
      if (budgets.admit(pod, false).allowed()) {
        controllers.terminatePod(store.copy(pod), ClusterControllers.graceOf(pod), Loss.EVICTED);
      }
    }
    if (!left) {
      controllers.terminateNode(nodeName);
      store.remove(old);
    }
  }

  private static boolean isDaemonPod(Pod pod) {
    Optional<String> kind = ObjectFacts.controllerOf(pod).map(o -> o.getKind());
    return kind.isPresent() && kind.get().equals("DaemonSet");
  }

  /** "v1.33.0-eks-sandbox" → "1.33". */
  static String minorOf(String kubeletVersion) {
    String v = kubeletVersion.startsWith("v") ? kubeletVersion.substring(1) : kubeletVersion;
    String[] parts = v.split("[.-]");
    return parts.length < 2 ? v : parts[0] + "." + parts[1];
  }
}
