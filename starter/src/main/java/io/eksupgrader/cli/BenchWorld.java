package io.eksupgrader.cli;

import io.eksupgrader.sandbox.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of one benchmark cluster, from which both its sandbox scenario (YAML) and its
 * critical-path lower bound ({@link CriticalPathBound}) are made, so that the two never disagree.
 *
 * @param name the scenario's and the cluster's name
 * @param fromVersion the cluster's starting version; the benchmark upgrades it to {@code toVersion}
 * @param nodeGroups managed node groups, each with its nodes and the Deployments pinned to it
 * @param daemonSets DaemonSets in kube-system (their pods are skipped by drains)
 * @param karpenterNodes Karpenter nodes in one NodePool (0: no Karpenter)
 * @param karpenterBudget that NodePool's drift budget, in nodes
 * @param istio whether Istio runs (revision 1-26, moved to 1.28 in two revision steps)
 * @param meshReplicas replicas of the one Deployment in the meshed namespace, on the first group
 * @param durations the simulated durations the sandbox is given
 * @param throttlingRate the share of AWS requests the sandbox answers with a ThrottlingException
 */
record BenchWorld(
    String name,
    String fromVersion,
    String toVersion,
    List<NodeGroup> nodeGroups,
    List<String> daemonSets,
    int karpenterNodes,
    int karpenterBudget,
    boolean istio,
    int meshReplicas,
    Scenario.Durations durations,
    double throttlingRate) {

  /**
   * One managed node group and the Deployments whose pods it runs.
   *
   * @param deployments Deployments of {@code replicas} pods each, pinned to the group's nodes
   * @param pdbMaxUnavailable each Deployment's PodDisruptionBudget by index ("1", "10%"), cycled;
   *     empty: no budgets
   */
  record NodeGroup(String name, int nodes, int deployments, int replicas, List<String> pdbMaxUnavailable) {

    int pods() {
      return deployments * replicas;
    }

    String deploymentName(int i) {
      return name + "-app-" + i;
    }

    /** The budget of Deployment {@code i}, or null when the group's Deployments have none. */
    String budgetOf(int i) {
      return pdbMaxUnavailable.isEmpty() ? null : pdbMaxUnavailable.get(i % pdbMaxUnavailable.size());
    }
  }

  /** The sandbox's usual durations (the demo's): 25 min control plane, 15 min node group, 20 s pod start. */
  static Scenario.Durations defaultDurations() {
    return new Scenario.Durations(
        Duration.ofMinutes(25),
        Duration.ofMinutes(15),
        Duration.ofMinutes(5),
        Duration.ofSeconds(90),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofMinutes(3),
        Duration.ofMinutes(2));
  }

  /**
   * R1, the reference cluster: 1.32 → 1.34, three managed node groups of 20 nodes, 1,200 pods in
   * Deployments of 20 replicas whose budgets alternate maxUnavailable 1 and 10%, two DaemonSets,
   * Karpenter (1.0.2, two nodes, budget 1) and Istio moved over two revision steps.
   */
  static BenchWorld r1() {
    return r1(20, 20);
  }

  /**
   * R1's shape with fewer nodes and Deployments per group: the same versions, components, budgets
   * and 20-replica Deployments, so the same eviction waves, for machines whose sandbox cannot
   * simulate 1,200 pods at speed ({@code bench --small}: 5 nodes and 5 Deployments per group).
   */
  static BenchWorld r1(int nodesPerGroup, int deploymentsPerGroup) {
    List<NodeGroup> groups = new ArrayList<>();
    for (String group : List.of("ng-a", "ng-b", "ng-c")) {
      groups.add(new NodeGroup(group, nodesPerGroup, deploymentsPerGroup, 20, List.of("1", "10%")));
    }
    return new BenchWorld(
        nodesPerGroup == 20 && deploymentsPerGroup == 20 ? "bench-r1" : "bench-r1-small", "1.32", "1.34", groups,
        List.of("aws-node", "kube-proxy"), 2, 1, true, 4, defaultDurations(), 0.0);
  }

  /**
   * The drain benchmark: one minor (1.33 → 1.34), one group of 50 nodes running 30 pods each in
   * Deployments without budgets, so that the figures are the drain's own cost, not PDB waits.
   */
  static BenchWorld drain() {
    return drain(50);
  }

  /** The same with fewer nodes (still 30 pods each); {@code bench --small} takes 10. */
  static BenchWorld drain(int nodes) {
    return new BenchWorld(
        nodes == 50 ? "bench-drain" : "bench-drain-small", "1.33", "1.34",
        List.of(new NodeGroup("workers", nodes, 30, nodes, List.of())), List.of("kube-proxy"), 0, 0, false, 0,
        defaultDurations(), 0.0);
  }

  /**
   * The history benchmark: 500 nodes in ten groups of 50, few pods (one budgeted Deployment of 10
   * per group, no DaemonSet), one minor, so that the histories of the widest workflows (a node
   * group's child has one DrainNode per node) are measured without simulating thousands of pods.
   */
  static BenchWorld large() {
    List<NodeGroup> groups = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      groups.add(new NodeGroup("ng-" + i, 50, 1, 10, List.of("10%")));
    }
    return new BenchWorld("bench-500", "1.33", "1.34", groups, List.of(), 0, 0, false, 0, defaultDurations(), 0.0);
  }

  BenchWorld withThrottlingRate(double rate) {
    return new BenchWorld(
        name, fromVersion, toVersion, nodeGroups, daemonSets, karpenterNodes, karpenterBudget, istio, meshReplicas,
        durations, rate);
  }

  int nodes() {
    return nodeGroups.stream().mapToInt(NodeGroup::nodes).sum() + karpenterNodes;
  }

  int pods() {
    return nodeGroups.stream().mapToInt(NodeGroup::pods).sum() + meshReplicas + karpenterPods();
  }

  /** Pods of the Deployment that runs on Karpenter's nodes: two per node. */
  int karpenterPods() {
    return 2 * karpenterNodes;
  }

  /** Kubernetes minors the control plane moves through. */
  int minors() {
    return minorOf(toVersion) - minorOf(fromVersion);
  }

  private static int minorOf(String version) {
    return Integer.parseInt(version.substring(version.indexOf('.') + 1));
  }

  /** The sandbox scenario of this world at the given time scale. */
  Scenario scenario(double timeScale) {
    return Scenario.parse(yaml(timeScale), name + ".yaml (generated by eks-upgrader bench)");
  }

  String yaml(double timeScale) {
    StringBuilder y = new StringBuilder();
    y.append("name: ").append(name).append('\n');
    y.append("timeScale: ").append(timeScale).append('\n');
    y.append("clusters:\n");
    y.append("  - name: ").append(name).append('\n');
    y.append("    region: us-east-1\n");
    y.append("    version: \"").append(fromVersion).append("\"\n");
    y.append("    nodeGroups:\n");
    for (NodeGroup group : nodeGroups) {
      y.append("      - {name: ").append(group.name()).append(", amiType: AL2_x86_64, instanceTypes: [m5.large], desiredSize: ")
          .append(group.nodes()).append(", maxSize: ").append(group.nodes()).append(", labels: {role: ").append(group.name())
          .append("}}\n");
    }
    y.append("    addons:\n      - {name: vpc-cni}\n      - {name: kube-proxy}\n      - {name: coredns}\n");
    if (karpenterNodes > 0) {
      y.append("    karpenter:\n");
      y.append("      version: \"1.0.2\"\n      installedBy: helm\n      crdStoredVersions: [v1]\n");
      y.append("      nodeClasses:\n        - {name: default, alias: al2023@latest}\n");
      y.append("      nodePools:\n        - {name: general, nodes: ").append(karpenterNodes).append(", driftBudget: \"")
          .append(karpenterBudget).append("\", nodeClass: default}\n");
    }
    if (istio) {
      y.append("    istio:\n");
      y.append("      revisions:\n        - {name: 1-26, version: 1.26.2}\n");
      y.append("      tags:\n        - {name: default, revision: 1-26}\n");
      y.append("      namespaces:\n        - {name: mesh, injection: enabled}\n");
      y.append("      gateways:\n        - {namespace: istio-ingress, name: istio-ingressgateway, replicas: 2, revision: 1-26}\n");
    }
    y.append("    kubernetes:\n      workloads:\n");
    for (NodeGroup group : nodeGroups) {
      for (int i = 0; i < group.deployments(); i++) {
        y.append("        - {namespace: apps, name: ").append(group.deploymentName(i)).append(", replicas: ")
            .append(group.replicas()).append(", nodeSelector: {role: ").append(group.name()).append("}}\n");
      }
    }
    if (meshReplicas > 0) {
      y.append("        - {namespace: mesh, name: web, replicas: ").append(meshReplicas).append(", nodeSelector: {role: ")
          .append(nodeGroups.get(0).name()).append("}}\n");
    }
    if (karpenterNodes > 0) {
      y.append("        - {namespace: batch, name: indexer, replicas: ").append(karpenterPods())
          .append(", nodeSelector: {karpenter.sh/nodepool: general}}\n");
    }
    for (String daemonSet : daemonSets) {
      y.append("        - {namespace: kube-system, name: ").append(daemonSet).append(", kind: DaemonSet}\n");
    }
    y.append("      pdbs:\n");
    int budgets = 0;
    for (NodeGroup group : nodeGroups) {
      for (int i = 0; i < group.deployments(); i++) {
        String budget = group.budgetOf(i);
        if (budget != null) {
          budgets++;
          y.append("        - {namespace: apps, name: ").append(group.deploymentName(i)).append(", selector: {app: ")
              .append(group.deploymentName(i)).append("}, maxUnavailable: \"").append(budget).append("\"}\n");
        }
      }
    }
    if (meshReplicas > 0) {
      budgets++;
      y.append("        - {namespace: mesh, name: web, selector: {app: web}, maxUnavailable: \"1\"}\n");
    }
    if (karpenterNodes > 0) {
      budgets++;
      y.append("        - {namespace: batch, name: indexer, selector: {app: indexer}, maxUnavailable: \"1\"}\n");
    }
    if (budgets == 0) {
      y.setLength(y.length() - "      pdbs:\n".length());
    }
    Scenario.Durations d = durations;
    y.append("durations:\n");
    y.append("  controlPlaneUpdate: ").append(d.controlPlaneUpdate().toSeconds()).append("s\n");
    y.append("  nodeGroupCreate: ").append(d.nodeGroupCreate().toSeconds()).append("s\n");
    y.append("  nodeGroupDelete: ").append(d.nodeGroupDelete().toSeconds()).append("s\n");
    y.append("  nodeJoin: ").append(d.nodeJoin().toSeconds()).append("s\n");
    y.append("  podStart: ").append(d.podStart().toSeconds()).append("s\n");
    y.append("  karpenterLaunch: ").append(d.karpenterLaunch().toSeconds()).append("s\n");
    y.append("  fargatePodStart: ").append(d.fargatePodStart().toSeconds()).append("s\n");
    y.append("  addonUpdate: ").append(d.addonUpdate().toSeconds()).append("s\n");
    y.append("faults:\n  seed: 7\n  throttlingRate: ").append(throttlingRate).append('\n');
    return y.toString();
  }
}
