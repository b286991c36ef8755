package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Karpenter's drift and Fargate's per-pod nodes in the sandbox, seen through a fabric8 client. */
class KarpenterAndFargateTest {

  private static final ResourceDefinitionContext NODE_CLAIMS =
      new ResourceDefinitionContext.Builder()
          .withGroup("karpenter.sh")
          .withVersion("v1")
          .withKind("NodeClaim")
          .withPlural("nodeclaims")
          .withNamespaced(false)
          .build();

  private static final ResourceDefinitionContext NODE_POOLS =
      new ResourceDefinitionContext.Builder()
          .withGroup("karpenter.sh")
          .withVersion("v1")
          .withKind("NodePool")
          .withPlural("nodepools")
          .withNamespaced(false)
          .build();

  private TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private List<Node> karpenterNodes() {
    return cluster.client.nodes().withLabel("karpenter.sh/nodepool").list().getItems();
  }

  private List<GenericKubernetesResource> nodeClaims() {
    return cluster.client.genericKubernetesResources(NODE_CLAIMS).list().getItems();
  }

  @SuppressWarnings("unchecked")
  private static String condition(GenericKubernetesResource claim, String type) {
    Map<String, Object> status = (Map<String, Object>) claim.getAdditionalProperties().get("status");
    for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
      if (type.equals(c.get("type"))) {
        return c.get("status") + "/" + c.get("reason");
      }
    }
    return null;
  }

  private static String kubelet(Node node) {
    return node.getStatus().getNodeInfo().getKubeletVersion();
  }

  @Test
  void driftReplacesEveryNodeWithinTheBudgetWithoutBreachingABudget() {
    cluster =
        TestCluster.builder()
            .nodePool("general", 3, "1")
            .workload("Deployment", "shop", "web", 3, false, Map.of("karpenter.sh/nodepool", "general"))
            .pdb("shop", "web", "web", null, "1")
            .start()
            .awaitSettled();
    assertThat(karpenterNodes()).hasSize(3).allMatch(n -> kubelet(n).startsWith("v1.32."));
    assertThat(nodeClaims()).hasSize(3);
    Set<String> before = new HashSet<>(karpenterNodes().stream().map(n -> n.getMetadata().getName()).toList());

    cluster.kube.controlPlaneVersionChanged("1.33");
    AtomicInteger mostNodes = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              List<Node> nodes = karpenterNodes();
              mostNodes.accumulateAndGet(nodes.size(), Math::max);
              return nodes.size() == 3 && nodes.stream().allMatch(n -> kubelet(n).startsWith("v1.33."));
            });

    assertThat(karpenterNodes()).noneMatch(n -> before.contains(n.getMetadata().getName()));
    assertThat(nodeClaims()).hasSize(3).noneMatch(c -> String.valueOf(condition(c, "Drifted")).startsWith("True"));
    // A budget of one node: never more than one replacement beside the three.
    assertThat(mostNodes.get()).isEqualTo(4);
    assertThat(cluster.kube.pdbBreaches()).isEmpty();
    cluster.awaitSettled();
    assertThat(cluster.pods("shop", "web")).hasSize(3);
  }

  @Test
  void aFailedLaunchShowsOnItsNodeClaimAndIsTriedAgain() {
    cluster =
        TestCluster.builder().nodePool("general", 1, "1").karpenterLaunchFailures(2).start().awaitSettled();
    cluster.kube.controlPlaneVersionChanged("1.33");
    Set<String> failedClaims = new HashSet<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              for (GenericKubernetesResource claim : nodeClaims()) {
                if ("False/LaunchFailed".equals(condition(claim, "Launched"))) {
                  failedClaims.add(claim.getMetadata().getName());
                }
              }
              List<Node> nodes = karpenterNodes();
              return nodes.size() == 1 && kubelet(nodes.get(0)).startsWith("v1.33.");
            });
    assertThat(failedClaims).hasSize(2);
  }

  @Test
  void aBudgetOfZeroNodesStopsDrift() {
    cluster = TestCluster.builder().nodePool("frozen", 2, "0").start().awaitSettled();
    cluster.kube.controlPlaneVersionChanged("1.33");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> nodeClaims().stream().allMatch(c -> String.valueOf(condition(c, "Drifted")).startsWith("True")));
    // Twenty simulated minutes: far longer than a launch.
    sleepSimulated(Duration.ofMinutes(20));
    assertThat(karpenterNodes()).hasSize(2).allMatch(n -> kubelet(n).startsWith("v1.32."));
    assertThat(nodeClaims()).hasSize(2);

    cluster.client.genericKubernetesResources(NODE_POOLS).withName("frozen")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"disruption\":{\"budgets\":[{\"nodes\":\"1\"}]}}}");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> karpenterNodes().size() == 2 && karpenterNodes().stream().allMatch(n -> kubelet(n).startsWith("v1.33.")));
  }

  @Test
  void fargatePodsGetANodeEachAtTheControlPlaneVersionAndComeBackNewerAfterARolloutRestart() {
    cluster =
        TestCluster.builder()
            .nodeGroup("apps", 1)
            .fargateProfile("serverless", "batch")
            .workload("Deployment", "batch", "worker", 2)
            .workload("StatefulSet", "batch", "ledger", 2)
            .workload("Deployment", "shop", "web", 1)
            .start()
            .awaitSettled();
    List<Pod> workers = cluster.pods("batch", "worker");
    assertThat(workers).hasSize(2);
    for (Pod pod : workers) {
      assertThat(pod.getSpec().getNodeName()).startsWith("fargate-ip-");
      assertThat(pod.getMetadata().getLabels()).containsEntry("eks.amazonaws.com/fargate-profile", "serverless");
      Node node = cluster.client.nodes().withName(pod.getSpec().getNodeName()).get();
      assertThat(kubelet(node)).startsWith("v1.32.");
      assertThat(node.getMetadata().getLabels()).containsEntry("eks.amazonaws.com/compute-type", "fargate");
    }
    assertThat(cluster.pods("shop", "web").get(0).getSpec().getNodeName()).doesNotStartWith("fargate-");

    cluster.kube.controlPlaneVersionChanged("1.33");
    String restart =
        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-11-24T03:00:00Z\"}}}}}";
    cluster.client.apps().deployments().inNamespace("batch").withName("worker")
        .patch(PatchContext.of(PatchType.JSON_MERGE), restart);
    cluster.client.apps().statefulSets().inNamespace("batch").withName("ledger")
        .patch(PatchContext.of(PatchType.JSON_MERGE), restart);

    AtomicInteger fewestReadyWorkers = new AtomicInteger(Integer.MAX_VALUE);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              List<Pod> pods = cluster.client.pods().inNamespace("batch").list().getItems();
              fewestReadyWorkers.accumulateAndGet(
                  (int) pods.stream()
                      .filter(p -> p.getMetadata().getName().startsWith("worker-"))
                      .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                      .filter(ObjectFacts::isReady)
                      .count(),
                  Math::min);
              return pods.size() == 4
                  && pods.stream().allMatch(ObjectFacts::isReady)
                  && pods.stream()
                      .allMatch(
                          p -> {
                            Node node = cluster.client.nodes().withName(p.getSpec().getNodeName()).get();
                            return node != null && kubelet(node).startsWith("v1.33.");
                          });
            });
    // maxSurge 25% of 2 rounds up to 1 and maxUnavailable down to 0: both workers stay Ready.
    assertThat(fewestReadyWorkers.get()).isEqualTo(2);
    // Each Fargate node went with its pod.
    assertThat(cluster.client.nodes().withLabel("eks.amazonaws.com/compute-type", "fargate").list().getItems())
        .hasSize(4);
  }

  private void sleepSimulated(Duration simulated) {
    try {
      Thread.sleep(cluster.realMillis(simulated));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
