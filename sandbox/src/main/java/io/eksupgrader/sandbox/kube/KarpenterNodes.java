package io.eksupgrader.sandbox.kube;

import static io.eksupgrader.sandbox.kube.KarpenterResources.DISRUPTED_TAINT;
import static io.eksupgrader.sandbox.kube.KarpenterResources.GROUP_VERSION;
import static io.eksupgrader.sandbox.kube.KarpenterResources.NODE_POOL_LABEL;
import static io.eksupgrader.sandbox.kube.KarpenterResources.condition;
import static io.eksupgrader.sandbox.kube.KarpenterResources.section;
import static io.eksupgrader.sandbox.kube.KarpenterResources.setCondition;
import static io.eksupgrader.sandbox.kube.KarpenterResources.text;

import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.Scenario.NodePoolSpec;
import io.eksupgrader.sandbox.kube.KarpenterResources.NodeClaim;
import io.eksupgrader.sandbox.kube.KarpenterResources.NodePool;
import io.eksupgrader.sandbox.kube.PdbBreach.Loss;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A simulated Karpenter v1 controller: NodePools own NodeClaims, each NodeClaim launches one node,
 * and drift replaces nodes whose version no longer matches the control plane's.
 *
 * <p>On every tick:
 *
 * <ol>
 *   <li>Launch: a NodeClaim without a node gets one {@code karpenterLaunch} after its creation, Ready
 *       at once and running the control plane's version of that moment; while the scenario's
 *       {@code karpenterLaunchFailures} last, the launch fails instead: the claim shows {@code
 *       Launched=False} with EC2's reason for {@code karpenterLaunch} and is then deleted.
 *   <li>Drift: a launched claim whose node's kubelet minor differs from the control plane's gets
 *       {@code Drifted=True} (an AMI alias such as {@code al2023@latest} follows the control plane).
 *   <li>Disruption, per NodePool, at most its drift budget of nodes at once (a count or a
 *       percentage of its nodes, rounded up; "0" stops drift): a drifted claim gets a replacement
 *       claim; once the replacement's node is Ready, the old node is tainted {@code
 *       karpenter.sh/disrupted:NoSchedule} and its pods are evicted through the PodDisruptionBudget
 *       check (never around it); when only DaemonSet pods are left the node and its claim go.
 * </ol>
 */
final class KarpenterNodes {

  /** On an old claim: the name of the claim that replaces it. */
  static final String REPLACED_BY = "sandbox.eks-upgrader.io/replaced-by";
  private static final String FAILED_AT = "sandbox.eks-upgrader.io/launch-failed-at";
  private static final String NODE_CLASS = "default";

  private final ObjectStore store;
  private final DisruptionBudgets budgets;
  private final ClusterControllers controllers;
  private final Duration launch;
  private final String region;
  private int launchFailuresLeft;
  private int instances;

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
              Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", NODE_CLASS)));
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
    for (NodeClaim claim : store.list(NodeClaim.class)) {
      String nodeName = text(section(claim, "status"), "nodeName");
      if (nodeName == null) {
        settleLaunch(claim, now, controlPlaneVersion);
      } else if (nodes.containsKey(nodeName)) {
        String kubelet = nodes.get(nodeName).getStatus().getNodeInfo().getKubeletVersion();
        boolean drifted = !minorOf(kubelet).equals(controlPlaneVersion);
        if (drifted != "True".equals(condition(claim, "Drifted"))) {
          setCondition(
              claim,
              "Drifted",
              drifted ? "True" : "False",
              drifted ? "AMIDrift" : "NotDrifted",
              drifted ? "the node runs " + kubelet + "; the control plane runs " + controlPlaneVersion : "",
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

  private void launchNode(NodeClaim claim, String version) {
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
    controllers.launchNode(
        new NodeLaunch(nodeName, instanceId, null, version, labels, List.of(), Duration.ZERO));
    Map<String, Object> status = section(claim, "status");
    status.put("nodeName", nodeName);
    status.put("providerID", "aws:///" + region + "a/" + instanceId);
    status.put("imageID", "ami-al2023-" + version.replace('.', '-'));
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
    labels.put("karpenter.k8s.aws/ec2nodeclass", NODE_CLASS);
    claim.setMetadata(
        new ObjectMetaBuilder()
            .withName(pool.getMetadata().getName() + "-" + store.randomSuffix(5))
            .withLabels(labels)
            .withAnnotations(new LinkedHashMap<>())
            .withOwnerReferences(Manifests.controllerReference(pool))
            .build());
    section(claim, "spec")
        .put("nodeClassRef", Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", NODE_CLASS));
    setCondition(claim, "Launched", "Unknown", "Launching", "", ObjectStore.timestamp(store.now()));
    return claim;
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
    for (Pod pod : store.list(Pod.class)) {
      if (!nodeName.equals(ObjectFacts.nodeName(pod)) || !ObjectFacts.isActive(pod) || isDaemonPod(pod)) {
        continue;
      }
      left = true;
      if (ObjectFacts.isTerminating(pod)) {
        continue;
      }
      if (budgets.admit(pod, false).allowed()) {
        controllers.terminatePod(pod, ClusterControllers.graceOf(pod), Loss.EVICTED);
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
