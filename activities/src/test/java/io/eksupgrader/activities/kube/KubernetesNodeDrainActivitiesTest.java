package io.eksupgrader.activities.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.activities.metrics.ActivityMetrics;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.kube.PdbBreach;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.model.DrainBlockage;
import io.eksupgrader.workflows.model.DrainBlockage.BlockedPod;
import io.eksupgrader.workflows.model.DrainBlockage.PdbStatus;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Drains against the sandbox's Kubernetes side over real HTTP: the activities reach the API
 * server through DescribeCluster and an EKS token, and the sandbox's evictions answer with
 * PodDisruptionBudget semantics (429, 500 for two budgets) while its controllers recreate evicted
 * pods on the new node. Time runs ten times faster there: pods stop within 0.5 s and start
 * within 0.4 s of real time.
 */
class KubernetesNodeDrainActivitiesTest {

  private static final String NEW_NODE = "ip-10-0-9-1.ec2.internal";

  /** kubectl drain --ignore-daemonsets --timeout=30s. */
  private static final DrainOptions IGNORE_DAEMON_SETS = new DrainOptions(true, false, false, -1, 30, 1);

  private static String scenario(String workloadsAndPdbs) {
    return """
        name: drain
        timeScale: 10
        durations: {podStart: 4s}
        clusters:
          - name: shop
            region: us-east-1
            version: "1.32"
            nodeGroups:
              - {name: old, desiredSize: 1}
            kubernetes:
        """
        + workloadsAndPdbs.indent(6);
  }

  /** The scenario's pods run on the old node; the new node is Ready and the old one cordoned. */
  private static String readyToDrain(DrainScenario s, int startingPods) {
    s.awaitRunning(startingPods);
    s.launchNode(NEW_NODE, "new");
    s.drain.cordonNodes(s.group("old"));
    return s.nodesOf("old").get(0);
  }

