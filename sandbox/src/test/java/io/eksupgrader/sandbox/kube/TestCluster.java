package io.eksupgrader.sandbox.kube;

import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.Durations;
import io.eksupgrader.sandbox.Scenario.Faults;
import io.eksupgrader.sandbox.Scenario.FargateProfileSpec;
import io.eksupgrader.sandbox.Scenario.FargateSelectorSpec;
import io.eksupgrader.sandbox.Scenario.Installation;
import io.eksupgrader.sandbox.Scenario.IstioSpec;
import io.eksupgrader.sandbox.Scenario.KarpenterSpec;
import io.eksupgrader.sandbox.Scenario.NodeClassSpec;
import io.eksupgrader.sandbox.Scenario.NodePoolSpec;
import io.eksupgrader.sandbox.Scenario.KubernetesSpec;
import io.eksupgrader.sandbox.Scenario.NodeGroupSpec;
import io.eksupgrader.sandbox.Scenario.OutageSpec;
import io.eksupgrader.sandbox.Scenario.PdbSpec;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import io.eksupgrader.sandbox.Scenario.WorkloadSpec;
import io.eksupgrader.sandbox.SimulatedClock;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link KubeCluster} started for one test, with the initial node groups' nodes launched the way
 * the sandbox's AWS side launches them (Ready at once), and a client authenticated like an EKS
 * user. Time runs 600 times faster than real time: a simulated minute is 100 ms.
 */
final class TestCluster implements AutoCloseable {

  static final double TIME_SCALE = 600;
  static final String REGION = "us-east-1";
  static final String CLUSTER = "shop";

  final SimulatedClock clock;
  final CallLog calls = new CallLog();
  final KubeCluster kube;
  final KubernetesClient client;
  final Map<String, List<String>> nodesByGroup = new LinkedHashMap<>();

