package io.eksupgrader.activities.preflight;

import io.eksupgrader.activities.kube.KubeletVersions;
import io.eksupgrader.activities.kube.NodeInstance;
import io.eksupgrader.activities.kube.PodDisruptionBudgets;
import io.eksupgrader.activities.kube.PodFacts;
import io.eksupgrader.activities.kube.Workloads;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.eksupgrader.workflows.planning.SkewRule;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the drains and node replacements of the upgrade will meet, read once from the cluster:
 *
 * <ul>
 *   <li>PodDisruptionBudgets that can never allow an eviction: maxUnavailable 0 (or 0%), or
 *       minAvailable that, rounded up as the disruption controller rounds it, is at least the pods
 *       it expects (the replicas of the Deployments and StatefulSets it selects, else the pods it
 *       selects). A drain of a node with such pods waits out its timeout, then asks for a decision.
 *   <li>Pods that two or more budgets select: the eviction API refuses them with 500.
 *   <li>Deployments and StatefulSets of one replica: an eviction takes them down until the
 *       replacement pod is Ready.
 *   <li>Pods without a controller and pods with emptyDir volumes, judged with the drain options as
 *       the drain judges them: refused (a blocker) unless force, or delete-emptydir-data, allows
 *       them; then a warning, since nothing recreates the pod, or its volume's data is lost. Only
 *       pods on nodes a node group step drains count (its managed group or self-managed instance
 *       is replaced): Karpenter evicts its own nodes' pods, and Fargate pods are restarted, where
 *       a pod without a controller is a warning, since that step cannot restart it.
 * </ul>
 *
 * Mirror pods, DaemonSet pods and finished pods are left out, as the drain leaves them. Pods are
 * reported by the workload that owns them, so a Deployment of fifty replicas is one finding.
 *
 * <p>Nodes: a node whose kubelet a minor of the path would leave further behind than {@link
 * SkewRule} allows is a blocker at the first such minor, unless a step of the upgrade replaces it:
 * its managed node group ({@code eks.amazonaws.com/nodegroup}) is one the request names, its EC2
 * instance is one of a self-managed group the upgrade replaces, it is Karpenter's ({@code karpenter.sh/nodepool}: drift replaces it) or Fargate's (recycled).
 */
final class WorkloadCheck {

  static final String NODE_GROUP_LABEL = "eks.amazonaws.com/nodegroup";
  static final String NODE_POOL_LABEL = "karpenter.sh/nodepool";
  static final String COMPUTE_TYPE_LABEL = "eks.amazonaws.com/compute-type";
  /** The label eksctl puts on the nodes of its self-managed groups; shown, never trusted. */
  static final String EKSCTL_GROUP_LABEL = "alpha.eksctl.io/nodegroup-name";

  private final KubernetesClient client;
  private final UpgradePath path;
  private final DrainOptions drain;
  private final Set<String> replacedGroups;
  private final Set<String> replacedInstances;

  private List<Pod> pods;
  private final Map<String, ReplicaSet> replicaSets = new HashMap<>();
  private final Map<String, Deployment> deployments = new LinkedHashMap<>();
  private final Map<String, StatefulSet> statefulSets = new LinkedHashMap<>();
  private final Map<String, Node> nodes = new HashMap<>();

  WorkloadCheck(
      KubernetesClient client,
      UpgradePath path,
      DrainOptions drain,
      List<String> replacedGroups,
      List<String> replacedInstances) {
    this.client = client;
    this.path = path;
    this.drain = drain == null ? DrainOptions.defaults() : drain;
    this.replacedGroups = Set.copyOf(replacedGroups);
    this.replacedInstances = Set.copyOf(replacedInstances);
  }

  List<PreflightFinding> run() {
    read();
    List<PreflightFinding> findings = new ArrayList<>();
    List<PodDisruptionBudget> budgets = client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems();
    for (PodDisruptionBudget budget : budgets) {
      neverAllows(budget).ifPresent(findings::add);
    }
    findings.addAll(multipleBudgets(budgets));
    findings.addAll(singleReplicas());
    findings.addAll(podsTheDrainJudges());
    findings.addAll(nodeSkew());
    return findings;
  }