  @Test
  void drainEvictsEveryPodOnceAfterTheCordonAndLeavesDaemonSetPods() throws Exception {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 3}
                  - {namespace: shop, name: db, kind: StatefulSet, replicas: 2}
                  - {namespace: kube-system, name: aws-node, kind: DaemonSet}
                """))) {
      String old = readyToDrain(s, 6);
      List<String> evictable = s.podIdsOn(old, p -> !PodFacts.isDaemonSetPod(p));
      List<String> daemonSetPods = s.podIdsOn(old, PodFacts::isDaemonSetPod);
      assertThat(evictable).hasSize(5);

      DrainNodeResult result = s.drain(old, IGNORE_DAEMON_SETS, List.of());

      assertThat(result).isEqualTo(new DrainNodeResult(old, 5, 0, 0, 1, 0, 0));
      assertThat(s.calls("CreateEviction", Effect.CREATED)).containsExactlyInAnyOrderElementsOf(evictable);
      assertThat(s.calls("DeletePod")).isEmpty();
      assertThat(s.podIdsOn(old, p -> true)).isEqualTo(daemonSetPods);
      long cordoned = s.calls("PatchNode").get(0).sequence();
      assertThat(s.calls("CreateEviction")).allMatch(e -> e.sequence() > cordoned);
      assertThat(s.heartbeats).isNotEmpty().allMatch(h -> h.node().equals(old));
      assertThat(new ObjectMapper().writeValueAsString(s.heartbeats)).doesNotContain("k8s-aws-v1");
    }
  }

  @Test
  void budgetOfOneMakesTheDrainWaitForEachRecreatedPodWithoutABreach() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 3}
                pdbs:
                  - {namespace: shop, name: web-pdb, selector: {app: web}, maxUnavailable: "1"}
                """))) {
      String old = readyToDrain(s, 3);
      List<String> web = s.podIdsOn(old, p -> true);

      DrainNodeResult result = s.drain(old, IGNORE_DAEMON_SETS, List.of());

      assertThat(result.evicted()).isEqualTo(3);
      assertThat(s.calls("CreateEviction", Effect.CREATED)).containsExactlyInAnyOrderElementsOf(web);
      // Every 429 reached the drain: fabric8 retried none of them on its own.
      List<CallLog.Entry> refusals =
          s.calls("CreateEviction").stream().filter(e -> e.status() == 429).toList();
      assertThat(refusals).isNotEmpty().hasSize(result.refusedEvictions());
      s.metrics.finish();
      assertThat(s.metrics.counter(ActivityMetrics.DRAIN_EVICTIONS, Map.of())).isEqualTo(3);
      assertThat(s.metrics.counter(ActivityMetrics.DRAIN_EVICTION_REFUSALS, Map.of())).isEqualTo(refusals.size());
      assertThat(s.kube.pdbBreaches()).isEmpty();
      DrainScenario.await(() -> s.podsOn(NEW_NODE).stream().filter(PodFacts::isReady).count() == 3, "web on new");
    }
  }

  @Test
  void budgetThatAllowsNothingBlocksTheDrainAfterTheTimeoutNamingPodAndBudget() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 2}
                  - {namespace: shop, name: api, replicas: 1}
                pdbs:
                  - {namespace: shop, name: web-pdb, selector: {app: web}, maxUnavailable: "0"}
                """))) {
      String old = readyToDrain(s, 3);
      List<Pod> web = s.podsOn(old).stream().filter(p -> p.getMetadata().getName().startsWith("web-")).toList();
      String api = s.podIdsOn(old, p -> p.getMetadata().getName().startsWith("api-")).get(0);
      DrainOptions twoSeconds = new DrainOptions(true, false, false, -1, 2, 1);

      long started = System.nanoTime();
      ActivityFailure failure =
          catchThrowableOfType(ActivityFailure.class, () -> s.drain(old, twoSeconds, List.of()));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      ApplicationFailure blocked = (ApplicationFailure) failure.getCause();
      assertThat(blocked.getType()).isEqualTo(FailureTypes.DRAIN_BLOCKED);
      assertThat(blocked.isNonRetryable()).isTrue();
      assertThat(tookMillis).isGreaterThanOrEqualTo(2000);
      DrainBlockage blockage = blocked.getDetails().get(DrainBlockage.class);
      assertThat(blockage.pods())
          .extracting(BlockedPod::name, BlockedPod::uid)
          .containsExactlyInAnyOrderElementsOf(
              web.stream()
                  .map(p -> tuple(p.getMetadata().getName(), PodFacts.uid(p)))
                  .toList());
      for (BlockedPod pod : blockage.pods()) {
        assertThat(pod.node()).isEqualTo(old);
        assertThat(pod.namespace()).isEqualTo("shop");
        assertThat(pod.reason())
            .startsWith("eviction refused (429) for 2s")
            .endsWith("disruption budget shop/web-pdb allows 0 disruptions");
        assertThat(pod.pdbs()).containsExactly(new PdbStatus("shop", "web-pdb", 0, 2, 2, 2));
      }
      assertThat(blocked.getOriginalMessage())
          .doesNotContain("\n")
          .contains("drain blocked by 2 pod(s)", web.get(0).getMetadata().getName(), web.get(1).getMetadata().getName())
          .contains("shop/web-pdb (allows 0 disruptions; 2 healthy, 2 desired, 2 expected)");
      // The other pod was evicted meanwhile; the blocked ones never were.
      assertThat(s.calls("CreateEviction", Effect.CREATED)).containsExactly(api);
      s.metrics.finish();
      assertThat(s.metrics.counter(ActivityMetrics.DRAIN_EVICTIONS, Map.of())).isEqualTo(1);
      assertThat(s.metrics.counter(ActivityMetrics.DRAIN_EVICTION_REFUSALS, Map.of()))
          .as("every 429 the two web pods got")
          .isEqualTo(s.calls("CreateEviction").stream().filter(e -> e.status() == 429).count())
          .isGreaterThanOrEqualTo(2);
      assertThat(s.kube.pdbBreaches()).isEmpty();
    }
  }

  @Test
  void podUnderTwoBudgetsBlocksAtOnceNamingBoth() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 2}
                pdbs:
                  - {namespace: shop, name: web-a, selector: {app: web}, maxUnavailable: "1"}
                  - {namespace: shop, name: web-b, selector: {app: web}, minAvailable: "1"}
                """))) {
      String old = readyToDrain(s, 2);

      long started = System.nanoTime();
      ActivityFailure failure =
          catchThrowableOfType(ActivityFailure.class, () -> s.drain(old, IGNORE_DAEMON_SETS, List.of()));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      ApplicationFailure blocked = (ApplicationFailure) failure.getCause();
      assertThat(blocked.getType()).isEqualTo(FailureTypes.DRAIN_BLOCKED);
      // A 500 is not worth waiting for: no 30 s timeout, no retried eviction.
      assertThat(tookMillis).isLessThan(10_000);
      assertThat(s.calls("CreateEviction")).hasSize(2).allMatch(e -> e.status() == 500);
      DrainBlockage blockage = blocked.getDetails().get(DrainBlockage.class);
      assertThat(blockage.pods()).hasSize(2);
      for (BlockedPod pod : blockage.pods()) {
        assertThat(pod.reason())
            .isEqualTo(
                "eviction refused (500): more than one disruption budget selects the pod: shop/web-a,"
                    + " shop/web-b");
        assertThat(pod.pdbs()).extracting(PdbStatus::name).containsExactly("web-a", "web-b");
      }
      assertThat(blocked.getOriginalMessage()).contains("shop/web-a (allows", "shop/web-b (allows");
    }
  }

  @Test
  void podsTheOptionsDoNotAllowRefuseTheDrainBeforeAnyEvictionAndGoWithTheOptions() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 1}
                  - {namespace: shop, name: cache, replicas: 1, emptyDir: true}
                  - {namespace: shop, name: debug, kind: Pod}
                  - {namespace: kube-system, name: aws-node, kind: DaemonSet}
                """))) {
      String old = readyToDrain(s, 4);
      DrainOptions kubectlDefaults = new DrainOptions(false, false, false, -1, 30, 1);

      ActivityFailure failure =
          catchThrowableOfType(ActivityFailure.class, () -> s.drain(old, kubectlDefaults, List.of()));

      ApplicationFailure refused = (ApplicationFailure) failure.getCause();
      assertThat(refused.getType()).isEqualTo(FailureTypes.DRAIN_BLOCKED);
      List<BlockedPod> blocked = refused.getDetails().get(DrainBlockage.class).pods();
      assertThat(blocked)
          .extracting(BlockedPod::namespace, BlockedPod::reason)
          .containsExactly(
              tuple("kube-system", DrainPlan.DAEMON_SET),
              tuple("shop", DrainPlan.EMPTY_DIR),
              tuple("shop", DrainPlan.NO_CONTROLLER));
      assertThat(blocked.get(0).name()).startsWith("aws-node-");
      assertThat(blocked.get(1).name()).startsWith("cache-");
      assertThat(blocked.get(2).name()).isEqualTo("debug");
      assertThat(s.calls("CreateEviction")).isEmpty();

      List<String> evictable = s.podIdsOn(old, p -> !PodFacts.isDaemonSetPod(p));
      DrainNodeResult result = s.drain(old, new DrainOptions(true, true, true, -1, 30, 1), List.of());

      assertThat(result.evicted()).isEqualTo(3);
      assertThat(s.calls("CreateEviction", Effect.CREATED)).containsExactlyInAnyOrderElementsOf(evictable);
    }
  }

  @Test
  void operatorsForceDeletesExactlyTheNamedPodAndEvictsTheRest() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 1}
                  - {namespace: shop, name: api, replicas: 1}
                pdbs:
                  - {namespace: shop, name: web-pdb, selector: {app: web}, maxUnavailable: "0"}
                """))) {
      String old = readyToDrain(s, 2);
      Pod web = s.podsOn(old).stream().filter(p -> p.getMetadata().getName().startsWith("web-")).findFirst().orElseThrow();
      String webId = PodFacts.key(web) + "@" + PodFacts.uid(web);
      String api = s.podIdsOn(old, p -> p.getMetadata().getName().startsWith("api-")).get(0);

      DrainNodeResult result = s.drain(old, IGNORE_DAEMON_SETS, List.of(PodFacts.uid(web), "uid-of-no-pod"));

      assertThat(result.forceDeleted()).isEqualTo(1);
      assertThat(result.evicted()).isEqualTo(1);
      assertThat(s.calls("DeletePod", Effect.CREATED)).containsExactly(webId);
      assertThat(s.calls("CreateEviction", Effect.CREATED)).containsExactly(api);
      s.metrics.finish();
      assertThat(s.metrics.counter(ActivityMetrics.DRAIN_FORCE_DELETIONS, Map.of())).isEqualTo(1);
      assertThat(s.metrics.counter(ActivityMetrics.DRAIN_EVICTIONS, Map.of())).isEqualTo(1);
      assertThat(s.metrics.counter(ActivityMetrics.DRAIN_EVICTION_REFUSALS, Map.of())).isZero();
      // The budget was broken by the recorded deletion, and by nothing else.
      assertThat(s.kube.pdbBreaches())
          .flatExtracting(PdbBreach::lostPods)
          .extracting(PdbBreach.LostPod::uid, PdbBreach.LostPod::how)
          .containsOnly(tuple(PodFacts.uid(web), PdbBreach.Loss.DELETED));
    }
  }

  @Test
  void aRetriedAttemptWaitsForThePodsTheFirstOneEvictedWithoutEvictingThemAgain() throws Exception {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 3}
                """))) {
      String old = readyToDrain(s, 3);
      List<String> web = s.podIdsOn(old, p -> true);
      // Thirty seconds of grace keep evicted pods terminating for three real seconds.
      DrainOptions slowStop = new DrainOptions(true, false, false, 30, 60, 1);

      CompletableFuture<DrainNodeResult> first =
          CompletableFuture.supplyAsync(() -> s.drain(old, slowStop, List.of()));
      DrainScenario.await(
          () -> s.heartbeats.stream().anyMatch(h -> h.evictedUids().size() == 3), "three evictions heartbeated");
      s.env.requestCancelActivity();
      Throwable cancelled = catchThrowableOfType(ExecutionException.class, first::get).getCause();
      assertThat(cancelled).isInstanceOf(CanceledFailure.class);
      DrainProgress handedOver = s.heartbeats.get(s.heartbeats.size() - 1);
      assertThat(s.podsOn(old)).hasSize(3).allMatch(PodFacts::isTerminating);

      int seen = s.heartbeats.size();
      NodeDrainActivities retry = s.nextAttempt(handedOver);
      DrainNodeResult result =
          retry.drainNode(new DrainNodeRequest(DrainScenario.SHOP, old, slowStop, List.of()));

      assertThat(result.evicted()).isEqualTo(3);
      assertThat(s.calls("CreateEviction", Effect.CREATED)).containsExactlyInAnyOrderElementsOf(web);
      assertThat(s.calls("CreateEviction")).hasSize(3);
      assertThat(s.podsOn(old)).isEmpty();
      assertThat(s.heartbeats.subList(seen, s.heartbeats.size()))
          .isNotEmpty()
          .allMatch(h -> h.startedAtEpochMilli() == handedOver.startedAtEpochMilli());
    }
  }

  @Test
  void anAttemptKilledBeforeItsHeartbeatLeavesTerminatingPodsThatTheNextOneOnlyWaitsFor() throws Exception {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 2}
                """))) {
      String old = readyToDrain(s, 2);
      DrainOptions slowStop = new DrainOptions(true, false, false, 30, 60, 1);
      CompletableFuture<DrainNodeResult> first =
          CompletableFuture.supplyAsync(() -> s.drain(old, slowStop, List.of()));
      DrainScenario.await(
          () -> s.calls("CreateEviction", Effect.CREATED).size() == 2, "both evictions accepted");
      s.env.requestCancelActivity();
      catchThrowableOfType(ExecutionException.class, first::get);
      assertThat(s.podsOn(old)).hasSize(2).allMatch(PodFacts::isTerminating);

      // The worker died before any heartbeat reached Temporal: the next attempt knows nothing.
      DrainNodeResult result =
          s.nextAttempt(null).drainNode(new DrainNodeRequest(DrainScenario.SHOP, old, slowStop, List.of()));

      assertThat(s.calls("CreateEviction")).as("no pod is evicted twice").hasSize(2);
      assertThat(result.alreadyGone()).isEqualTo(2);
      assertThat(s.podsOn(old)).isEmpty();
    }
  }

  @Test
  void cordonAndUncordonChangeOnlyNodesNotAlreadyAsWanted() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                    """
                    workloads: []
                    """)
                .replace("{name: old, desiredSize: 1}", "{name: old, desiredSize: 2}"))) {
      DrainScenario.await(() -> s.nodesOf("old").size() == 2, "two old nodes");
      List<String> nodes = s.nodesOf("old");

      NodeSetResult cordoned = s.drain.cordonNodes(s.group("old"));
      NodeSetResult again = s.drain.cordonNodes(s.group("old"));

      assertThat(cordoned).isEqualTo(new NodeSetResult("old", nodes, nodes));
      assertThat(again).isEqualTo(new NodeSetResult("old", nodes, List.of()));
      assertThat(s.admin().nodes().list().getItems())
          .allMatch(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()));
      assertThat(s.calls("PatchNode", Effect.CREATED)).containsExactlyElementsOf(nodes);

      NodeSetResult uncordoned = s.drain.uncordonNodes(s.group("old"));
      NodeSetResult uncordonedAgain = s.drain.uncordonNodes(s.group("old"));

      assertThat(uncordoned).isEqualTo(new NodeSetResult("old", nodes, nodes));
      assertThat(uncordonedAgain).isEqualTo(new NodeSetResult("old", nodes, List.of()));
      assertThat(s.admin().nodes().list().getItems())
          .noneMatch(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()));
      assertThat(s.calls("PatchNode")).hasSize(4);
      assertThat(s.drain.cordonNodes(s.group("no-such-group"))).isEqualTo(new NodeSetResult("no-such-group", List.of(), List.of()));
    }
  }

  @Test
  void drainedCheckFindsSchedulableNodesLeftoverPodsAndUnreadyPods() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 2}
                  - {namespace: shop, name: trainer, replicas: 1, nodeSelector: {accelerator: nvidia}}
                  - {namespace: kube-system, name: aws-node, kind: DaemonSet}
                """))) {
      s.awaitRunning(3);
      String old = s.nodesOf("old").get(0);
      List<String> web = s.podsOn(old).stream().filter(p -> !PodFacts.isDaemonSetPod(p)).map(PodFacts::key).sorted().toList();

      DrainedCheck before = s.drain.checkNodesDrained(s.group("old"));

      assertThat(before.drained()).isFalse();
      assertThat(before.nodes()).containsExactly(old);
      assertThat(before.uncordoned()).containsExactly(old);
      assertThat(before.remainingPods()).isEqualTo(web).hasSize(2);
      assertThat(before.unreadyPods()).singleElement().asString().startsWith("shop/trainer-");

      s.launchNode(NEW_NODE, "new");
      s.drain.cordonNodes(s.group("old"));
      s.drain(old, IGNORE_DAEMON_SETS, List.of());
      DrainedCheck after = s.drain.checkNodesDrained(s.group("old"));

      assertThat(after.drained()).isTrue();
      assertThat(after.uncordoned()).isEmpty();
      assertThat(after.remainingPods()).isEmpty();
      assertThat(after.unreadyPods()).anyMatch(p -> p.startsWith("shop/trainer-"));
    }
  }
}