  private TestCluster(Builder b) {
    this.clock = simulatedClock(Instant.parse("2026-11-23T09:00:00Z"), TIME_SCALE);
    ClusterSpec cluster =
        new ClusterSpec(
            CLUSTER,
            REGION,
            "1.32",
            "ACTIVE",
            "eks.19",
            "arn:aws:iam::111122223333:role/eks-cluster",
            b.groups,
            new KubernetesSpec(b.workloads, b.pdbs),
            List.of(),
            b.karpenter(),
            b.fargateProfiles,
            List.of(),
            b.istio);
    Durations defaults = Durations.defaults();
    Scenario scenario =
        new Scenario(
            "kube-test",
            "TestCluster",
            TIME_SCALE,
            clock.start(),
            List.of(cluster),
            List.of(),
            new Durations(
                defaults.controlPlaneUpdate(),
                defaults.nodeGroupCreate(),
                defaults.nodeGroupDelete(),
                defaults.nodeJoin(),
                b.podStart,
                defaults.karpenterLaunch(),
                defaults.fargatePodStart()),
            new Faults(7, 0, 0, Duration.ZERO, List.of(), List.of(), b.outages, b.launchFailures));
    this.kube = KubeCluster.start(scenario, cluster, clock, calls);
    int subnet = 1;
    for (NodeGroupSpec group : b.groups) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < group.desiredSize(); i++) {
        String node = nodeName(subnet, 10 + i);
        launch(node, group.name(), group.taints(), Duration.ZERO);
        names.add(node);
      }
      nodesByGroup.put(group.name(), names);
      subnet++;
    }
    this.client = kube.adminClient();
  }

  static Builder builder() {
    return new Builder();
  }

  /** The sandbox's clock has no public constructor; tests make one as SandboxServer does. */
  private static SimulatedClock simulatedClock(Instant start, double scale) {
    try {
      Constructor<SimulatedClock> c =
          SimulatedClock.class.getDeclaredConstructor(Instant.class, double.class);
      c.setAccessible(true);
      return c.newInstance(start, scale);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  static String nodeName(int subnet, int host) {
    return "ip-10-0-" + subnet + "-" + host + ".ec2.internal";
  }

  void launch(String node, String group, List<TaintSpec> taints, Duration readyAfter) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("eks.amazonaws.com/nodegroup", group);
    labels.put("eks.amazonaws.com/capacityType", "ON_DEMAND");
    kube.launchNode(
        new NodeLaunch(
            node,
            "i-" + Integer.toHexString(node.hashCode()),
            group,
            "1.32",
            labels,
            taints,
            readyAfter));
  }

  List<String> nodes(String group) {
    return nodesByGroup.get(group);
  }

  /** Simulated time to real milliseconds, for waits. */
  long realMillis(Duration simulated) {
    return clock.toReal(simulated).toMillis();
  }

  List<Pod> pods(String namespace, String app) {
    return client.pods().inNamespace(namespace).withLabel("app", app).list().getItems();
  }

  List<Pod> podsOn(String node) {
    return client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems();
  }

  PodDisruptionBudget pdb(String namespace, String name) {
    return client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get();
  }

  /** Waits until every workload runs all its pods Ready and every budget has been observed. */
  TestCluster awaitSettled() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              boolean deployments =
                  client.apps().deployments().inAnyNamespace().list().getItems().stream()
                      .allMatch(
                          d ->
                              d.getStatus() != null
                                  && Objects.equals(
                                      d.getStatus().getReadyReplicas(), d.getSpec().getReplicas()));
              boolean statefulSets =
                  client.apps().statefulSets().inAnyNamespace().list().getItems().stream()
                      .allMatch(
                          s ->
                              s.getStatus() != null
                                  && Objects.equals(
                                      s.getStatus().getReadyReplicas(), s.getSpec().getReplicas()));
              boolean daemonSets =
                  client.apps().daemonSets().inAnyNamespace().list().getItems().stream()
                      .allMatch(
                          d ->
                              d.getStatus() != null
                                  && Objects.equals(
                                      d.getStatus().getNumberReady(),
                                      d.getStatus().getDesiredNumberScheduled()));
              boolean pods =
                  client.pods().inAnyNamespace().list().getItems().stream()
                      .allMatch(ObjectFacts::isReady);
              boolean budgets =
                  client
                      .policy()
                      .v1()
                      .podDisruptionBudget()
                      .inAnyNamespace()
                      .list()
                      .getItems()
                      .stream()
                      .allMatch(
                          p ->
                              p.getStatus() != null
                                  && p.getStatus().getObservedGeneration() != null);
              return deployments && statefulSets && daemonSets && pods && budgets;
            });
    return this;
  }

  @Override
  public void close() {
    kube.close();
  }

  static final class Builder {
    private final List<NodeGroupSpec> groups = new ArrayList<>();
    private final List<WorkloadSpec> workloads = new ArrayList<>();
    private final List<PdbSpec> pdbs = new ArrayList<>();
    private final List<OutageSpec> outages = new ArrayList<>();
    private final List<NodePoolSpec> nodePools = new ArrayList<>();
    private final List<FargateProfileSpec> fargateProfiles = new ArrayList<>();
    private final List<NodeClassSpec> nodeClasses = new ArrayList<>();
    private Duration podStart = Duration.ofSeconds(20);
    private int launchFailures;
    private String karpenterVersion;
    private Installation karpenterInstalledBy = Installation.HELM;
    private List<String> crdStoredVersions = List.of("v1");
    private IstioSpec istio = IstioSpec.none();

    private KarpenterSpec karpenter() {
      List<NodeClassSpec> classes =
          nodeClasses.isEmpty() && (karpenterVersion != null || !nodePools.isEmpty())
              ? List.of(NodeClassSpec.defaultClass())
              : nodeClasses;
      return new KarpenterSpec(karpenterVersion, "kube-system", karpenterInstalledBy, crdStoredVersions, classes, nodePools);
    }

    /** Karpenter's controller at {@code version}, installed with Helm or plain manifests. */
    Builder karpenterController(String version, Installation installedBy, String... storedVersions) {
      this.karpenterVersion = version;
      this.karpenterInstalledBy = installedBy;
      this.crdStoredVersions = storedVersions.length == 0 ? List.of("v1") : List.of(storedVersions);
      return this;
    }

    Builder nodeClass(NodeClassSpec nodeClass) {
      nodeClasses.add(nodeClass);
      return this;
    }

    Builder nodePool(String name, int nodes, String driftBudget, String nodeClass) {
      nodePools.add(new NodePoolSpec(name, nodes, driftBudget, Map.of(), nodeClass));
      return this;
    }

    Builder istio(IstioSpec istio) {
      this.istio = istio;
      return this;
    }

    /** A workload whose pods carry {@code labels} besides {@code app: <name>}. */
    Builder labelledWorkload(String kind, String namespace, String name, int replicas, Map<String, String> labels) {
      Map<String, String> all = new LinkedHashMap<>();
      all.put("app", name);
      all.putAll(labels);
      workloads.add(new WorkloadSpec(namespace, name, kind, replicas, all, false, Map.of()));
      return this;
    }

    Builder nodePool(String name, int nodes, String driftBudget) {
      nodePools.add(new NodePoolSpec(name, nodes, driftBudget, Map.of()));
      return this;
    }

    Builder fargateProfile(String name, String namespace) {
      fargateProfiles.add(
          new FargateProfileSpec(name, List.of(new FargateSelectorSpec(namespace, Map.of()))));
      return this;
    }

    Builder karpenterLaunchFailures(int failures) {
      this.launchFailures = failures;
      return this;
    }

    Builder nodeGroup(String name, int size, TaintSpec... taints) {
      groups.add(
          new NodeGroupSpec(
              name,
              "1.32",
              "1.32.9-20251120",
              "AL2_x86_64",
              "ON_DEMAND",
              List.of("m5.large"),
              List.of("subnet-0a"),
              1,
              10,
              size,
              Map.of(),
              List.of(taints),
              "arn:aws:iam::111122223333:role/eks-node",
              null,
              false,
              false,
              false));
      return this;
    }

    Builder workload(String kind, String namespace, String name, int replicas) {
      return workload(kind, namespace, name, replicas, false, Map.of());
    }

    Builder workload(
        String kind,
        String namespace,
        String name,
        int replicas,
        boolean emptyDir,
        Map<String, String> nodeSelector) {
      workloads.add(
          new WorkloadSpec(
              namespace, name, kind, replicas, Map.of("app", name), emptyDir, nodeSelector));
      return this;
    }

    Builder pdb(
        String namespace, String name, String app, String minAvailable, String maxUnavailable) {
      pdbs.add(new PdbSpec(namespace, name, Map.of("app", app), minAvailable, maxUnavailable));
      return this;
    }

    Builder podStart(Duration simulated) {
      this.podStart = simulated;
      return this;
    }

    Builder outage(Duration after, Duration duration) {
      outages.add(new OutageSpec(after, duration));
      return this;
    }

    TestCluster start() {
      return new TestCluster(this);
    }
  }
}
