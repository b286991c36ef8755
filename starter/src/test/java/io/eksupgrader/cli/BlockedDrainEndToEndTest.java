package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.PdbBreach;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A PodDisruptionBudget that never allows an eviction, through the real worker and the CLI: the
 * drain gives up after its timeout naming the pod and the budget, nothing is deleted on its own,
 * and only an operator's {@code decide --force} deletes exactly that pod, once.
 */
class BlockedDrainEndToEndTest {

  private static final String SCENARIO =
      """
      name: blocked
      timeScale: 600
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 1, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: ledger, name: writer, kind: StatefulSet, replicas: 1, nodeSelector: {role: apps}}
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: apps}}
            pdbs:
              - {namespace: ledger, name: writer, selector: {app: writer}, maxUnavailable: "0"}
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: "1"}
      """;

  @Test
  void aBudgetThatNeverAllowsBlocksTheDrainUntilAnOperatorForcesExactlyThatPod() {
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(SCENARIO, "blocked"), 0, 0, "blocked")) {
      env.startWorker();
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "blocked", "--identity", "bob",
        "--cluster", "shop", "--region", "eu-central-1"
      };
      CliRun started =
          CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve", "--drain-timeout", "3s"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out())
            .contains("Step `nodegroup-apps` FAILED")
            .contains("DrainBlocked")
            .containsPattern("\\| ledger/writer-0 \\| ip-[^|]+ \\| eviction refused \\(429\\)")
            .contains("ledger/writer: 0 disruptions allowed")
            .contains("`force` deletes exactly these pods");
      });
      CallLog log = env.sandbox.callLog();
      assertThat(log.entries("DeletePod")).as("nothing is deleted around a budget on its own").isEmpty();
      assertThat(log.entries("CreateEviction"))
          .filteredOn(e -> e.effect() == CallLog.Effect.CREATED)
          .extracting(CallLog.Entry::resourceId)
          .as("the other pods were evicted as usual")
          .allMatch(id -> id.startsWith("shop/web-"))
          .hasSize(2);
      assertThat(env.sandbox.kubernetes("eu-central-1", "shop").pdbBreaches()).isEmpty();

      CliRun forced =
          CliRun.of(CliRun.concat(new String[] {"decide", "--step", "nodegroup-apps", "--force", "--comment", "INC-7: writer is stuck"}, where));
      assertThat(forced.exitCode()).as(forced.toString()).isEqualTo(ExitCodes.OK);
      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.OK);
      assertThat(watched.out())
          .contains("\"outcome\" : \"SUCCEEDED\"")
          .contains("\"comment\" : \"INC-7: writer is stuck\"");

      List<CallLog.Entry> deleted = log.entries("DeletePod");
      assertThat(deleted).as("exactly the named pod, once").singleElement()
          .satisfies(e -> assertThat(e.resourceId()).startsWith("ledger/writer-0@"));
      assertThat(env.sandbox.kubernetes("eu-central-1", "shop").pdbBreaches())
          .as("the only breach is the one the operator decided")
          .flatExtracting(PdbBreach::lostPods)
          .extracting(PdbBreach.LostPod::name, PdbBreach.LostPod::how)
          .containsOnly(org.assertj.core.groups.Tuple.tuple("writer-0", PdbBreach.Loss.DELETED));
    }
  }

}
