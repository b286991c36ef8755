package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.CallLog.Entry;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import io.eksupgrader.sandbox.kube.PdbBreach.Loss;
import io.eksupgrader.sandbox.kube.PdbBreach.LostPod;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulated kubelets, scheduler and controllers, observed through a real fabric8 client. */
class ControllersTest {

  private TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Instant conditionTime(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getLastTransitionTime)
        .map(Instant::parse)
        .findFirst()
        .orElseThrow();
  }

  private static boolean nodeReady(Node node) {
    return node.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private void cordon(String node) {
    cluster
        .client
        .nodes()
        .withName(node)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":true}}");
  }

  @Test
  void theStartingWorkloadsRunReadyAtOnceSpreadOverTheNodesTheyMayUse() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .nodeGroup("green", 1)
            .nodeGroup("gpu", 1, new TaintSpec("nvidia.com/gpu", "true", "NoSchedule"))
            .workload("Deployment", "shop", "web", 4)
            .workload("StatefulSet", "shop", "db", 2)
            .workload("DaemonSet", "kube-system", "agent", 0)
            .workload("Pod", "shop", "debug", 1, true, Map.of())
            .workload(
                "Deployment",
                "shop",
                "reports",
                2,
                false,
                Map.of("eks.amazonaws.com/nodegroup", "green"))
            .podStart(Duration.ofMinutes(30))
            .start()
            .awaitSettled();
    String gpu = cluster.nodes("gpu").get(0);
    String green = cluster.nodes("green").get(0);

    List<Pod> web = cluster.pods("shop", "web");
    assertThat(web).hasSize(4).noneMatch(p -> p.getSpec().getNodeName().equals(gpu));
    assertThat(
            web.stream()
                .collect(
                    Collectors.groupingBy(p -> p.getSpec().getNodeName(), Collectors.counting()))
                .values())
        .allMatch(n -> n <= 2);
    OwnerReference rsRef = ObjectFacts.controllerOf(web.get(0)).orElseThrow();
    ReplicaSet rs =
        cluster.client.apps().replicaSets().inNamespace("shop").withName(rsRef.getName()).get();
    assertThat(rs.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getKind, OwnerReference::getName)
        .containsExactly(tuple("Deployment", "web"));
    assertThat(cluster.pods("shop", "db"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("db-0", "db-1");
    assertThat(cluster.pods("shop", "db").stream().map(p -> p.getSpec().getNodeName()).distinct())
        .hasSize(2);
    assertThat(cluster.pods("kube-system", "agent"))
        .extracting(p -> p.getSpec().getNodeName())
        .containsExactlyInAnyOrderElementsOf(cluster.kube.nodeNames());
    assertThat(cluster.pods("shop", "reports"))
        .hasSize(2)
        .allMatch(p -> p.getSpec().getNodeName().equals(green));
    Pod debug = cluster.client.pods().inNamespace("shop").withName("debug").get();
    assertThat(debug.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(debug.getSpec().getVolumes()).anyMatch(v -> v.getEmptyDir() != null);
    for (Pod pod : cluster.client.pods().inAnyNamespace().list().getItems()) {
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(conditionTime(pod, "Ready"))
          .as("the starting pods were already running, they did not wait podStart")
          .isEqualTo(conditionTime(pod, "PodScheduled"));
    }
    String settled =
        cluster.client.pods().inAnyNamespace().list().getMetadata().getResourceVersion();
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(
            () ->
                cluster
                    .client
                    .pods()
                    .inAnyNamespace()
                    .list()
                    .getMetadata()
                    .getResourceVersion()
                    .equals(settled));
  }

  @Test
  void aDeletedReplicaSetPodComesBackOnAnotherSchedulableNodeAfterPodStart() {
    Duration podStart = Duration.ofMinutes(2);
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 3)
            .workload("Deployment", "shop", "web", 3)
            .podStart(podStart)
            .start()
            .awaitSettled();
    String cordoned = cluster.nodes("blue").get(0);
    cordon(cordoned);
    List<Pod> original = cluster.pods("shop", "web");
    Set<String> originalUids =
        original.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    Pod victim =
        original.stream()
            .filter(p -> p.getSpec().getNodeName().equals(cordoned))
            .findFirst()
            .orElseThrow();

    cluster.client.pods().inNamespace("shop").withName(victim.getMetadata().getName()).delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<Pod> pods = cluster.pods("shop", "web");
              return pods.size() == 3
                  && pods.stream().allMatch(ObjectFacts::isReady)
                  && pods.stream()
                      .noneMatch(
                          p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
            });
    List<Pod> newcomers =
        cluster.pods("shop", "web").stream()
            .filter(p -> !originalUids.contains(p.getMetadata().getUid()))
            .toList();
    assertThat(newcomers).hasSize(1);
    Pod replacement = newcomers.get(0);
    assertThat(replacement.getMetadata().getName())
        .isNotEqualTo(victim.getMetadata().getName())
        .startsWith("web-");
    assertThat(replacement.getSpec().getNodeName())
        .isNotEqualTo(cordoned)
        .isIn(cluster.nodes("blue"));
    assertThat(
            Duration.between(
                conditionTime(replacement, "PodScheduled"), conditionTime(replacement, "Ready")))
        .isGreaterThanOrEqualTo(podStart);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(1))
        .until(() -> cluster.podsOn(cordoned).isEmpty());
    assertThat(cluster.calls.entries("DeletePod"))
        .extracting(Entry::effect, Entry::resourceId)
        .containsExactly(tuple(Effect.CREATED, ObjectFacts.id(victim)));
  }

  @Test
  void aBarePodIsNeverRecreated() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 1)
            .workload("Pod", "shop", "debug", 1)
            .start()
            .awaitSettled();

    cluster.client.pods().inNamespace("shop").withName("debug").delete();

    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> cluster.pods("shop", "debug").isEmpty());
  }

  @Test
  void daemonSetPodsFollowNodes() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .workload("DaemonSet", "kube-system", "agent", 0)
            .podStart(Duration.ofMinutes(1))
            .start()
            .awaitSettled();
    String first = cluster.nodes("blue").get(0);
    String joining = TestCluster.nodeName(9, 10);

    cluster.launch(joining, "green", List.of(), Duration.ofMinutes(30));

    assertThat(nodeReady(cluster.client.nodes().withName(joining).get())).isFalse();
    assertThat(cluster.podsOn(joining)).isEmpty();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> cluster.podsOn(joining).stream().anyMatch(ObjectFacts::isReady));
    Pod agent = cluster.podsOn(joining).get(0);
    Node node = cluster.client.nodes().withName(joining).get();
    Instant nodeReadyAt =
        Instant.parse(
            node.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Ready"))
                .findFirst()
                .orElseThrow()
                .getLastTransitionTime());
    assertThat(Instant.parse(agent.getMetadata().getCreationTimestamp()))
        .isAfterOrEqualTo(nodeReadyAt);

    cluster.kube.terminateNode(first);

    assertThat(cluster.podsOn(first)).isEmpty();
    assertThat(cluster.kube.nodeNames()).doesNotContain(first).contains(joining);
    assertThat(cluster.pods("kube-system", "agent"))
        .extracting(p -> p.getSpec().getNodeName())
        .containsExactlyInAnyOrder(cluster.nodes("blue").get(1), joining);
  }

  @Test
  void aChangedDaemonSetTemplateReplacesItsPodsOneNodeAtATime() {
    Duration podStart = Duration.ofMinutes(2);
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 3)
            .workload("DaemonSet", "kube-system", "agent", 0)
            .podStart(podStart)
            .start()
            .awaitSettled();
    Set<String> before =
        cluster.pods("kube-system", "agent").stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());

    cluster
        .client
        .apps()
        .daemonSets()
        .inNamespace("kube-system")
        .withName("agent")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-11-24T03:00:00Z\"}}}}}");

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              List<Pod> pods = cluster.pods("kube-system", "agent");
              return pods.size() == 3
                  && pods.stream().allMatch(ObjectFacts::isReady)
                  && pods.stream().noneMatch(p -> before.contains(p.getMetadata().getUid()));
            });
    List<Pod> pods = cluster.pods("kube-system", "agent");
    assertThat(pods).extracting(p -> p.getSpec().getNodeName()).containsExactlyInAnyOrderElementsOf(cluster.nodes("blue"));
    assertThat(pods)
        .allMatch(p -> "2026-11-24T03:00:00Z".equals(p.getMetadata().getAnnotations().get("kubectl.kubernetes.io/restartedAt")));
    // One at a time: each new pod was created only after the one before it was Ready.
    List<Pod> inOrder =
        pods.stream().sorted(Comparator.comparing((Pod p) -> Instant.parse(p.getMetadata().getCreationTimestamp()))).toList();
    for (int i = 1; i < inOrder.size(); i++) {
      assertThat(Instant.parse(inOrder.get(i).getMetadata().getCreationTimestamp()))
          .isAfterOrEqualTo(conditionTime(inOrder.get(i - 1), "Ready"));
    }
    assertThat(cluster.client.apps().daemonSets().inNamespace("kube-system").withName("agent").get().getStatus().getUpdatedNumberScheduled())
        .isEqualTo(3);
  }

  @Test
  void aNodeTurnsReadyAfterItsDelayAndNeverWithoutOne() {
    cluster = TestCluster.builder().start();
    String joining = TestCluster.nodeName(1, 10);
    String broken = TestCluster.nodeName(1, 11);

    cluster.launch(
        joining,
        "blue",
        List.of(new TaintSpec("dedicated", "shop", "NoSchedule")),
        Duration.ofMinutes(20));
    cluster.launch(broken, "blue", List.of(), null);

    Node registered = cluster.client.nodes().withName(joining).get();
    assertThat(nodeReady(registered)).isFalse();
    assertThat(registered.getMetadata().getLabels())
        .containsEntry("eks.amazonaws.com/nodegroup", "blue")
        .containsEntry("kubernetes.io/hostname", joining);
    assertThat(registered.getSpec().getTaints())
        .extracting(t -> t.getKey())
        .containsExactlyInAnyOrder("dedicated", "node.kubernetes.io/not-ready");
    assertThat(registered.getStatus().getNodeInfo().getKubeletVersion()).startsWith("v1.32.");
    Instant created = Instant.parse(registered.getMetadata().getCreationTimestamp());
    assertThat(created)
        .as("created in simulated time")
        .isBetween(cluster.clock.start(), cluster.clock.start().plus(Duration.ofMinutes(20)));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> nodeReady(cluster.client.nodes().withName(joining).get()));
    Node ready = cluster.client.nodes().withName(joining).get();
    Instant readyAt =
        Instant.parse(
            ready.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Ready"))
                .findFirst()
                .orElseThrow()
                .getLastTransitionTime());
    assertThat(Duration.between(created, readyAt)).isEqualTo(Duration.ofMinutes(20));
    assertThat(ready.getSpec().getTaints())
        .extracting(t -> t.getKey())
        .containsExactly("dedicated");

    await()
        .during(Duration.ofMillis(cluster.realMillis(Duration.ofMinutes(10))))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !nodeReady(cluster.client.nodes().withName(broken).get()));
  }

  @Test
  void aBudgetsStatusFollowsItsPods() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 3)
            .workload("Deployment", "shop", "web", 4)
            .workload("Deployment", "shop", "api", 4)
            .pdb("shop", "web-pdb", "web", "50%", null)
            .pdb("shop", "api-pdb", "api", null, "30%")
            .podStart(Duration.ofMinutes(30))
            .start()
            .awaitSettled();
    assertThat(cluster.pdb("shop", "web-pdb").getStatus())
        .extracting(
            PodDisruptionBudgetStatus::getExpectedPods,
            PodDisruptionBudgetStatus::getDesiredHealthy,
            PodDisruptionBudgetStatus::getCurrentHealthy,
            PodDisruptionBudgetStatus::getDisruptionsAllowed)
        .containsExactly(4, 2, 4, 2);
    assertThat(cluster.pdb("shop", "api-pdb").getStatus())
        .extracting(
            PodDisruptionBudgetStatus::getExpectedPods,
            PodDisruptionBudgetStatus::getDesiredHealthy,
            PodDisruptionBudgetStatus::getCurrentHealthy,
            PodDisruptionBudgetStatus::getDisruptionsAllowed)
        .as("30% of 4 rounds up to 2 unavailable")
        .containsExactly(4, 2, 4, 2);

    cluster
        .client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setReplicas(6);
              return d;
            });
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> cluster.pdb("shop", "web-pdb").getStatus().getExpectedPods() == 6);
    assertThat(cluster.pdb("shop", "web-pdb").getStatus())
        .extracting(
            PodDisruptionBudgetStatus::getDesiredHealthy,
            PodDisruptionBudgetStatus::getCurrentHealthy,
            PodDisruptionBudgetStatus::getDisruptionsAllowed)
        .as("two new pods are still starting")
        .containsExactly(3, 4, 1);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> cluster.pdb("shop", "web-pdb").getStatus().getCurrentHealthy() == 6);
    assertThat(cluster.pdb("shop", "web-pdb").getStatus().getDisruptionsAllowed()).isEqualTo(3);

    Pod api = cluster.pods("shop", "api").get(0);
    cluster.client.pods().inNamespace("shop").withName(api.getMetadata().getName()).delete();
    assertThat(cluster.pdb("shop", "api-pdb").getStatus())
        .extracting(
            PodDisruptionBudgetStatus::getCurrentHealthy,
            PodDisruptionBudgetStatus::getDisruptionsAllowed)
        .as("a terminating pod is not healthy")
        .containsExactly(3, 1);
    assertThat(cluster.kube.pdbBreaches()).isEmpty();
  }

  @Test
  void aRolloutRestartCountsTheDeploymentsReplicasOnceAcrossItsOldAndNewReplicaSets() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 3)
            .workload("Deployment", "shop", "web", 6)
            .pdb("shop", "web", "web", null, "1")
            .start()
            .awaitSettled();
    cluster
        .client
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().getTemplate().getMetadata().setAnnotations(Map.of("kubectl.kubernetes.io/restartedAt", "now"));
              return d;
            });
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> cluster.client.apps().replicaSets().inNamespace("shop").list().getItems().size() == 2);
    assertThat(cluster.pdb("shop", "web").getStatus().getExpectedPods())
        .as("the rollout's two ReplicaSets belong to one Deployment of 6")
        .isEqualTo(6);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                cluster.pods("shop", "web").stream()
                    .allMatch(p -> p.getMetadata().getAnnotations() != null
                        && "now".equals(p.getMetadata().getAnnotations().get("kubectl.kubernetes.io/restartedAt"))
                        && ObjectFacts.isReady(p)));
    assertThat(cluster.kube.pdbBreaches()).as("25% unavailable of 6 is one pod, what the budget allows").isEmpty();
  }

  @Test
  void aTerminatedNodeOrAForcedDeletionBreachesABudgetAndIsRecorded() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .workload("Deployment", "shop", "web", 2)
            .pdb("shop", "web-pdb", "web", "2", null)
            .podStart(Duration.ofMinutes(30))
            .start()
            .awaitSettled();
    String dying = cluster.nodes("blue").get(0);
    Pod lost =
        cluster.podsOn(dying).stream()
            .filter(p -> p.getMetadata().getNamespace().equals("shop"))
            .findFirst()
            .orElseThrow();
    Pod other =
        cluster.pods("shop", "web").stream()
            .filter(p -> !p.getSpec().getNodeName().equals(dying))
            .findFirst()
            .orElseThrow();
    assertThat(cluster.kube.pdbBreaches()).isEmpty();

    cluster.kube.terminateNode(dying);
    cluster
        .client
        .pods()
        .inNamespace("shop")
        .withName(other.getMetadata().getName())
        .withGracePeriod(0)
        .delete();

    assertThat(cluster.kube.pdbBreaches())
        .extracting(
            PdbBreach::namespace,
            PdbBreach::pdb,
            PdbBreach::currentHealthy,
            PdbBreach::desiredHealthy)
        .containsExactly(tuple("shop", "web-pdb", 1, 2), tuple("shop", "web-pdb", 0, 2));
    assertThat(cluster.kube.pdbBreaches().get(0).lostPods())
        .containsExactly(
            new LostPod(
                "shop",
                lost.getMetadata().getName(),
                lost.getMetadata().getUid(),
                dying,
                Loss.NODE_TERMINATED));
    assertThat(cluster.kube.pdbBreaches().get(1).lostPods())
        .extracting(LostPod::name, LostPod::how)
        .containsExactly(tuple(other.getMetadata().getName(), Loss.DELETED));
    assertThat(cluster.kube.pdbBreaches().get(0).time())
        .isBeforeOrEqualTo(cluster.kube.pdbBreaches().get(1).time());
  }
}
