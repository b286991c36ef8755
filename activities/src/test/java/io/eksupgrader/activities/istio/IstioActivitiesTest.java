package io.eksupgrader.activities.istio;

import static io.eksupgrader.activities.helm.ComponentHarness.SHOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.helm.ComponentHarness;
import io.eksupgrader.activities.kube.Workloads;
import io.eksupgrader.sandbox.kube.RbacRefusal;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.HelmActivities;
import io.eksupgrader.workflows.activities.IstioActivities;
import io.eksupgrader.workflows.activities.IstioActivities.MoveResult;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioInstallation.RevisionTag;
import io.eksupgrader.workflows.planning.ComponentPlanner;
import io.fabric8.kubernetes.api.model.Pod;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One canary revision step against the sandbox's Istio: the new revision installed with Helm beside
 * the old, the mesh moved (tag switched, a namespace relabelled, workloads restarted and injected by
 * the new revision), the gateway upgraded in place, the old revision checked unused and removed; and
 * the rollback that moves the mesh back.
 */
class IstioActivitiesTest {

  private static final String ISTIO =
      """
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
          - {namespace: shop, name: cache, kind: StatefulSet, replicas: 2}
          - {namespace: billing, name: invoicer, replicas: 2}
          - {namespace: billing, name: agent, kind: DaemonSet}
      """;

  @TempDir Path work;
  private ComponentHarness cluster;

  /** The worker's RBAC of deploy/rbac.yaml is enforced; no test may need more than it grants. */
  @AfterEach
  void close() {
    try {
      assertThat(cluster.kube().rbacRefusals()).extracting(RbacRefusal::rule).isEmpty();
    } finally {
      cluster.close();
    }
  }

  private IstioActivities istio(Path istioctl) {
    return cluster.stub(
        IstioActivities.class,
        new KubernetesIstioActivities(
            cluster.clients,
            new IstioSettings(Duration.ofMillis(100), Duration.ofSeconds(20), Duration.ofSeconds(3), istioctl),
            work.resolve("istio")));
  }

  private static ComponentInspectionRequest inspection() {
    return new ComponentInspectionRequest(SHOP, "1.32", "1.34", null);
  }

