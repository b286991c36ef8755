package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.RbacRefusal;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Karpenter and Istio through the real worker and the CLI. With the {@code external} strategy the
 * upgrade changes nothing of Karpenter's itself: it verifies, fails naming what differs, and passes
 * once the operator's GitOps made the change. With {@code helm}, an Istio step that fails after the
 * mesh moved is aborted by the operator, and the mesh comes back on the old revision, labels
 * included.
 */
class ComponentsEndToEndTest {


  private static void awaitStatus(String[] where, String... texts) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
      assertThat(status.out()).contains(texts);
    });
  }

  @Test
  void externalKarpenterIsVerifiedAndPassesOnceTheOperatorsGitOpsChangedIt() {
    String scenario =
        """
        name: gitops
        timeScale: 600
        clusters:
          - name: shop
            region: eu-west-1
            version: "1.33"
            nodeGroups:
              - {name: system, desiredSize: 2}
            karpenter:
              version: "1.5.4"
              installedBy: manifests
              nodeClasses:
                - {name: default, alias: al2023@latest}
              nodePools:
                - {name: general, nodes: 1, driftBudget: "1"}
            kubernetes:
              rbac: {file: deploy/rbac.yaml}
        """;
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(scenario, "gitops"), 0, 0, "gitops")) {
      env.startWorker();
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "gitops", "--identity", "carol", "--cluster", "shop", "--region", "eu-west-1"
      };
      CliRun started = CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--karpenter-strategy", "external"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
      assertThat(started.out()).contains("verify the Karpenter change made through GitOps: Karpenter 1.5.4 → 1.6.3");
      // Control-plane logging is off in this world: a warning to read at gate preflight.
      awaitStatus(where, "Waiting for approval** of gate `preflight`", "control-plane logging is off for api, audit");
      assertThat(CliRun.of(CliRun.concat(new String[] {"approve", "--gate", "preflight"}, where)).exitCode()).isEqualTo(ExitCodes.OK);
      awaitStatus(where, "apply these through your GitOps (chart karpenter-crd 1.6.3 before chart karpenter 1.6.3), then approve");

      CliRun approved = CliRun.of(CliRun.concat(new String[] {"approve", "--gate", "karpenter", "--comment", "PR #12 merged"}, where));
      assertThat(approved.exitCode()).as(approved.toString()).isEqualTo(ExitCodes.OK);
      awaitStatus(where, "Step `karpenter` FAILED", "ComponentNotReady", "Deployment kube-system/karpenter runs 1.5.4, not 1.6.3");

      // The GitOps controller syncs: the controller's image moves, and its pods roll.
      KubernetesClient kube = env.sandbox.kubernetes("eu-west-1", "shop").adminClient();
      kube.apps().deployments().inNamespace("kube-system").withName("karpenter")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"controller\",\"image\":\"public.ecr.aws/karpenter/controller:1.6.3\"}]}}}}");
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        var d = kube.apps().deployments().inNamespace("kube-system").withName("karpenter").get();
        return d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getUpdatedReplicas())
            && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas()) && Integer.valueOf(2).equals(d.getStatus().getReplicas());
      });
      CliRun retried = CliRun.of(CliRun.concat(new String[] {"decide", "--step", "karpenter", "--retry", "--comment", "synced"}, where));
      assertThat(retried.exitCode()).as(retried.toString()).isEqualTo(ExitCodes.OK);
      awaitStatus(where, "| karpenter | SUCCEEDED | 2 |", "Karpenter runs 1.6.3 with 2 Ready replica(s)");

      assertThat(env.sandbox.callLog().entries().stream().map(e -> e.operation()).collect(Collectors.toSet()))
          .as("with GitOps the worker ran no Helm and patched no Karpenter object")
          .doesNotContain("CreateSecret", "UpdateSecret", "PatchEC2NodeClass", "UpdateEC2NodeClass");
      assertThat(env.sandbox.kubernetes("eu-west-1", "shop").rbacRefusals())
          .as("deploy/rbac.yaml grants all the worker asked for")
          .extracting(RbacRefusal::rule)
          .isEmpty();
    }
  }

  @Test
  void anIstioStepThatFailsAfterTheMeshMovedIsAbortedAndTheMeshComesBack() throws Exception {
    String scenario =
        """
        name: mesh
        timeScale: 600
        clusters:
          - name: shop
            region: eu-west-1
            version: "1.32"
            nodeGroups:
              - {name: system, desiredSize: 2}
            istio:
              revisions:
                - {name: 1-26, version: 1.26.2}
              tags:
                - {name: default, revision: 1-26}
              namespaces:
                - {name: shop, injection: enabled}
                - {name: billing, rev: 1-26}
              gateways:
                - {namespace: istio-ingress, name: istio-ingressgateway, replicas: 2, revision: 1-26}
            kubernetes:
              rbac: {file: deploy/rbac.yaml}
              workloads:
                - {namespace: shop, name: web, replicas: 3}
                - {namespace: billing, name: invoicer, replicas: 2}
        """;
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(scenario, "mesh"), 0, 0, "mesh")) {
      env.startWorker();
      // The chart repository lacks the gateway chart of 1.27.0: its in-place upgrade fails.
      Path missing = Path.of(env.chartSource(), "gateway-1.27.0");
      try (var files = Files.walk(missing)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "mesh", "--identity", "dave", "--cluster", "shop", "--region", "eu-west-1"
      };
      CliRun started =
          CliRun.of(
              CliRun.concat(
                  new String[] {
                    "start", "--to", "1.34", "--istio-chart-source", env.chartSource(), "--istio-restart-batch", "1",
                    "--delete-emptydir-data"
                  },
                  where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
      // Sidecars keep their istio-envoy emptyDir: with delete-emptydir-data that is a warning of what is lost.
      awaitStatus(where, "Waiting for approval** of gate `preflight`", "`pod-emptydir` shop/web (Deployment)");
      assertThat(CliRun.of(CliRun.concat(new String[] {"approve", "--gate", "preflight"}, where)).exitCode()).isEqualTo(ExitCodes.OK);
      awaitStatus(where, "Waiting for approval** of gate `istio-1.27`");
      assertThat(CliRun.of(CliRun.concat(new String[] {"approve", "--gate", "istio-1.27"}, where)).exitCode()).isEqualTo(ExitCodes.OK);
      awaitStatus(where, "Step `istio-1.27-gateways` FAILED", "HelmReleaseFailed", "chart gateway 1.27.0 is not in");

      KubernetesClient kube = env.sandbox.kubernetes("eu-west-1", "shop").adminClient();
      assertThat(revisions(kube, "billing")).as("the mesh had moved").containsExactly("1-27");
      assertThat(kube.namespaces().withName("billing").get().getMetadata().getLabels()).containsEntry("istio.io/rev", "1-27");

      CliRun aborted = CliRun.of(CliRun.concat(new String[] {"decide", "--step", "istio-1.27-gateways", "--abort", "--comment", "chart missing"}, where));
      assertThat(aborted.exitCode()).as(aborted.toString()).isEqualTo(ExitCodes.OK);
      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.UPGRADE_NOT_SUCCEEDED);
      assertThat(watched.out())
          .contains("ABORTED")
          .contains("aborted; rollback: gateway istio-ingressgateway back at chart 1.26.2; mesh back on 1-26")
          .contains("revision 1-27 stays installed, unused");
      assertThat(revisions(kube, "billing")).containsExactly("1-26");
      assertThat(revisions(kube, "shop")).containsExactly("1-26");
      assertThat(kube.namespaces().withName("billing").get().getMetadata().getLabels()).containsEntry("istio.io/rev", "1-26");
      assertThat(env.sandbox.callLog().entries("UpdateClusterVersion")).as("the control plane never moved").isEmpty();
      assertThat(env.sandbox.kubernetes("eu-west-1", "shop").pdbBreaches()).isEmpty();
      assertThat(env.sandbox.kubernetes("eu-west-1", "shop").rbacRefusals())
          .as("deploy/rbac.yaml grants all the worker asked for, rollback included")
          .extracting(RbacRefusal::rule)
          .isEmpty();
    }
  }

  /** The revisions that injected a namespace's running pods. */
  private static Set<String> revisions(KubernetesClient kube, String namespace) {
    return kube.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(ComponentsEndToEndTest::revision)
        .collect(Collectors.toSet());
  }

  private static String revision(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String status = annotations == null ? null : annotations.get("sidecar.istio.io/status");
    return status == null ? "none" : status.replaceAll(".*\"revision\":\"([^\"]+)\".*", "$1");
  }
}
