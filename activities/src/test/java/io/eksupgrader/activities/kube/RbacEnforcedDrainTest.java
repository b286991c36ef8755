package io.eksupgrader.activities.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.kube.RbacRefusal;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drains with the sandbox's API server enforcing deploy/rbac.yaml on the worker's requests: the
 * worker's role alone cordons, evicts and waits for budgets; a forced deletion needs the separate
 * eks-upgrader-force-delete role, and without it the API server refuses the delete with 403.
 */
class RbacEnforcedDrainTest {

  private static final String NEW_NODE = "ip-10-0-9-1.ec2.internal";
  private static final DrainOptions IGNORE_DAEMON_SETS = new DrainOptions(true, false, false, -1, 30, 1);

  private static String scenario(String groups, String workloadsAndPdbs) {
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
              rbac: {file: deploy/rbac.yaml, groups: %s}
        """
            .formatted(groups)
        + workloadsAndPdbs.indent(6);
  }

  private static final String GUARDED_WEB =
      """
      workloads:
        - {namespace: shop, name: web, replicas: 1}
        - {namespace: shop, name: api, replicas: 1}
      pdbs:
        - {namespace: shop, name: web-pdb, selector: {app: web}, maxUnavailable: "0"}
      """;

  private static String readyToDrain(DrainScenario s, int startingPods) {
    s.awaitRunning(startingPods);
    s.launchNode(NEW_NODE, "new");
    s.drain.cordonNodes(s.group("old"));
    return s.nodesOf("old").get(0);
  }

  private static Pod web(DrainScenario s, String node) {
    return s.podsOn(node).stream()
        .filter(p -> p.getMetadata().getName().startsWith("web-"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theWorkersRoleCordonsEvictsAndWaitsForBudgetsWithoutARefusal() {
    try (DrainScenario s =
        new DrainScenario(
            scenario(
                "[eks-upgrader]",
                """
                workloads:
                  - {namespace: shop, name: web, replicas: 3}
                  - {namespace: shop, name: db, kind: StatefulSet, replicas: 2}
                  - {namespace: kube-system, name: aws-node, kind: DaemonSet}
                pdbs:
                  - {namespace: shop, name: web-pdb, selector: {app: web}, maxUnavailable: "1"}
                """))) {
      String old = readyToDrain(s, 6);

      DrainNodeResult result = s.drain(old, new DrainOptions(true, true, true, -1, 30, 1), List.of());

      assertThat(result.evicted()).isEqualTo(5);
      assertThat(s.calls("CreateEviction", Effect.CREATED)).hasSize(5);
      assertThat(s.kube.rbacRefusals()).extracting(RbacRefusal::rule).isEmpty();
    }
  }

  @Test
  void aForcedDeletionWithoutTheForceDeleteRoleIsRefusedWith403AndThePodStays() {
    try (DrainScenario s = new DrainScenario(scenario("[eks-upgrader]", GUARDED_WEB))) {
      String old = readyToDrain(s, 2);
      Pod web = web(s, old);

      Throwable failure = catchThrowable(() -> s.drain(old, IGNORE_DAEMON_SETS, List.of(PodFacts.uid(web))));

      assertThat(failure).as("the drain cannot complete without deleting the guarded pod").isNotNull();
      assertThat(s.kube.rbacRefusals())
          .extracting(RbacRefusal::rule, RbacRefusal::namespace, RbacRefusal::name)
          .containsOnly(org.assertj.core.groups.Tuple.tuple("delete pods", "shop", web.getMetadata().getName()));
      assertThat(s.calls("DeletePod", Effect.CREATED)).isEmpty();
      assertThat(s.podsOn(old)).extracting(p -> p.getMetadata().getUid()).contains(PodFacts.uid(web));
    }
  }

  @Test
  void aForcedDeletionWorksOnceTheForceDeleteRoleIsBound() {
    try (DrainScenario s =
        new DrainScenario(scenario("[eks-upgrader, eks-upgrader-force-delete]", GUARDED_WEB))) {
      String old = readyToDrain(s, 2);
      Pod web = web(s, old);

      DrainNodeResult result = s.drain(old, IGNORE_DAEMON_SETS, List.of(PodFacts.uid(web)));

      assertThat(result.forceDeleted()).isEqualTo(1);
      assertThat(result.evicted()).isEqualTo(1);
      assertThat(s.calls("DeletePod", Effect.CREATED)).hasSize(1);
      assertThat(s.kube.rbacRefusals()).extracting(RbacRefusal::rule).isEmpty();
    }
  }
}
