package io.eksupgrader.activities.karpenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.fargate.EksFargateActivities;
import io.eksupgrader.activities.fargate.FargateSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.FargateActivities;
import io.eksupgrader.workflows.activities.KarpenterActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.FargateProfileInfo;
import io.eksupgrader.workflows.model.FargateRecycleRequest;
import io.eksupgrader.workflows.model.FargateRecycleResult;
import io.eksupgrader.workflows.model.KarpenterDriftRequest;
import io.eksupgrader.workflows.model.KarpenterDriftResult;
import io.eksupgrader.workflows.model.KarpenterInventory;
import io.fabric8.kubernetes.api.model.Pod;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Karpenter's drift and Fargate's restarts observed and driven over real HTTP: the sandbox's EKS API
 * moves the control plane, its Kubernetes side runs Karpenter's NodeClaims and Fargate's per-pod
 * nodes, and the activities reach it through DescribeCluster and an EKS token. Time runs 60 times
 * faster there: a launch or a Fargate pod's start (a simulated minute) takes a second.
 */
class KarpenterAndFargateActivitiesTest {

  private static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");
  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(60))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private SandboxServer sandbox;
  private DefaultEksClientProvider eks;
  private EksKubernetesClientProvider clients;
  private final List<TestActivityEnvironment> envs = new ArrayList<>();

  @AfterEach
  void close() {
    envs.forEach(TestActivityEnvironment::close);
    if (clients != null) {
      clients.close();
      eks.close();
      sandbox.close();
    }
  }

  private void start(String clusterYaml) {
    start("", clusterYaml);
  }

  private void start(String topLevel, String clusterYaml) {
    String yaml =
        """
        name: karpenter-and-fargate
        timeScale: 60
        durations: {controlPlaneUpdate: 2m, podStart: 10s, karpenterLaunch: 1m, fargatePodStart: 1m}
        """
            + topLevel
            + """

        clusters:
          - name: shop
            region: us-east-1
            version: "1.32"
            nodeGroups:
              - {name: system, desiredSize: 1}
        """
            + clusterYaml.indent(4);
    sandbox = SandboxServer.start(Scenario.parse(yaml, "test scenario"), 0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    clients = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
  }

  private KarpenterActivities karpenter(KarpenterSettings settings) {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    envs.add(env);
    env.registerActivitiesImplementations(new KubernetesKarpenterActivities(clients, settings));
    return env.newActivityStub(KarpenterActivities.class, ONE_ATTEMPT);
  }

  private FargateActivities fargate() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    envs.add(env);
    env.registerActivitiesImplementations(
        new EksFargateActivities(eks, clients, new FargateSettings(Duration.ofMillis(100), Duration.ofSeconds(20), 5)));
    return env.newActivityStub(FargateActivities.class, ONE_ATTEMPT);
  }

  private KubeCluster kube() {
    return sandbox.kubernetes(SHOP.region(), SHOP.name());
  }

  /** Moves the control plane through the EKS API and waits until the update succeeded. */
  private void upgradeControlPlane(String version) {
    var client = eks.forRegion(SHOP.region());
    client.updateClusterVersion(r -> r.name(SHOP.name()).version(version));
    await(() -> client.describeCluster(r -> r.name(SHOP.name())).cluster().version().equals(version), "control plane at " + version);
  }

  private void awaitPodsReady(int pods) {
    await(
        () -> kube().adminClient().pods().inAnyNamespace().list().getItems().stream()
                .filter(p -> p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
                .count() >= pods,
        pods + " pods Ready");
  }

  @Test
  void withoutKarpenterTheInventorySaysSoAndThereIsNothingToWaitFor() {
    start("");
    KarpenterActivities activities = karpenter(new KarpenterSettings(Duration.ofMillis(100), Duration.ofSeconds(5)));
    assertThat(activities.inspectKarpenter(SHOP)).isEqualTo(KarpenterInventory.notInstalled());
    assertThat(activities.awaitKarpenterDrift(new KarpenterDriftRequest(SHOP, "1.33")).nodes()).isZero();
    assertThat(fargate().listFargateProfiles(SHOP)).isEmpty();
  }

  @Test
  void driftIsWatchedUntilEveryNodeRunsTheTargetReportingAFailedLaunchAndNoBudgetIsBreached() {
    // The fault: Karpenter's first launch fails for want of capacity.
    start(
        "faults: {karpenterLaunchFailures: 1}",
        """
        karpenter:
          nodePools:
            - {name: general, nodes: 3, driftBudget: "1"}
        kubernetes:
          workloads:
            - {namespace: shop, name: web, replicas: 3, nodeSelector: {karpenter.sh/nodepool: general}}
          pdbs:
            - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: 1}
        """);
    awaitPodsReady(3);
    KarpenterActivities activities = karpenter(new KarpenterSettings(Duration.ofMillis(100), Duration.ofSeconds(20)));

    KarpenterInventory before = activities.inspectKarpenter(SHOP);
    assertThat(before.installed()).isTrue();
    assertThat(before.nodePools()).containsExactly("general");
    assertThat(before.nodes()).hasSize(3).allMatch(n -> n.version().equals("1.32") && n.nodePool().equals("general"));

    upgradeControlPlane("1.33");
    KarpenterDriftResult result = activities.awaitKarpenterDrift(new KarpenterDriftRequest(SHOP, "1.33"));

    assertThat(result.nodes()).isEqualTo(3);
    assertThat(result.replaced())
        .containsExactlyInAnyOrderElementsOf(before.nodes().stream().map(KarpenterInventory.KarpenterNode::name).toList());
    assertThat(result.launchFailures()).singleElement().asString().contains("InsufficientInstanceCapacity");
    assertThat(activities.inspectKarpenter(SHOP).nodes()).hasSize(3).allMatch(n -> n.version().equals("1.33"));
    assertThat(kube().pdbBreaches()).as("Karpenter evicts through the budgets").isEmpty();
    assertThat(sandbox.callLog().entries().stream().filter(e -> e.service().equals("kubernetes")).map(CallLog.Entry::operation))
        .as("watching changes nothing")
        .allMatch(op -> op.startsWith("Get") || op.startsWith("List"));
  }

  @Test
  void aBudgetThatAllowsNoNodeStallsTheWaitNamingTheNodesAndTheNodePool() {
    start(
        """
        karpenter:
          nodePools:
            - {name: frozen, nodes: 2, driftBudget: "0"}
        """);
    upgradeControlPlane("1.33");
    KarpenterActivities activities = karpenter(new KarpenterSettings(Duration.ofMillis(100), Duration.ofSeconds(2)));

    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class, () -> activities.awaitKarpenterDrift(new KarpenterDriftRequest(SHOP, "1.33")));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.KARPENTER_DRIFT_STALLED);
    assertThat(cause.isNonRetryable()).isTrue();
    assertThat(cause.getOriginalMessage())
        .startsWith("Karpenter replaced none of the 2 node(s) still behind 1.33 for 2s: ")
        .contains("(frozen, 1.32)")
        .contains("NodePool disruption budgets that allow no node: frozen (nodes: 0).")
        .endsWith("Retry to wait again, skip to leave these nodes behind, or abort.");
  }

  @Test
  void fargateWorkloadsAreRestartedOnceAndABarePodIsNamedUntilItIsGone() {
    start(
        """
        fargateProfiles:
          - name: serverless
            selectors:
              - {namespace: batch}
        kubernetes:
          workloads:
            - {namespace: batch, name: worker, replicas: 2}
            - {namespace: batch, name: ledger, kind: StatefulSet, replicas: 2}
            - {namespace: batch, name: oneoff, kind: Pod}
            - {namespace: shop, name: web, replicas: 1}
        """);
    awaitPodsReady(6);
    FargateActivities activities = fargate();
    assertThat(activities.listFargateProfiles(SHOP))
        .containsExactly(
            new FargateProfileInfo("serverless", "ACTIVE", List.of(new FargateProfileInfo.Selector("batch", Map.of()))));
    FargateRecycleRequest request = new FargateRecycleRequest(SHOP, "serverless", "1.33");
    upgradeControlPlane("1.33");

    ActivityFailure first = catchThrowableOfType(ActivityFailure.class, () -> activities.recycleFargatePods(request));
    ApplicationFailure cause = (ApplicationFailure) first.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.FARGATE_PODS_NOT_RECYCLED);
    assertThat(cause.getOriginalMessage())
        .contains("no Deployment or StatefulSet recreates: batch/oneoff (1.32)");
    assertThat(fargatePodVersions()).containsEntry("batch/oneoff", "1.32");
    assertThat(fargatePodVersions().entrySet())
        .filteredOn(e -> !e.getKey().equals("batch/oneoff"))
        .hasSize(4)
        .allMatch(e -> e.getValue().equals("1.33"));

    ActivityFailure again = catchThrowableOfType(ActivityFailure.class, () -> fargate().recycleFargatePods(request));
    assertThat(again.getCause().getMessage()).contains("batch/oneoff");
    assertThat(patches()).as("a retried attempt restarts nothing twice")
        .containsExactlyInAnyOrder("PatchDeployment batch/worker", "PatchStatefulSet batch/ledger");

    kube().adminClient().pods().inNamespace("batch").withName("oneoff").delete();
    await(() -> kube().adminClient().pods().inNamespace("batch").withName("oneoff").get() == null, "oneoff gone");
    FargateRecycleResult done = fargate().recycleFargatePods(request);
    assertThat(done.podsAtTarget()).isEqualTo(4);
    assertThat(done.restarted()).isEmpty();
    assertThat(patches()).hasSize(2);
  }

  private Map<String, String> fargatePodVersions() {
    var client = kube().adminClient();
    Map<String, String> versions = new java.util.TreeMap<>();
    for (Pod pod : client.pods().inNamespace("batch").list().getItems()) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String kubelet = client.nodes().withName(pod.getSpec().getNodeName()).get().getStatus().getNodeInfo().getKubeletVersion();
      String name = pod.getMetadata().getName();
      String key = name.startsWith("worker-") ? "batch/worker-" + pod.getMetadata().getUid() : "batch/" + name;
      versions.put(key, kubelet.substring(1, kubelet.indexOf('.', 3)));
    }
    return versions;
  }

  private List<String> patches() {
    return sandbox.callLog().entries().stream()
        .filter(e -> e.service().equals("kubernetes") && e.operation().startsWith("Patch") && !e.operation().equals("PatchNode"))
        .map(e -> e.operation() + " " + e.resourceId().replaceFirst("@.*", ""))
        .toList();
  }

  private static void await(java.util.concurrent.Callable<Boolean> condition, String what) {
    org.awaitility.Awaitility.await(what)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(condition);
  }

}
