package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fault F5: the Kubernetes API answers 503 for 60 simulated seconds from the third accepted
 * eviction of a budget-paced drain, and the worker's bearer tokens expire every simulated minute
 * (a few real seconds at timeScale 30), so several expire mid-drain. The real worker and CLI ride
 * both out: the drain resumes from its heartbeat, every pod is evicted exactly once, no budget is
 * breached and the node-group step does not fail.
 */
class KubernetesFaultEndToEndTest {

  private static final String SCENARIO =
      """
      name: kubernetes-faults
      timeScale: 30
      clusters:
        - name: flaky
          region: eu-west-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 2, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, kind: Deployment, replicas: 8, nodeSelector: {role: apps}}
              - {namespace: kube-system, name: aws-node, kind: DaemonSet}
            pdbs:
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: "1"}
      durations:
        controlPlaneUpdate: 2m
        nodeGroupCreate: 2m
        nodeGroupDelete: 1m
        nodeJoin: 20s
        podStart: 40s
      faults:
        kubernetesOutages: [{afterEvictions: 3, duration: 60s}]
      """;

  @Test
  void aDrainRidesOutAMinuteWithoutTheApiAndExpiringTokensAndEvictsEachPodOnce() throws Exception {
    Scenario scenario = Scenario.parse(SCENARIO, "kubernetes-faults");
    ClusterRef cluster = new ClusterRef("eu-west-1", "flaky");
    try (LocalEnvironment env = LocalEnvironment.start(scenario, 0, 0, "kubernetes-faults")) {
      Map<String, Object> worker = env.workerProperties();
      worker.put("eks-upgrader.drain.heartbeat-interval", "500ms");
      worker.put("micronaut.server.port", -1);
      KubeCluster kube = env.sandbox.kubernetes("eu-west-1", "flaky");
      kube.expireTokensAfter(Duration.ofMinutes(1));

      try (WorkerProcess process =
              WorkerProcess.start(worker, Path.of("target", "kubernetes-fault-test", "worker.log"));
          TemporalConnection connection = env.connect("kubernetes-fault-test")) {
        CliRun started =
            CliRun.of(
                "start", "--temporal", env.temporalTarget(), "--task-queue", "kubernetes-faults", "--cluster", "flaky",
                "--region", "eu-west-1", "--to", "1.34", "--auto-approve", "--no-wait");
        assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          UpgradeStatus status = connection.status(cluster);
          assertThat(status.outcome()).as(StatusMarkdown.render(status) + process.logText()).isNotEqualTo(UpgradeOutcome.RUNNING);
        });
        UpgradeResult result =
            connection.client
                .newUntypedWorkflowStub("eks-upgrade/eu-west-1/flaky")
                .getResult(10, TimeUnit.SECONDS, UpgradeResult.class);

        assertThat(result.outcome()).as(StatusMarkdown.render(result.status())).isEqualTo(UpgradeOutcome.SUCCEEDED);
        List<StepStatus> nodeGroupSteps =
            result.status().steps().stream().filter(s -> s.kind() == StepKind.NODE_GROUP).toList();
        assertThat(nodeGroupSteps).as(StatusMarkdown.render(result.status())).isNotEmpty()
            .allSatisfy(s -> {
              assertThat(s.state()).isEqualTo(StepState.SUCCEEDED);
              assertThat(s.attempts()).as("the drain step never failed into a retry").isEqualTo(1);
            });
        List<String> evicted =
            env.sandbox.callLog().entries("CreateEviction").stream()
                .filter(e -> e.effect() == CallLog.Effect.CREATED)
                .map(CallLog.Entry::resourceId)
                .toList();
        assertThat(evicted).as("every web pod of the two old nodes evicted exactly once").hasSize(8).doesNotHaveDuplicates();
        assertThat(evicted).allMatch(id -> id.startsWith("shop/web-"));
        assertThat(kube.outageRefusals()).as("the outage met the drain").isPositive();
        assertThat(kube.expiredTokenRefusals()).as("tokens expired under the worker").isGreaterThanOrEqualTo(2);
        assertThat(env.sandbox.callLog().entries("DeletePod")).as("nothing was force-deleted").isEmpty();
        assertThat(kube.pdbBreaches()).as("no budget was ever breached").isEmpty();
        System.out.printf(
            "F5: %d evictions, %d requests refused for an expired token, %d answered 503 by the outage%n",
            evicted.size(),
            kube.expiredTokenRefusals(),
            kube.outageRefusals());
      }
    }
  }

}
