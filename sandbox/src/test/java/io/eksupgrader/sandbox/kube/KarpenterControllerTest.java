package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksupgrader.sandbox.Scenario.Installation;
import io.eksupgrader.sandbox.Scenario.NodeClassSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Karpenter's controller in the sandbox: its CRDs, Deployment, EC2NodeClasses and Helm releases at
 * the start, drift that follows the node class, and launches refused while the controller's version
 * does not support the control plane.
 */
class KarpenterControllerTest {

  private static final ResourceDefinitionContext NODE_CLAIMS =
      new ResourceDefinitionContext.Builder()
          .withGroup("karpenter.sh")
          .withVersion("v1")
          .withKind("NodeClaim")
          .withPlural("nodeclaims")
          .withNamespaced(false)
          .build();

  private static final ResourceDefinitionContext NODE_CLASSES =
      new ResourceDefinitionContext.Builder()
          .withGroup("karpenter.k8s.aws")
          .withVersion("v1")
          .withKind("EC2NodeClass")
          .withPlural("ec2nodeclasses")
          .withNamespaced(false)
          .build();

  private TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private List<Node> karpenterNodes() {
    return cluster.client.nodes().withLabel("karpenter.sh/nodepool").list().getItems();
  }

  private List<GenericKubernetesResource> nodeClaims() {
    return cluster.client.genericKubernetesResources(NODE_CLAIMS).list().getItems();
  }

