package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.RbacRefusal;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Karpenter and Fargate through the real worker and the CLI: a NodePool whose budget allows no
 * disruption stalls the drift into an operator decision that names it; once the operator raises
 * the budget, a retry watches every node replaced. A Fargate profile's Deployment is restarted
 * once, and a bare pod nobody recreates is named until the operator skips the step.
 */
class KarpenterAndFargateEndToEndTest {

  private static final String SCENARIO =
      """
      name: karpenter-fargate
      timeScale: 600
      durations: {karpenterLaunch: 60s, fargatePodStart: 60s}
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          karpenter:
            nodePools:
              - {name: general, nodes: 2, driftBudget: "0"}
          fargateProfiles:
            - name: batch
              selectors:
                - {namespace: batch}
          kubernetes:
            rbac: {file: deploy/rbac.yaml}
            workloads:
              - {namespace: search, name: indexer, replicas: 2, nodeSelector: {karpenter.sh/nodepool: general}}
              - {namespace: batch, name: report, replicas: 2}
              - {namespace: batch, name: oneoff, kind: Pod}
            pdbs:
              - {namespace: search, name: indexer, selector: {app: indexer}, maxUnavailable: "1"}
      """;

  private static final ResourceDefinitionContext NODE_POOLS =
      new ResourceDefinitionContext.Builder()
          .withGroup("karpenter.sh")
          .withVersion("v1")
          .withKind("NodePool")
          .withPlural("nodepools")
          .withNamespaced(false)
          .build();

  @Test
  void aFrozenNodePoolWaitsForTheOperatorAndABarePodOnFargateIsNamedUntilSkipped() {
    try (LocalEnvironment env =
        LocalEnvironment.start(Scenario.parse(SCENARIO, "karpenter-fargate"), 0, 0, "karpenter-fargate")) {
      env.startWorker(Map.of("eks-upgrader.karpenter.stall-timeout", "2s", "eks-upgrader.fargate.stall-timeout", "5s"));
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "karpenter-fargate", "--identity", "bob",
        "--cluster", "shop", "--region", "eu-central-1"
      };
      CliRun started = CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out())
            .contains("Step `karpenter-drift` FAILED")
            .contains("KarpenterDriftStalled")
            .contains("NodePool disruption budgets that allow no node: general (nodes: 0)");
      });
      var kube = env.sandbox.kubernetes("eu-central-1", "shop");
      assertThat(kube.adminClient().nodes().withLabel("karpenter.sh/nodepool").list().getItems())
          .as("nothing moved: the budget forbids it")
          .hasSize(2)
          .allMatch(n -> n.getStatus().getNodeInfo().getKubeletVersion().startsWith("v1.33."));

      // The operator lets Karpenter replace one node at a time, then retries.
      kube.adminClient()
          .genericKubernetesResources(NODE_POOLS)
          .withName("general")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"disruption\":{\"budgets\":[{\"nodes\":\"1\"}]}}}");
      CliRun retried =
          CliRun.of(CliRun.concat(new String[] {"decide", "--step", "karpenter-drift", "--retry", "--comment", "budget raised to 1"}, where));
      assertThat(retried.exitCode()).as(retried.toString()).isEqualTo(ExitCodes.OK);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out())
            .contains("Step `fargate-batch` FAILED")
            .contains("FargatePodsNotRecycled")
            .contains("no Deployment or StatefulSet recreates: batch/oneoff (1.33)");
      });
      CliRun again = CliRun.of(CliRun.concat(new String[] {"decide", "--step", "fargate-batch", "--retry"}, where));
      assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.OK);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out()).containsPattern("\\| fargate-batch \\| FAILED \\| 2 \\|");
      });
      CliRun skipped =
          CliRun.of(CliRun.concat(new String[] {"decide", "--step", "fargate-batch", "--skip", "--comment", "oneoff ends tonight"}, where));
      assertThat(skipped.exitCode()).as(skipped.toString()).isEqualTo(ExitCodes.OK);

      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.OK);
      assertThat(watched.out())
          .contains("\"outcome\" : \"SUCCEEDED\"")
          .contains("Karpenter's 2 node(s) run 1.34");
      assertThat(kube.adminClient().nodes().withLabel("karpenter.sh/nodepool").list().getItems())
          .hasSize(2)
          .allMatch(n -> n.getStatus().getNodeInfo().getKubeletVersion().startsWith("v1.34."));
      assertThat(kube.pdbBreaches()).as("Karpenter drained through the budgets").isEmpty();
      CallLog log = env.sandbox.callLog();
      assertThat(log.entries("PatchDeployment"))
          .as("the Deployment was restarted once although the step ran twice")
          .singleElement()
          .satisfies(e -> assertThat(e.resourceId()).isEqualTo("batch/report"));
      assertThat(log.entries("DeletePod")).as("the bare pod is the operator's to delete").isEmpty();
      assertThat(kube.rbacRefusals())
          .as("deploy/rbac.yaml grants all the worker asked for")
          .extracting(RbacRefusal::rule)
          .isEmpty();
    }
  }

}
