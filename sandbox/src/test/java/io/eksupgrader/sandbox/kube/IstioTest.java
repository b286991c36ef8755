package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksupgrader.sandbox.Scenario.GatewaySpec;
import io.eksupgrader.sandbox.Scenario.Installation;
import io.eksupgrader.sandbox.Scenario.IstioNamespaceSpec;
import io.eksupgrader.sandbox.Scenario.IstioRevisionSpec;
import io.eksupgrader.sandbox.Scenario.IstioSpec;
import io.eksupgrader.sandbox.Scenario.IstioTagSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Istio in the sandbox: istiod revisions, their injector webhooks and revision tags as the cluster
 * holds them at the start, and the sidecar injection every pod a controller creates goes through.
 */
class IstioTest {

  private static final String RESTART =
      "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-11-24T03:00:00Z\"}}}}}";

  private TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Two revisions: 1-26 behind the default tag, 1-27 behind prod-stable. */
  private static IstioSpec twoRevisions(Installation installedBy) {
    return new IstioSpec(
        "istio-system",
        installedBy,
        List.of(new IstioRevisionSpec("1-26", "1.26.2"), new IstioRevisionSpec("1-27", "1.27.0")),
        List.of(new IstioTagSpec("default", "1-26"), new IstioTagSpec("prod-stable", "1-27")),
        List.of(
            new IstioNamespaceSpec("shop", "enabled", null),
            new IstioNamespaceSpec("payments", null, "prod-stable"),
            new IstioNamespaceSpec("billing", null, "1-27")),
        List.of(new GatewaySpec("istio-ingress", "istio-ingressgateway", 2, "1-26")));
  }