  @SuppressWarnings("unchecked")
  private static String condition(GenericKubernetesResource claim, String type) {
    Map<String, Object> status = (Map<String, Object>) claim.getAdditionalProperties().get("status");
    for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
      if (type.equals(c.get("type"))) {
        return c.get("status") + "/" + c.get("reason") + "/" + c.get("message");
      }
    }
    return null;
  }

  private static String kubelet(Node node) {
    return node.getStatus().getNodeInfo().getKubeletVersion();
  }

  private static String osImage(Node node) {
    return node.getStatus().getNodeInfo().getOsImage();
  }

  private Deployment controller() {
    return cluster.client.apps().deployments().inNamespace("kube-system").withName("karpenter").get();
  }

  private CustomResourceDefinition crd(String name) {
    return cluster.client.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  @Test
  void aHelmInstalledKarpenterHasItsCrdsWithTheirStoredVersionsItsControllerNodeClassesAndReleases() {
    cluster =
        TestCluster.builder()
            .karpenterController("1.0.2", Installation.HELM, "v1beta1", "v1")
            .nodeClass(new NodeClassSpec("default", "al2@latest", null, List.of()))
            .nodeClass(new NodeClassSpec("gpu", null, "AL2", List.of("ami-0abc")))
            .nodePool("general", 2, "1")
            .start()
            .awaitSettled();

    for (String name : List.of("nodepools.karpenter.sh", "nodeclaims.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws")) {
      CustomResourceDefinition crd = crd(name);
      assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
      assertThat(crd.getSpec().getVersions()).extracting(v -> v.getName(), v -> v.getServed(), v -> v.getStorage())
          .containsExactly(tuple("v1", true, true), tuple("v1beta1", true, false));
      assertThat(crd.getStatus().getStoredVersions()).containsExactly("v1beta1", "v1");
      assertThat(crd.getStatus().getConditions()).extracting(c -> c.getType(), c -> c.getStatus())
          .contains(tuple("Established", "True"), tuple("NamesAccepted", "True"));
      assertThat(crd.getMetadata().getAnnotations()).containsEntry("meta.helm.sh/release-name", "karpenter-crd");
    }

    Deployment controller = controller();
    assertThat(controller.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "karpenter")
        .containsEntry("app.kubernetes.io/instance", "karpenter")
        .containsEntry("app.kubernetes.io/managed-by", "Helm");
    assertThat(controller.getSpec().getReplicas()).isEqualTo(2);
    assertThat(controller.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getName, Container::getImage)
        .containsExactly(tuple("controller", "public.ecr.aws/karpenter/controller:1.0.2"));
    assertThat(controller.getStatus().getReadyReplicas()).as("its pods run like any Deployment's").isEqualTo(2);

    Map<String, Object> gpu = cluster.client.genericKubernetesResources(NODE_CLASSES).withName("gpu").get().get("spec");
    assertThat(gpu).containsEntry("amiFamily", "AL2").containsEntry("amiSelectorTerms", List.of(Map.of("id", "ami-0abc")))
        .containsKeys("role", "subnetSelectorTerms", "securityGroupSelectorTerms");
    Map<String, Object> defaultClass = cluster.client.genericKubernetesResources(NODE_CLASSES).withName("default").get().get("spec");
    assertThat(defaultClass).containsEntry("amiSelectorTerms", List.of(Map.of("alias", "al2@latest"))).doesNotContainKey("amiFamily");

    JsonNode crds = HelmRecords.release(cluster.client.secrets().inNamespace("kube-system").withName("sh.helm.release.v1.karpenter-crd.v1").get());
    assertThat(crds.path("chart").path("metadata").path("name").asText()).isEqualTo("karpenter-crd");
    assertThat(crds.path("chart").path("metadata").path("appVersion").asText()).isEqualTo("1.0.2");
    assertThat(crds.path("manifest").asText()).isEqualTo(ChartManifests.manifest(ChartManifests.karpenterCrd("1.0.2")));
    JsonNode release = HelmRecords.release(cluster.client.secrets().inNamespace("kube-system").withName("sh.helm.release.v1.karpenter.v1").get());
    assertThat(release.path("chart").path("metadata").path("version").asText()).isEqualTo("1.0.2");
    assertThat(release.path("config").toString()).isEqualTo("{}");
    assertThat(release.path("manifest").asText()).isEqualTo(ChartManifests.manifest(ChartManifests.karpenter("karpenter", "kube-system", "1.0.2")));
    assertThat(cluster.client.secrets().inNamespace("kube-system").withName("sh.helm.release.v1.karpenter.v1").get().getMetadata().getLabels())
        .containsEntry("owner", "helm").containsEntry("name", "karpenter").containsEntry("status", "deployed").containsEntry("version", "1");
  }

  @Test
  void withoutAVersionThereIsNoControllerNorCrdAndWithoutKarpenterItsApisAnswer404() {
    cluster = TestCluster.builder().nodePool("general", 1, "1").start().awaitSettled();
    assertThat(controller()).isNull();
    assertThat(crd("nodepools.karpenter.sh")).isNull();
    assertThat(cluster.client.genericKubernetesResources(NODE_CLASSES).withName("default").get().<Object>get("spec", "amiSelectorTerms"))
        .isEqualTo(List.of(Map.of("alias", "al2023@latest")));
    cluster.close();

    cluster = TestCluster.builder().nodeGroup("apps", 1).start();
    Assertions.assertThatThrownBy(() -> cluster.client.genericKubernetesResources(NODE_CLASSES).list())
        .isInstanceOf(KubernetesClientException.class)
        .extracting(e -> ((KubernetesClientException) e).getCode())
        .isEqualTo(404);
  }

  @Test
  void aControllerThatDoesNotSupportTheControlPlaneLaunchesNothingUntilItIsUpgraded() {
    cluster =
        TestCluster.builder()
            .karpenterController("1.2.1", Installation.HELM)
            .nodePool("general", 1, "1")
            .start()
            .awaitSettled();
    Set<String> before = new HashSet<>(karpenterNodes().stream().map(n -> n.getMetadata().getName()).toList());

    cluster.kube.controlPlaneVersionChanged("1.33");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                nodeClaims().stream()
                    .anyMatch(c -> "False/UnsupportedKubernetesVersion/Karpenter 1.2.1 does not support Kubernetes 1.33".equals(condition(c, "Launched"))));
    // Twenty simulated minutes: far longer than a launch, and the old node stays.
    sleepSimulated(Duration.ofMinutes(20));
    assertThat(karpenterNodes()).extracting(n -> n.getMetadata().getName()).containsExactlyElementsOf(before);

    cluster.client.apps().deployments().inNamespace("kube-system").withName("karpenter")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"controller\",\"image\":\"public.ecr.aws/karpenter/controller:1.6.3\"}]}}}}");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> karpenterNodes().size() == 1 && kubelet(karpenterNodes().get(0)).startsWith("v1.33."));
    assertThat(karpenterNodes()).noneMatch(n -> before.contains(n.getMetadata().getName()));
  }

  @Test
  void aChangedNodeClassDriftsItsNodesAndTheyComeBackFromTheNewClass() {
    cluster =
        TestCluster.builder()
            .karpenterController("1.6.3", Installation.HELM)
            .nodeClass(new NodeClassSpec("default", "al2@latest", null, List.of()))
            .nodePool("general", 2, "1")
            .start()
            .awaitSettled();
    assertThat(karpenterNodes()).hasSize(2)
        .allMatch(n -> osImage(n).equals("Amazon Linux 2"))
        .allMatch(n -> "default".equals(n.getMetadata().getLabels().get("karpenter.k8s.aws/ec2nodeclass")));
    Set<String> hashes = new HashSet<>();
    nodeClaims().forEach(c -> hashes.add(c.getMetadata().getAnnotations().get("karpenter.k8s.aws/ec2nodeclass-hash")));
    assertThat(hashes).hasSize(1).doesNotContainNull();
    Set<String> before = new HashSet<>(karpenterNodes().stream().map(n -> n.getMetadata().getName()).toList());

    // Read before the patch: the controller may launch a replacement claim right after it.
    Set<String> originalClaims = new HashSet<>(nodeClaims().stream().map(c -> c.getMetadata().getName()).toList());
    cluster.client.genericKubernetesResources(NODE_CLASSES).withName("default")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"amiSelectorTerms\":[{\"alias\":\"al2023@latest\"}]}}");

    Set<String> driftedByClass = new HashSet<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              nodeClaims().stream()
                  .filter(c -> String.valueOf(condition(c, "Drifted")).startsWith("True/NodeClassDrift/"))
                  .forEach(c -> driftedByClass.add(c.getMetadata().getName()));
              List<Node> nodes = karpenterNodes();
              return nodes.size() == 2 && nodes.stream().noneMatch(n -> before.contains(n.getMetadata().getName()));
            });
    assertThat(driftedByClass).isEqualTo(originalClaims);
    assertThat(karpenterNodes())
        .allMatch(n -> osImage(n).startsWith("Amazon Linux 2023."))
        .as("the control plane did not move").allMatch(n -> kubelet(n).startsWith("v1.32."));
    assertThat(nodeClaims()).hasSize(2)
        .noneMatch(c -> String.valueOf(condition(c, "Drifted")).startsWith("True"))
        .noneMatch(c -> hashes.contains(c.getMetadata().getAnnotations().get("karpenter.k8s.aws/ec2nodeclass-hash")));
    assertThat(cluster.kube.pdbBreaches()).isEmpty();
  }

  @Test
  void nodesOfAmisPinnedByIdKeepTheirVersionWhenTheControlPlaneMoves() {
    cluster =
        TestCluster.builder()
            .karpenterController("1.6.3", Installation.MANIFESTS)
            .nodeClass(new NodeClassSpec("default", "al2023@latest", null, List.of()))
            .nodeClass(new NodeClassSpec("gpu", null, "AL2", List.of("ami-0abc")))
            .nodePool("general", 1, "1")
            .nodePool("gpu", 1, "1", "gpu")
            .start()
            .awaitSettled();
    assertThat(cluster.client.secrets().inNamespace("kube-system").withLabel("owner", "helm").list().getItems()).isEmpty();

    cluster.kube.controlPlaneVersionChanged("1.33");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                cluster.client.nodes().withLabel("karpenter.sh/nodepool", "general").list().getItems().stream()
                    .allMatch(n -> kubelet(n).startsWith("v1.33.")));
    List<Node> gpu = cluster.client.nodes().withLabel("karpenter.sh/nodepool", "gpu").list().getItems();
    assertThat(gpu).singleElement().satisfies(n -> {
      assertThat(kubelet(n)).startsWith("v1.32.");
      assertThat(osImage(n)).isEqualTo("Amazon Linux 2");
    });
    assertThat(nodeClaims().stream().filter(c -> "gpu".equals(c.getMetadata().getLabels().get("karpenter.sh/nodepool"))))
        .singleElement()
        .satisfies(c -> assertThat(condition(c, "Drifted")).isNull());
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
