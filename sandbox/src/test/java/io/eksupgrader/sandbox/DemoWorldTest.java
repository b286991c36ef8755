package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bundled demo world's Karpenter and Istio, as the upgrade finds them. */
class DemoWorldTest {

  private SandboxServer sandbox;

  @AfterEach
  void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private static String proxyImage(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("istio-proxy"))
        .map(Container::getImage)
        .findFirst()
        .orElse(null);
  }

  @Test
  void theDemoClusterRunsKarpenter102WithV1beta1StoredAndIstio126BehindTheDefaultTag() {
    sandbox = SandboxServer.start(Scenario.fromResource("scenarios/demo.yaml"), 0);
    KubeCluster kube = sandbox.kubernetes("us-east-1", "demo");
    KubernetesClient client = kube.adminClient();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              List<Pod> web = client.pods().inNamespace("shop").withLabel("app", "web").list().getItems();
              return web.size() == 6 && web.stream().allMatch(p -> "Running".equals(p.getStatus().getPhase()));
            });

    assertThat(client.pods().inNamespace("shop").withLabel("app", "web").list().getItems())
        .allMatch(p -> "docker.io/istio/proxyv2:1.26.2".equals(proxyImage(p)));
    assertThat(client.pods().inNamespace("billing").list().getItems())
        .isNotEmpty()
        .allMatch(p -> "docker.io/istio/proxyv2:1.26.2".equals(proxyImage(p)));
    assertThat(client.pods().inNamespace("search").list().getItems()).isNotEmpty().allMatch(p -> proxyImage(p) == null);
    assertThat(client.pods().inNamespace("istio-ingress").list().getItems()).hasSize(2)
        .allMatch(p -> "docker.io/istio/proxyv2:1.26.2".equals(proxyImage(p)));
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-1-26").get()).isNotNull();

    assertThat(client.apps().deployments().inNamespace("kube-system").withName("karpenter").get()
            .getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("public.ecr.aws/karpenter/controller:1.0.2");
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("nodepools.karpenter.sh").get()
            .getStatus().getStoredVersions())
        .containsExactly("v1beta1", "v1");
    ResourceDefinitionContext nodeClasses =
        new ResourceDefinitionContext.Builder()
            .withGroup("karpenter.k8s.aws")
            .withVersion("v1")
            .withKind("EC2NodeClass")
            .withPlural("ec2nodeclasses")
            .withNamespaced(false)
            .build();
    assertThat(client.genericKubernetesResources(nodeClasses).withName("default").get().<Object>get("spec", "amiSelectorTerms"))
        .isEqualTo(List.of(Map.of("alias", "al2@latest")));
    assertThat(client.secrets().inAnyNamespace().withLabel("owner", "helm").list().getItems())
        .extracting(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "kube-system/sh.helm.release.v1.karpenter-crd.v1",
            "kube-system/sh.helm.release.v1.karpenter.v1",
            "istio-system/sh.helm.release.v1.istio-base.v1",
            "istio-system/sh.helm.release.v1.istiod-1-26.v1",
            "istio-ingress/sh.helm.release.v1.istio-ingressgateway.v1");
  }
}