  private static Optional<Container> container(Pod pod, String name) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst();
  }

  private static String proxyImage(Pod pod) {
    return container(pod, "istio-proxy").map(Container::getImage).orElse(null);
  }

  private Deployment deployment(String namespace, String name) {
    return cluster.client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  private MutatingWebhookConfiguration webhookConfiguration(String name) {
    return cluster.client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).get();
  }

  @Test
  void theStartingWorldHoldsEachRevisionsIstiodAndInjectorTheTagsTheLabelledNamespacesAGatewayAndTheirReleases() {
    cluster =
        TestCluster.builder()
            .nodeGroup("apps", 2)
            .workload("Deployment", "shop", "web", 1)
            .istio(twoRevisions(Installation.HELM))
            .start()
            .awaitSettled();

    Deployment istiod = deployment("istio-system", "istiod-1-26");
    assertThat(istiod.getMetadata().getLabels()).containsEntry("app", "istiod").containsEntry("istio.io/rev", "1-26");
    assertThat(istiod.getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getName, Container::getImage)
        .containsExactly(tuple("discovery", "docker.io/istio/pilot:1.26.2"));
    assertThat(istiod.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(cluster.client.services().inNamespace("istio-system").withName("istiod-1-27").get().getSpec().getSelector())
        .isEqualTo(Map.of("app", "istiod", "istio.io/rev", "1-27"));

    MutatingWebhookConfiguration injector = webhookConfiguration("istio-sidecar-injector-1-27");
    assertThat(injector.getMetadata().getLabels()).containsEntry("istio.io/rev", "1-27").doesNotContainKey("istio.io/tag");
    MutatingWebhook webhook = injector.getWebhooks().get(0);
    assertThat(webhook.getName()).isEqualTo("rev.namespace.sidecar-injector.istio.io");
    assertThat(webhook.getClientConfig().getService().getName()).isEqualTo("istiod-1-27");
    assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo("istio-system");
    assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/inject");
    assertThat(webhook.getNamespaceSelector().getMatchLabels()).isEqualTo(Map.of("istio.io/rev", "1-27"));

    MutatingWebhookConfiguration defaultTag = webhookConfiguration("istio-revision-tag-default");
    assertThat(defaultTag.getMetadata().getLabels()).containsEntry("istio.io/tag", "default").containsEntry("istio.io/rev", "1-26");
    assertThat(defaultTag.getMetadata().getAnnotations()).as("istioctl makes tags, not Helm").isNullOrEmpty();
    assertThat(defaultTag.getWebhooks())
        .extracting(MutatingWebhook::getName, w -> w.getClientConfig().getService().getName(), w -> w.getNamespaceSelector().getMatchLabels())
        .containsExactly(
            tuple("rev.namespace.sidecar-injector.istio.io", "istiod-1-26", Map.of("istio.io/rev", "default")),
            tuple("namespace.sidecar-injector.istio.io", "istiod-1-26", Map.of("istio-injection", "enabled")));
    assertThat(webhookConfiguration("istio-revision-tag-prod-stable").getWebhooks())
        .extracting(w -> w.getClientConfig().getService().getName())
        .containsExactly("istiod-1-27");

    assertThat(cluster.client.namespaces().withName("shop").get().getMetadata().getLabels()).containsEntry("istio-injection", "enabled");
    assertThat(cluster.client.namespaces().withName("payments").get().getMetadata().getLabels()).containsEntry("istio.io/rev", "prod-stable");

    Deployment gateway = deployment("istio-ingress", "istio-ingressgateway");
    assertThat(gateway.getSpec().getReplicas()).isEqualTo(2);
    assertThat(gateway.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app", "istio-ingressgateway")
        .containsEntry("istio", "ingressgateway")
        .containsEntry("istio.io/rev", "1-26");
    assertThat(gateway.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("inject.istio.io/templates", "gateway");

    CustomResourceDefinition virtualServices =
        cluster.client.apiextensions().v1().customResourceDefinitions().withName("virtualservices.networking.istio.io").get();
    assertThat(virtualServices.getSpec().getVersions()).extracting(v -> v.getName(), v -> v.getStorage())
        .containsExactly(tuple("v1", true), tuple("v1beta1", false), tuple("v1alpha3", false));
    assertThat(virtualServices.getStatus().getStoredVersions()).containsExactly("v1");

    // Helm: the chart objects carry its ownership metadata, and each release has its record.
    assertThat(istiod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "Helm");
    assertThat(istiod.getMetadata().getAnnotations())
        .containsEntry("meta.helm.sh/release-name", "istiod-1-26")
        .containsEntry("meta.helm.sh/release-namespace", "istio-system");
    assertThat(cluster.client.secrets().inNamespace("istio-system").withLabel("owner", "helm").list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("sh.helm.release.v1.istio-base.v1", "sh.helm.release.v1.istiod-1-26.v1", "sh.helm.release.v1.istiod-1-27.v1");
    JsonNode istiod127 = HelmRecords.release(cluster.client.secrets().inNamespace("istio-system").withName("sh.helm.release.v1.istiod-1-27.v1").get());
    assertThat(istiod127.path("chart").path("metadata").path("name").asText()).isEqualTo("istiod");
    assertThat(istiod127.path("chart").path("metadata").path("version").asText()).isEqualTo("1.27.0");
    assertThat(istiod127.path("config").toString()).isEqualTo("{\"revision\":\"1-27\"}");
    assertThat(istiod127.path("info").path("status").asText()).isEqualTo("deployed");
    assertThat(istiod127.path("manifest").asText()).isEqualTo(ChartManifests.manifest(ChartManifests.istiod("istio-system", "1-27", "1.27.0")));
    JsonNode base = HelmRecords.release(cluster.client.secrets().inNamespace("istio-system").withName("sh.helm.release.v1.istio-base.v1").get());
    assertThat(base.path("chart").path("metadata").path("version").asText()).as("the oldest revision's").isEqualTo("1.26.2");
    Secret gatewayRelease = cluster.client.secrets().inNamespace("istio-ingress").withName("sh.helm.release.v1.istio-ingressgateway.v1").get();
    JsonNode gatewayRecord = HelmRecords.release(gatewayRelease);
    assertThat(gatewayRecord.path("chart").path("metadata").path("name").asText()).isEqualTo("gateway");
    assertThat(gatewayRecord.path("chart").path("metadata").path("version").asText()).isEqualTo("1.26.2");
    assertThat(gatewayRecord.path("config").toString()).isEqualTo("{\"revision\":\"1-26\"}");
  }

  @Test
  void installedWithManifestsTheSameObjectsHaveNeitherHelmMetadataNorReleases() {
    cluster = TestCluster.builder().nodeGroup("apps", 1).istio(twoRevisions(Installation.MANIFESTS)).start().awaitSettled();

    assertThat(deployment("istio-system", "istiod-1-27").getMetadata().getLabels()).doesNotContainKey("app.kubernetes.io/managed-by");
    assertThat(deployment("istio-ingress", "istio-ingressgateway").getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(cluster.client.secrets().inAnyNamespace().withLabel("owner", "helm").list().getItems()).isEmpty();
  }

  @Test
  void podsGetTheProxyOfTheRevisionTheirLabelTheirNamespaceOrTheDefaultTagSelects() {
    cluster =
        TestCluster.builder()
            .nodeGroup("apps", 3)
            .workload("Deployment", "shop", "web", 2)
            .labelledWorkload("Deployment", "shop", "canary", 1, Map.of("istio.io/rev", "1-27"))
            .labelledWorkload("Deployment", "shop", "legacy", 1, Map.of("sidecar.istio.io/inject", "false"))
            .workload("StatefulSet", "payments", "ledger", 1)
            .workload("Deployment", "billing", "invoicer", 1)
            .workload("Deployment", "plain", "tool", 1)
            .istio(twoRevisions(Installation.HELM))
            .start()
            .awaitSettled();

    assertThat(cluster.pods("shop", "web")).as("istio-injection=enabled: the default tag, 1-26")
        .hasSize(2).allMatch(p -> "docker.io/istio/proxyv2:1.26.2".equals(proxyImage(p)));
    assertThat(cluster.pods("shop", "canary")).as("the pod's own istio.io/rev wins over its namespace")
        .singleElement().extracting(IstioTest::proxyImage).isEqualTo("docker.io/istio/proxyv2:1.27.0");
    assertThat(cluster.pods("shop", "legacy")).as("sidecar.istio.io/inject=false").singleElement()
        .extracting(IstioTest::proxyImage).isNull();
    assertThat(cluster.pods("payments", "ledger")).as("istio.io/rev=prod-stable: the tag's revision, 1-27")
        .singleElement().extracting(IstioTest::proxyImage).isEqualTo("docker.io/istio/proxyv2:1.27.0");
    assertThat(cluster.pods("billing", "invoicer")).as("istio.io/rev=1-27: the revision itself")
        .singleElement().extracting(IstioTest::proxyImage).isEqualTo("docker.io/istio/proxyv2:1.27.0");
    assertThat(cluster.pods("plain", "tool")).as("no label: no injection").singleElement().extracting(IstioTest::proxyImage).isNull();

    Pod web = cluster.pods("shop", "web").get(0);
    assertThat(web.getSpec().getContainers()).extracting(Container::getName).containsExactly("web", "istio-proxy");
    assertThat(web.getSpec().getInitContainers()).extracting(Container::getName, Container::getImage)
        .containsExactly(tuple("istio-init", "docker.io/istio/proxyv2:1.26.2"));
    assertThat(web.getSpec().getVolumes()).anyMatch(v -> v.getName().equals("istio-envoy") && v.getEmptyDir() != null);
    assertThat(web.getMetadata().getAnnotations())
        .containsEntry(
            "sidecar.istio.io/status",
            "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],\"volumes\":[\"istio-envoy\"],\"imagePullSecrets\":null,\"revision\":\"1-26\"}");
    assertThat(web.getMetadata().getLabels())
        .containsEntry("security.istio.io/tlsMode", "istio")
        .containsEntry("service.istio.io/canonical-revision", "latest");
    assertThat(web.getStatus().getContainerStatuses()).extracting(s -> s.getName(), s -> s.getImage(), s -> s.getReady())
        .contains(tuple("istio-proxy", "docker.io/istio/proxyv2:1.26.2", true));

    List<Pod> gateways = cluster.pods("istio-ingress", "istio-ingressgateway");
    assertThat(gateways).hasSize(2);
    for (Pod gateway : gateways) {
      assertThat(gateway.getSpec().getContainers()).as("the gateway template fills in the proxy the chart names 'auto'")
          .extracting(Container::getName, Container::getImage)
          .containsExactly(tuple("istio-proxy", "docker.io/istio/proxyv2:1.26.2"));
      assertThat(gateway.getSpec().getInitContainers()).isNullOrEmpty();
      assertThat(gateway.getMetadata().getAnnotations().get("sidecar.istio.io/status")).startsWith("{\"initContainers\":null,");
    }
    assertThat(cluster.pods("istio-system", "istiod")).as("istiod itself runs without a sidecar")
        .hasSize(2).allMatch(p -> proxyImage(p) == null);
  }

  @Test
  void aSwitchedTagInjectsTheNewRevisionsProxyIntoPodsCreatedAfterIt() {
    cluster =
        TestCluster.builder()
            .nodeGroup("apps", 2)
            .workload("Deployment", "shop", "web", 2)
            .istio(twoRevisions(Installation.HELM))
            .start()
            .awaitSettled();
    assertThat(cluster.pods("shop", "web")).allMatch(p -> "docker.io/istio/proxyv2:1.26.2".equals(proxyImage(p)));

    // What an activity does for `istioctl tag set default --revision 1-27 --overwrite`.
    MutatingWebhookConfiguration tag = webhookConfiguration("istio-revision-tag-default");
    tag.getMetadata().getLabels().put("istio.io/rev", "1-27");
    tag.getWebhooks().forEach(w -> w.getClientConfig().getService().setName("istiod-1-27"));
    String patch =
        new KubernetesSerialization()
            .asJson(Map.of("metadata", Map.of("labels", tag.getMetadata().getLabels()), "webhooks", tag.getWebhooks()));
    cluster.client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("istio-revision-tag-default")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);

    assertThat(cluster.pods("shop", "web")).as("injection happens only when a pod is created")
        .allMatch(p -> "docker.io/istio/proxyv2:1.26.2".equals(proxyImage(p)));

    cluster.client.apps().deployments().inNamespace("shop").withName("web").patch(PatchContext.of(PatchType.JSON_MERGE), RESTART);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              List<Pod> pods = cluster.pods("shop", "web");
              return pods.size() == 2
                  && pods.stream().allMatch(p -> ObjectFacts.isReady(p) && p.getMetadata().getDeletionTimestamp() == null)
                  && pods.stream().allMatch(p -> "docker.io/istio/proxyv2:1.27.0".equals(proxyImage(p)));
            });
    assertThat(cluster.pods("shop", "web").get(0).getMetadata().getAnnotations().get("sidecar.istio.io/status"))
        .endsWith("\"revision\":\"1-27\"}");
  }

  @Test
  void withoutAReadyIstiodThePodIsNotCreatedAndItsReplicaSetSaysWhyUntilIstiodIsBack() {
    cluster =
        TestCluster.builder()
            .nodeGroup("apps", 2)
            .workload("Deployment", "shop", "web", 2)
            .istio(twoRevisions(Installation.HELM))
            .start()
            .awaitSettled();
    String scale = "{\"spec\":{\"replicas\":%d}}";
    cluster.client.apps().deployments().inNamespace("istio-system").withName("istiod-1-26")
        .patch(PatchContext.of(PatchType.JSON_MERGE), scale.formatted(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.pods().inNamespace("istio-system").withLabel("istio.io/rev", "1-26").list().getItems().isEmpty());

    Pod lost = cluster.pods("shop", "web").get(0);
    cluster.client.pods().inNamespace("shop").withName(lost.getMetadata().getName()).withGracePeriod(0).delete();

    String replicaSet = ObjectFacts.controllerOf(lost).orElseThrow().getName();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> replicaFailure(replicaSet).isPresent());
    ReplicaSetCondition failure = replicaFailure(replicaSet).orElseThrow();
    assertThat(failure.getReason()).isEqualTo("FailedCreate");
    assertThat(failure.getMessage())
        .isEqualTo(
            "Internal error occurred: failed calling webhook \"namespace.sidecar-injector.istio.io\": failed to call webhook:"
                + " Post \"https://istiod-1-26.istio-system.svc:443/inject?timeout=10s\": no endpoints available for service \"istiod-1-26\"");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(deployment("shop", "web").getStatus().getConditions())
                    .as("the Deployment surfaces its ReplicaSet's failure")
                    .anyMatch(c -> c.getType().equals("ReplicaFailure") && c.getMessage().equals(failure.getMessage())));
    // Twenty simulated minutes: the pod stays missing while nothing answers the webhook.
    sleepSimulated(Duration.ofMinutes(20));
    assertThat(cluster.pods("shop", "web")).hasSize(1);

    cluster.client.apps().deployments().inNamespace("istio-system").withName("istiod-1-26")
        .patch(PatchContext.of(PatchType.JSON_MERGE), scale.formatted(1));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cluster.pods("shop", "web").size() == 2 && cluster.pods("shop", "web").stream().allMatch(ObjectFacts::isReady));
    assertThat(cluster.pods("shop", "web")).allMatch(p -> "docker.io/istio/proxyv2:1.26.2".equals(proxyImage(p)));
    await().atMost(Duration.ofSeconds(5)).until(() -> replicaFailure(replicaSet).isEmpty());
    assertThat(deployment("shop", "web").getStatus().getConditions()).noneMatch(c -> c.getType().equals("ReplicaFailure"));
  }

  private Optional<ReplicaSetCondition> replicaFailure(String replicaSet) {
    ReplicaSet rs = cluster.client.apps().replicaSets().inNamespace("shop").withName(replicaSet).get();
    return rs.getStatus() == null || rs.getStatus().getConditions() == null
        ? Optional.empty()
        : rs.getStatus().getConditions().stream().filter(c -> c.getType().equals("ReplicaFailure")).findFirst();
  }

  private void sleepSimulated(Duration simulated) {
    try {
      Thread.sleep(cluster.realMillis(simulated));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