  /** Namespace → the revisions its injected pods run, e.g. {shop=[1-27]}. */
  private Map<String, List<String>> sidecars() {
    return cluster.admin().pods().inAnyNamespace().list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> KubernetesIstioActivities.injectedRevision(p) != null)
        .collect(
            Collectors.groupingBy(
                p -> p.getMetadata().getNamespace(),
                java.util.TreeMap::new,
                Collectors.mapping(p -> KubernetesIstioActivities.injectedRevision(p) + " " + proxy(p), Collectors.collectingAndThen(Collectors.toSet(), s -> s.stream().sorted().toList()))));
  }

  private static String proxy(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("istio-proxy")).findFirst().orElseThrow().getImage()
        .replaceFirst(".*:", "");
  }

  private long restartsOf(String kind) {
    return cluster.kubernetesChanges().stream().filter(c -> c.startsWith("Patch" + kind + " ")).count();
  }

  @Test
  void oneRevisionStepInstallsBesideMovesTheMeshUpgradesTheGatewayAndRemovesTheOldRevision() {
    cluster = new ComponentHarness(work, ISTIO);
    IstioActivities istio = istio(null);
    HelmActivities helm = cluster.helm();

    IstioInstallation found = istio.inspectIstio(inspection());
    assertThat(found.revisions()).extracting(r -> r.name() + " " + r.version() + " " + r.release().name())
        .containsExactly("1-26 1.26.2 istiod-1-26");
    assertThat(found.tags()).containsExactly(new RevisionTag("default", "1-26"));
    assertThat(found.namespaces())
        .containsExactly(new MeshNamespace("billing", null, "1-26", "1-26"), new MeshNamespace("shop", "enabled", null, "1-26"));
    assertThat(found.gateways()).extracting(g -> g.namespace() + "/" + g.name() + " " + g.revision() + " " + g.proxyVersion())
        .containsExactly("istio-ingress/istio-ingressgateway 1-26 1.26.2");
    assertThat(found.baseRelease().name()).isEqualTo("istio-base");
    assertThat(found.target().versions()).containsExactly("1.27.0", "1.28.3");
    assertThat(sidecars()).containsEntry("shop", List.of("1-26 1.26.2")).containsEntry("billing", List.of("1-26 1.26.2"));

    helm.upgradeRelease(
        new HelmActivities.UpgradeRequest(SHOP, "istio-base", "istio-system", "base", cluster.charts.toString(), "1.27.0", Map.of(), null, false, List.of(), "base"));
    HelmActivities.UpgradeResult istiod =
        helm.upgradeRelease(
            new HelmActivities.UpgradeRequest(
                SHOP, "istiod-1-27", "istio-system", "istiod", cluster.charts.toString(), "1.27.0", Map.of("revision", "1-27"), "istiod-1-26", true, List.of(), "canary"));
    assertThat(istiod.how()).isEqualTo(HelmActivities.UpgradeResult.How.INSTALLED);
    var revision = istio.awaitRevision(new IstioActivities.RevisionRequest(SHOP, "istio-system", "1-27", "1.27.0", true));
    assertThat(revision.webhook()).isEqualTo("istio-sidecar-injector-1-27");

    MoveResult moved =
        istio.moveWorkloads(
            new IstioActivities.MoveRequest(
                SHOP, "istio-system", "1-27", "1.27.0", ComponentPlanner.selectionAfter(found, "1-27"), ComponentPlanner.tagsAfter(found, "1-27"), 1));
    assertThat(moved.tagsSwitched()).containsExactly("default → 1-27");
    assertThat(moved.relabeled()).containsExactly("billing istio.io/rev=1-27");
    assertThat(moved.restarted())
        .containsExactlyInAnyOrder("Deployment billing/invoicer", "DaemonSet billing/agent", "Deployment shop/web", "StatefulSet shop/cache");
    assertThat(sidecars()).containsEntry("shop", List.of("1-27 1.27.0")).containsEntry("billing", List.of("1-27 1.27.0"));
    assertThat(cluster.admin().namespaces().withName("shop").get().getMetadata().getLabels())
        .as("shop follows the default tag: its labels stay")
        .containsEntry("istio-injection", "enabled")
        .doesNotContainKey("istio.io/rev");

    long deployments = restartsOf("Deployment");
    MoveResult again =
        istio.moveWorkloads(
            new IstioActivities.MoveRequest(
                SHOP, "istio-system", "1-27", "1.27.0", ComponentPlanner.selectionAfter(found, "1-27"), ComponentPlanner.tagsAfter(found, "1-27"), 1));
    assertThat(again.restarted()).isEmpty();
    assertThat(again.tagsSwitched()).isEmpty();
    assertThat(restartsOf("Deployment")).as("a second run restarts nothing").isEqualTo(deployments);

    helm.upgradeRelease(
        new HelmActivities.UpgradeRequest(
            SHOP, "istio-ingressgateway", "istio-ingress", "gateway", cluster.charts.toString(), "1.27.0", Map.of("revision", "1-27"), null, false, List.of(), "in place"));
    assertThat(istio.awaitGateways(new IstioActivities.GatewayRequest(SHOP, found.gateways(), "1-27", "1.27.0", true)).atVersion())
        .containsExactly("istio-ingress/istio-ingressgateway");

    var validation = istio.validateRevision(new IstioActivities.RevisionRequest(SHOP, "istio-system", "1-27", "1.27.0", false));
    assertThat(validation.analyzed()).isFalse();
    assertThat(validation.istiodHealth()).isEqualTo("1 of 1 replicas Ready");
    assertThat(validation.podsOnOtherRevisions()).isEmpty();
    var usage = istio.revisionUsage(new IstioActivities.RevisionRequest(SHOP, "istio-system", "1-26", "1.26.2", false));
    assertThat(usage.unused()).isTrue();
    assertThat(helm.uninstallRelease(new HelmActivities.ReleaseRef(SHOP, "istiod-1-26", "istio-system")).uninstalled()).isTrue();
    assertThat(istio.inspectIstio(inspection()).revisions()).extracting(IstioInstallation.Revision::name).containsExactly("1-27");
  }

  /**
   * Seen in TeardownAndComponentsCrashTest: after a kill, an attempt that had timed out still ran
   * beside its retry, both read shop's workload unmarked, and both restarted it. The restart names
   * the resourceVersion it read, so the second one is refused and nothing restarts twice.
   */
  @Test
  void aRestartBasedOnAReadThatAnotherAttemptOvertookDoesNotLand() {
    cluster = new ComponentHarness(work, ISTIO);
    var client = cluster.clients.forCluster(SHOP);
    // Once its pods run, nothing but the restarts below changes the Deployment.
    ComponentHarness.eventually(
        () -> {
          var status = client.apps().deployments().inNamespace("shop").withName("web").get().getStatus();
          return status != null && Integer.valueOf(3).equals(status.getReadyReplicas()) && Integer.valueOf(3).equals(status.getUpdatedReplicas());
        },
        "shop/web Ready");
    var readByTheTimedOutAttempt = client.apps().deployments().inNamespace("shop").withName("web").get();
    var readByTheRetry = client.apps().deployments().inNamespace("shop").withName("web").get();
    Map<String, String> marker = Map.of(KubernetesIstioActivities.MARKER, "1-27");

    assertThat(Workloads.restartIfUnchanged(client, readByTheTimedOutAttempt, marker, Instant.parse("2026-11-23T09:00:00Z")))
        .isTrue();
    assertThat(Workloads.restartIfUnchanged(client, readByTheRetry, marker, Instant.parse("2026-11-23T09:00:05Z")))
        .as("the retry's read is stale: it must look again, and will find the marker")
        .isFalse();

    assertThat(cluster.kubernetesChanges()).filteredOn(c -> c.startsWith("PatchDeployment ")).containsExactly("PatchDeployment shop/web");
    var now = client.apps().deployments().inNamespace("shop").withName("web").get();
    assertThat(Workloads.templateAnnotation(now, KubernetesIstioActivities.MARKER)).isEqualTo("1-27");
    assertThat(Workloads.templateAnnotation(now, Workloads.RESTARTED_AT)).isEqualTo("2026-11-23T09:00:00Z");
  }

  @Test
  void theRollbackPutsTheLabelsAndTagsBackAndRestartsTheMeshOntoTheOldRevision() {
    cluster = new ComponentHarness(work, ISTIO);
    IstioActivities istio = istio(null);
    HelmActivities helm = cluster.helm();
    IstioInstallation found = istio.inspectIstio(inspection());
    helm.upgradeRelease(
        new HelmActivities.UpgradeRequest(
            SHOP, "istiod-1-27", "istio-system", "istiod", cluster.charts.toString(), "1.27.0", Map.of("revision", "1-27"), "istiod-1-26", true, List.of(), "canary"));
    istio.awaitRevision(new IstioActivities.RevisionRequest(SHOP, "istio-system", "1-27", "1.27.0", true));
    istio.moveWorkloads(
        new IstioActivities.MoveRequest(
            SHOP, "istio-system", "1-27", "1.27.0", ComponentPlanner.selectionAfter(found, "1-27"), ComponentPlanner.tagsAfter(found, "1-27"), 2));
    assertThat(istio.revisionUsage(new IstioActivities.RevisionRequest(SHOP, "istio-system", "1-27", "1.27.0", false)).namespaces())
        .containsExactly("billing", "shop");

    MoveResult back =
        istio.moveWorkloads(new IstioActivities.MoveRequest(SHOP, "istio-system", "1-26", "1.26.2", found.namespaces(), found.tags(), 2));

    assertThat(back.tagsSwitched()).containsExactly("default → 1-26");
    assertThat(back.relabeled()).containsExactly("billing istio.io/rev=1-26");
    assertThat(sidecars()).containsEntry("shop", List.of("1-26 1.26.2")).containsEntry("billing", List.of("1-26 1.26.2"));
    assertThat(istio.revisionUsage(new IstioActivities.RevisionRequest(SHOP, "istio-system", "1-27", "1.27.0", false)).unused()).isTrue();
  }

  @Test
  void aMoveThatCannotProgressFailsNamingThePodsAndIstioctlFindingsAreReported() throws Exception {
    cluster = new ComponentHarness(work, ISTIO);
    Path istioctl = work.resolve("istioctl");
    Files.writeString(
        istioctl,
        "#!/bin/sh\n"
            + "echo \"$@\" > \"$(dirname \"$0\")/istioctl.args\"\n"
            + "echo 'Warning [IST0102] (Namespace billing) The namespace is not enabled for Istio injection.'\n"
            + "echo 'Info [IST0118] (Service shop/web) Port name http (port: 80, targetPort: 8080) does not follow the naming convention.'\n"
            + "exit 79\n");
    Files.setPosixFilePermissions(istioctl, PosixFilePermissions.fromString("rwx------"));
    IstioActivities istio = istio(istioctl);
    IstioInstallation found = istio.inspectIstio(inspection());

    // No revision 1-27 is installed: no injector selects the restarted pods, which come back bare.
    ActivityFailure stalled =
        catchThrowableOfType(
            ActivityFailure.class,
            () ->
                istio.moveWorkloads(
                    new IstioActivities.MoveRequest(
                        SHOP, "istio-system", "1-27", "1.27.0", List.of(new MeshNamespace("billing", null, "1-27", "1-27")), List.of(), 1)));
    ApplicationFailure cause = (ApplicationFailure) stalled.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.ISTIO_WORKLOADS_NOT_MOVED);
    assertThat(cause.getOriginalMessage())
        .startsWith("no injected pod of namespace billing moved to Istio revision 1-27 for 3s; still on another revision: billing/")
        .contains("(no sidecar injected: is revision 1-27's injector there?)");

    var validation = istio.validateRevision(new IstioActivities.RevisionRequest(SHOP, "istio-system", "1-26", "1.26.2", false));
    assertThat(validation.analyzed()).isTrue();
    assertThat(validation.findings())
        .containsExactly(
            "Warning [IST0102] (Namespace billing) The namespace is not enabled for Istio injection.",
            "Info [IST0118] (Service shop/web) Port name http (port: 80, targetPort: 8080) does not follow the naming convention.");
    assertThat(Files.readString(work.resolve("istioctl.args")))
        .startsWith("analyze --all-namespaces --revision 1-26 --kubeconfig ");
    assertThat(found.namespaces()).hasSize(2);
  }
}