  private void read() {
    pods =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> !PodFacts.isTerminating(p))
            .sorted(Comparator.comparing(PodFacts::key))
            .toList();
    client.apps().replicaSets().inAnyNamespace().list().getItems().forEach(rs -> replicaSets.put(key(rs), rs));
    client.apps().deployments().inAnyNamespace().list().getItems().forEach(d -> deployments.put(key(d), d));
    client.apps().statefulSets().inAnyNamespace().list().getItems().forEach(s -> statefulSets.put(key(s), s));
    client.nodes().list().getItems().forEach(n -> nodes.put(n.getMetadata().getName(), n));
  }

  /** Whether a node group step of this upgrade drains the node: its group or instance is replaced. */
  private boolean drained(Pod pod) {
    Node node = pod.getSpec() == null || pod.getSpec().getNodeName() == null ? null : nodes.get(pod.getSpec().getNodeName());
    if (node == null) {
      return false;
    }
    String group = node.getMetadata().getLabels() == null ? null : node.getMetadata().getLabels().get(NODE_GROUP_LABEL);
    return (group != null && replacedGroups.contains(group)) || NodeInstance.runsOn(node, replacedInstances);
  }

  private boolean onFargate(Pod pod) {
    Node node = pod.getSpec() == null || pod.getSpec().getNodeName() == null ? null : nodes.get(pod.getSpec().getNodeName());
    return node != null && node.getMetadata().getLabels() != null
        && "fargate".equals(node.getMetadata().getLabels().get(COMPUTE_TYPE_LABEL));
  }

  /** The pods a drain evicts or refuses: not mirror, DaemonSet or finished pods. */
  private List<Pod> drainable() {
    return pods.stream()
        .filter(p -> !PodFacts.isMirror(p) && !PodFacts.isDaemonSetPod(p) && !PodFacts.isFinished(p))
        .toList();
  }

  // ---- PodDisruptionBudgets ----

  private Optional<PreflightFinding> neverAllows(PodDisruptionBudget budget) {
    if (budget.getSpec() == null) {
      return Optional.empty();
    }
    String namespace = budget.getMetadata().getNamespace();
    List<Pod> selected =
        drainable().stream()
            .filter(p -> p.getMetadata().getNamespace().equals(namespace))
            .filter(p -> PodDisruptionBudgets.matches(budget.getSpec().getSelector(), labels(p)))
            .toList();
    List<String> controllers = new ArrayList<>();
    int expected = 0;
    for (Deployment d : deployments.values()) {
      if (d.getMetadata().getNamespace().equals(namespace) && selects(budget, d.getSpec().getTemplate())) {
        int replicas = replicas(d.getSpec().getReplicas());
        expected += replicas;
        controllers.add("Deployment " + key(d) + " (" + replicas + " replica(s))");
      }
    }
    for (StatefulSet s : statefulSets.values()) {
      if (s.getMetadata().getNamespace().equals(namespace) && selects(budget, s.getSpec().getTemplate())) {
        int replicas = replicas(s.getSpec().getReplicas());
        expected += replicas;
        controllers.add("StatefulSet " + key(s) + " (" + replicas + " replica(s))");
      }
    }
    if (controllers.isEmpty()) {
      expected = selected.size();
    }
    if (expected == 0) {
      return Optional.empty();
    }
    IntOrString maxUnavailable = budget.getSpec().getMaxUnavailable();
    IntOrString minAvailable = budget.getSpec().getMinAvailable();
    String rule;
    if (maxUnavailable != null) {
      if (scaled(maxUnavailable, expected) > 0) {
        return Optional.empty();
      }
      rule = "spec.maxUnavailable: " + text(maxUnavailable);
    } else if (minAvailable != null) {
      int required = scaled(minAvailable, expected);
      if (required < expected) {
        return Optional.empty();
      }
      rule = "spec.minAvailable: " + text(minAvailable) + " of " + expected + " expected pod(s)";
    } else {
      return Optional.empty();
    }
    String name = namespace + "/" + budget.getMetadata().getName();
    List<String> evidence = new ArrayList<>();
    evidence.add(name + " (PodDisruptionBudget): " + rule);
    evidence.add(controllers.isEmpty() ? "selects no Deployment or StatefulSet" : "selects " + String.join(", ", controllers));
    evidence.add("pods: " + (selected.isEmpty() ? "none running" : describePods(selected)));
    return Optional.of(
        new PreflightFinding(
            PreflightActivities.PDB_NEVER_ALLOWS,
            Severity.WARNING,
            name + " (PodDisruptionBudget)",
            null,
            "allows no eviction of its " + expected + " pod(s) (" + rule + "): draining a node that runs one retries for the"
                + " drain timeout (" + drain.timeoutSecondsOrDefault() + "s), then stops and asks for a decision",
            evidence,
            "before the upgrade, let the budget allow one disruption (maxUnavailable: 1, or minAvailable below the"
                + " replicas) or scale the workload up; at the drain the decision can retry after you change it, skip"
                + " the node, or force-delete the named pods"));
  }

  private static boolean selects(PodDisruptionBudget budget, PodTemplateSpec template) {
    Map<String, String> labels =
        template == null || template.getMetadata() == null || template.getMetadata().getLabels() == null
            ? Map.of()
            : template.getMetadata().getLabels();
    return PodDisruptionBudgets.matches(budget.getSpec().getSelector(), labels);
  }

  /** An int, or a percentage of {@code total} rounded up, as the disruption controller scales both fields. */
  static int scaled(IntOrString value, int total) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String text = value.getStrVal() == null ? "" : value.getStrVal().trim();
    if (text.endsWith("%")) {
      int percent = Integer.parseInt(text.substring(0, text.length() - 1).trim());
      return (int) Math.ceil(percent * total / 100.0);
    }
    return Integer.parseInt(text);
  }

  private static String text(IntOrString value) {
    return value.getIntVal() != null ? String.valueOf(value.getIntVal()) : value.getStrVal();
  }

  private List<PreflightFinding> multipleBudgets(List<PodDisruptionBudget> budgets) {
    Map<String, List<Pod>> podsByOwnerAndBudgets = new LinkedHashMap<>();
    Map<String, String> subjects = new HashMap<>();
    Map<String, List<String>> budgetNames = new HashMap<>();
    for (Pod pod : drainable()) {
      List<String> selecting =
          budgets.stream()
              .filter(b -> b.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()))
              .filter(b -> b.getSpec() != null && PodDisruptionBudgets.matches(b.getSpec().getSelector(), labels(pod)))
              .map(b -> b.getMetadata().getNamespace() + "/" + b.getMetadata().getName())
              .sorted()
              .toList();
      if (selecting.size() < 2) {
        continue;
      }
      String owner = owner(pod);
      String group = owner + "\n" + selecting;
      podsByOwnerAndBudgets.computeIfAbsent(group, k -> new ArrayList<>()).add(pod);
      subjects.put(group, owner);
      budgetNames.put(group, selecting);
    }
    List<PreflightFinding> findings = new ArrayList<>();
    for (Map.Entry<String, List<Pod>> e : podsByOwnerAndBudgets.entrySet()) {
      List<String> names = budgetNames.get(e.getKey());
      findings.add(
          new PreflightFinding(
              PreflightActivities.POD_MULTIPLE_PDBS,
              Severity.WARNING,
              subjects.get(e.getKey()),
              null,
              e.getValue().size() + " pod(s) selected by " + names.size() + " PodDisruptionBudgets (" + String.join(", ", names)
                  + "): the eviction API refuses such pods with 500, so no drain can evict them",
              List.of("PodDisruptionBudgets: " + String.join(", ", names), "pods: " + describePods(e.getValue())),
              "make the budgets' selectors disjoint so that each pod has one budget; else the drain stops at these"
                  + " pods and asks for a decision (force-deletes them, or skip the node)"));
    }
    return findings;
  }

  // ---- workloads ----

  private List<PreflightFinding> singleReplicas() {
    List<PreflightFinding> findings = new ArrayList<>();
    List<HasMetadata> workloads = new ArrayList<>(deployments.values());
    workloads.addAll(statefulSets.values());
    for (HasMetadata workload : workloads) {
      Integer replicas =
          workload instanceof Deployment d ? d.getSpec().getReplicas() : ((StatefulSet) workload).getSpec().getReplicas();
      if (replicas(replicas) != 1) {
        continue;
      }
      String subject = key(workload) + " (" + workload.getKind() + ")";
      List<Pod> own = drainable().stream().filter(p -> owner(p).equals(subject)).toList();
      findings.add(
          new PreflightFinding(
              PreflightActivities.SINGLE_REPLICA,
              Severity.WARNING,
              subject,
              null,
              "runs one replica: draining or replacing its node evicts the only pod, and it is down until the new pod is Ready",
              List.of(subject + ": spec.replicas 1", "pod: " + (own.isEmpty() ? "none running" : describePods(own))),
              "scale it to two or more (with a PodDisruptionBudget of maxUnavailable 1) before the upgrade, or accept the"
                  + " downtime"));
    }
    return findings;
  }

  private List<PreflightFinding> podsTheDrainJudges() {
    List<PreflightFinding> findings = new ArrayList<>();
    Map<String, List<Pod>> withEmptyDir = new LinkedHashMap<>();
    for (Pod pod : drainable()) {
      if (!drained(pod)) {
        // Karpenter's drift evicts its own nodes' pods; a Fargate pod is restarted, never drained.
        if (onFargate(pod) && PodFacts.controller(pod).isEmpty()) {
          findings.add(fargateWithoutController(pod));
        }
        continue;
      }
      if (PodFacts.controller(pod).isEmpty()) {
        findings.add(withoutController(pod));
      }
      if (PodFacts.hasEmptyDir(pod)) {
        withEmptyDir.computeIfAbsent(owner(pod), k -> new ArrayList<>()).add(pod);
      }
    }
    for (Map.Entry<String, List<Pod>> e : withEmptyDir.entrySet()) {
      findings.add(emptyDir(e.getKey(), e.getValue()));
    }
    return findings;
  }

  private PreflightFinding withoutController(Pod pod) {
    String subject = PodFacts.key(pod) + " (Pod)";
    List<String> evidence =
        List.of(subject + ": no ownerReference with controller: true", "node: " + nodeOf(pod));
    if (!drain.force()) {
      return new PreflightFinding(
          PreflightActivities.POD_WITHOUT_CONTROLLER,
          Severity.BLOCKER,
          subject,
          null,
          "has no controller: the drain refuses to evict it without force, so its node is not drained",
          evidence,
          "run it under a Deployment, StatefulSet or Job, delete it, or set drain.force in the upgrade spec to let the"
              + " drain evict it (nothing recreates it)");
    }
    return new PreflightFinding(
        PreflightActivities.POD_WITHOUT_CONTROLLER,
        Severity.WARNING,
        subject,
        null,
        "has no controller: the drain evicts it (drain.force) and nothing recreates it",
        evidence,
        "recreate it yourself after its node is drained, or run it under a Deployment, StatefulSet or Job");
  }

  private PreflightFinding fargateWithoutController(Pod pod) {
    String subject = PodFacts.key(pod) + " (Pod)";
    return new PreflightFinding(
        PreflightActivities.POD_WITHOUT_CONTROLLER,
        Severity.WARNING,
        subject,
        null,
        "runs on Fargate without a controller: the Fargate step cannot restart it onto the new version, and stops"
            + " naming it",
        List.of(subject + ": no ownerReference with controller: true", "node: " + nodeOf(pod)),
        "run it under a Deployment or StatefulSet, or delete it when it may go; else skip the Fargate step when it"
            + " stops (the pod keeps its old kubelet)");
  }

  private PreflightFinding emptyDir(String subject, List<Pod> pods) {
    String volumes =
        pods.stream()
            .flatMap(p -> p.getSpec().getVolumes().stream())
            .filter(v -> v.getEmptyDir() != null)
            .map(Volume::getName)
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
    List<String> evidence = List.of("emptyDir volumes: " + volumes, "pods: " + describePods(pods));
    if (!drain.deleteEmptyDirData()) {
      return new PreflightFinding(
          PreflightActivities.POD_EMPTYDIR,
          Severity.BLOCKER,
          subject,
          null,
          pods.size() + " pod(s) with emptyDir volumes: the drain refuses them without delete-emptydir-data, so their"
              + " nodes are not drained",
          evidence,
          "if the data is scratch (caches, temporary files), set drain.deleteEmptyDirData in the upgrade spec; else move"
              + " it to a PersistentVolumeClaim first");
    }
    return new PreflightFinding(
        PreflightActivities.POD_EMPTYDIR,
        Severity.WARNING,
        subject,
        null,
        pods.size() + " pod(s) with emptyDir volumes: the drain evicts them (drain.deleteEmptyDirData) and the data in"
            + " those volumes is lost",
        evidence,
        "make sure the data is scratch, or move it to a PersistentVolumeClaim before the upgrade");
  }

  // ---- nodes ----

  private List<PreflightFinding> nodeSkew() {
    List<PreflightFinding> findings = new ArrayList<>();
    List<Node> nodes =
        client.nodes().list().getItems().stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList();
    for (Node node : nodes) {
      Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
      String group = labels.get(NODE_GROUP_LABEL);
      if ((group != null && replacedGroups.contains(group))
          || NodeInstance.runsOn(node, replacedInstances)
          || labels.containsKey(NODE_POOL_LABEL)
          || "fargate".equals(labels.get(COMPUTE_TYPE_LABEL))) {
        continue;
      }
      KubernetesVersion kubelet = KubeletVersions.of(node);
      if (kubelet == null) {
        continue;
      }
      for (KubernetesVersion minor : path.minors()) {
        if (SkewRule.allows(minor, kubelet)) {
          continue;
        }
        String name = node.getMetadata().getName();
        String belongs =
            group != null
                ? "managed node group " + group + " (" + NODE_GROUP_LABEL + "), which this upgrade does not replace"
                : labels.containsKey(EKSCTL_GROUP_LABEL)
                    ? "self-managed group " + labels.get(EKSCTL_GROUP_LABEL) + " (" + EKSCTL_GROUP_LABEL + ")"
                    : "no managed node group, Karpenter NodePool or Fargate profile";
        findings.add(
            new PreflightFinding(
                PreflightActivities.VERSION_SKEW,
                Severity.BLOCKER,
                name + " (Node)",
                minor.toString(),
                "kubelet " + kubelet + " would be " + (minor.minor() - kubelet.minor()) + " minors behind Kubernetes " + minor
                    + " (at most " + SkewRule.maxLag(minor) + " are allowed), and no step of this upgrade replaces the node",
                List.of(
                    name + ": status.nodeInfo.kubeletVersion " + node.getStatus().getNodeInfo().getKubeletVersion(),
                    name + ": belongs to " + belongs),
                "upgrade or replace the node before the control plane reaches " + minor + ": include its node group in the"
                    + " upgrade, move its self-managed group to a newer AMI, or drain and remove it"));
        break;
      }
    }
    return findings;
  }

  // ---- helpers ----

  /** The subject a pod is reported by: its Deployment, StatefulSet or other controller, else itself. */
  private String owner(Pod pod) {
    OwnerReference controller = Workloads.controllerOf(pod.getMetadata().getOwnerReferences());
    String namespace = pod.getMetadata().getNamespace();
    if (controller == null) {
      return PodFacts.key(pod) + " (Pod)";
    }
    if (controller.getKind().equals("ReplicaSet")) {
      ReplicaSet rs = replicaSets.get(namespace + "/" + controller.getName());
      OwnerReference deployment = rs == null ? null : Workloads.controllerOf(rs.getMetadata().getOwnerReferences());
      if (deployment != null && deployment.getKind().equals("Deployment")) {
        return namespace + "/" + deployment.getName() + " (Deployment)";
      }
    }
    return namespace + "/" + controller.getName() + " (" + controller.getKind() + ")";
  }

  private static String describePods(List<Pod> pods) {
    return pods.stream().map(p -> PodFacts.key(p) + " on " + nodeOf(p)).collect(Collectors.joining(", "));
  }

  private static String nodeOf(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "no node yet" : pod.getSpec().getNodeName();
  }

  private static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }

  private static String key(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }
}
