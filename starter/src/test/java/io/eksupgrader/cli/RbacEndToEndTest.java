package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.sandbox.kube.RbacRefusal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A whole upgrade through the real worker and the CLI with the cluster's API server enforcing
 * deploy/rbac.yaml: pre-flight, add-ons, control plane, a new node group, the drain of the old one
 * and an operator's {@code decide --force} need nothing outside it, and the forced deletion only
 * works while the access entry also names the eks-upgrader-force-delete group.
 */
class RbacEndToEndTest {

  private static String scenario(String groups) {
    return """
        name: rbac
        timeScale: 600
        clusters:
          - name: shop
            region: eu-central-1
            version: "1.33"
            nodeGroups:
              - {name: apps, version: "1.33", desiredSize: 1, labels: {role: apps}}
            kubernetes:
              rbac: {file: deploy/rbac.yaml, groups: %s}
              workloads:
                - {namespace: ledger, name: writer, kind: StatefulSet, replicas: 1, nodeSelector: {role: apps}}
                - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: apps}}
              pdbs:
                - {namespace: ledger, name: writer, selector: {app: writer}, maxUnavailable: "0"}
                - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: "1"}
        """
        .formatted(groups);
  }

  private static final String[] WHERE = {
    "--task-queue", "rbac", "--identity", "bob", "--cluster", "shop", "--region", "eu-central-1"
  };

  /** Starts the upgrade and waits until the drain is blocked by the writer's budget. */
  private static String[] startUntilBlocked(LocalEnvironment env) {
    String[] where = CliRun.concat(new String[] {"--temporal", env.temporalTarget()}, WHERE);
    CliRun started =
        CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve", "--drain-timeout", "3s"}, where));
    assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
      assertThat(status.out()).contains("Step `nodegroup-apps` FAILED").contains("DrainBlocked");
    });
    return where;
  }

  private static CliRun force(String[] where) {
    CliRun forced =
        CliRun.of(CliRun.concat(new String[] {"decide", "--step", "nodegroup-apps", "--force", "--comment", "INC-7"}, where));
    assertThat(forced.exitCode()).as(forced.toString()).isEqualTo(ExitCodes.OK);
    return forced;
  }

  @Test
  void theWholeUpgradeAndAForcedDrainNeedNothingOutsideTheWorkersRoles() {
    try (LocalEnvironment env =
        LocalEnvironment.start(
            Scenario.parse(scenario("[eks-upgrader, eks-upgrader-force-delete]"), "rbac"), 0, 0, "rbac")) {
      env.startWorker();
      KubeCluster kube = env.sandbox.kubernetes("eu-central-1", "shop");
      String[] where = startUntilBlocked(env);
      assertThat(kube.rbacRefusals()).extracting(RbacRefusal::rule).as("up to the blocked drain").isEmpty();

      force(where);
      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));

      assertThat(watched.out()).as(watched.toString()).contains("\"outcome\" : \"SUCCEEDED\"");
      assertThat(env.sandbox.callLog().entries("DeletePod"))
          .filteredOn(e -> e.effect() == CallLog.Effect.CREATED)
          .singleElement()
          .satisfies(e -> assertThat(e.resourceId()).startsWith("ledger/writer-0@"));
      assertThat(kube.rbacRefusals()).extracting(RbacRefusal::rule).isEmpty();
    }
  }

  @Test
  void withoutTheForceDeleteGroupTheForcedDeletionIsRefusedAndThePodStays() {
    try (LocalEnvironment env =
        LocalEnvironment.start(Scenario.parse(scenario("[eks-upgrader]"), "rbac"), 0, 0, "rbac")) {
      env.startWorker();
      KubeCluster kube = env.sandbox.kubernetes("eu-central-1", "shop");
      String[] where = startUntilBlocked(env);

      force(where);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
          assertThat(kube.rbacRefusals()).extracting(RbacRefusal::rule).contains("delete pods"));
      assertThat(kube.rbacRefusals())
          .extracting(RbacRefusal::rule, RbacRefusal::name)
          .as("the forced deletion is the only request outside the worker's role")
          .allMatch(t -> t.toList().get(0).equals("delete pods") && t.toList().get(1).equals("writer-0"));
      assertThat(env.sandbox.callLog().entries("DeletePod"))
          .noneMatch(e -> e.effect() == CallLog.Effect.CREATED);
      assertThat(kube.adminClient().pods().inNamespace("ledger").withName("writer-0").get())
          .as("the writer was neither deleted nor evicted")
          .isNotNull();
    }
  }

}
