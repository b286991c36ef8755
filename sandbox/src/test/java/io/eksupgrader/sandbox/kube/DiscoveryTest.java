package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients learn what the API server serves from its discovery documents, as Helm does before it
 * maps a chart's objects to resources; lists name their kind; answers say they are JSON.
 */
class DiscoveryTest {

  private TestCluster cluster;
  private RawApi api;

  @AfterEach
  void close() {
    cluster.close();
  }

  private void start(TestCluster.Builder builder) {
    cluster = builder.start();
    api = new RawApi(cluster);
  }

  private JsonNode getJson(String path) {
    HttpResponse<byte[]> response = api.get(path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    assertThat(RawApi.contentType(response)).as(path).isEqualTo("application/json");
    return RawApi.json(response);
  }

  private static List<String> texts(JsonNode nodes, String field) {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  private static JsonNode resource(JsonNode resourceList, String name) {
    for (JsonNode r : resourceList.path("resources")) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError(name + " not in " + resourceList);
  }

  static CustomResourceDefinitionVersion version(String name, boolean served, boolean storage) {
    return new CustomResourceDefinitionVersionBuilder()
        .withName(name)
        .withServed(served)
        .withStorage(storage)
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .build();
  }

  static CustomResourceDefinition widgets(CustomResourceDefinitionVersion... versions) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName("widgets.example.com")
        .endMetadata()
        .withNewSpec()
        .withGroup("example.com")
        .withScope("Namespaced")
        .withNewNames()
        .withPlural("widgets")
        .withSingular("widget")
        .withKind("Widget")
        .endNames()
        .withVersions(versions)
        .endSpec()
        .build();
  }

  @Test
  void theCoreVersionAndTheBuiltInGroupsAreDiscoverable() {
    start(TestCluster.builder().nodeGroup("blue", 1));

    JsonNode core = getJson("/api");
    JsonNode groups = getJson("/apis");
    JsonNode v1 = getJson("/api/v1");
    JsonNode admission = getJson("/apis/admissionregistration.k8s.io/v1");

    assertThat(core.path("kind").asText()).isEqualTo("APIVersions");
    assertThat(core.path("versions").toString()).isEqualTo("[\"v1\"]");
    assertThat(groups.path("kind").asText()).isEqualTo("APIGroupList");
    assertThat(texts(groups.path("groups"), "name"))
        .contains(
            "apps",
            "batch",
            "policy",
            "coordination.k8s.io",
            "rbac.authorization.k8s.io",
            "apiextensions.k8s.io",
            "admissionregistration.k8s.io")
        .doesNotContain("karpenter.sh", "karpenter.k8s.aws");
    assertThat(resource(v1, "pods").path("namespaced").asBoolean()).isTrue();
    assertThat(resource(v1, "pods").path("kind").asText()).isEqualTo("Pod");
    assertThat(resource(v1, "pods").path("verbs").toString())
        .isEqualTo(
            "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]");
    assertThat(resource(v1, "pods/eviction").path("verbs").toString()).isEqualTo("[\"create\"]");
    assertThat(resource(v1, "nodes").path("namespaced").asBoolean()).isFalse();
    assertThat(resource(v1, "secrets").path("singularName").asText()).isEqualTo("secret");
    assertThat(resource(admission, "mutatingwebhookconfigurations").path("kind").asText())
        .isEqualTo("MutatingWebhookConfiguration");
    assertThat(resource(getJson("/apis/apps/v1"), "deployments/scale").path("group").asText())
        .isEqualTo("autoscaling");
    assertThat(getJson("/apis/apps").path("preferredVersion").path("version").asText())
        .isEqualTo("v1");
    assertThat(api.get("/apis/example.com/v1").statusCode()).isEqualTo(404);
    assertThat(RawApi.contentType(api.get("/apis/example.com/v1"))).isEqualTo("application/json");
  }

  @Test
  void aStoredCrdServesItsGroupWithItsServedVersionsByPriority() {
    start(TestCluster.builder().nodeGroup("blue", 1));
    cluster
        .client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            widgets(
                version("v1alpha1", false, false),
                version("v1beta1", true, false),
                version("v1", true, true)))
        .create();

    JsonNode group = null;
    for (JsonNode g : getJson("/apis").path("groups")) {
      if (g.path("name").asText().equals("example.com")) {
        group = g;
      }
    }
    JsonNode beta = getJson("/apis/example.com/v1beta1");

    assertThat(group).isNotNull();
    assertThat(texts(group.path("versions"), "version")).containsExactly("v1", "v1beta1");
    assertThat(group.path("preferredVersion").path("groupVersion").asText())
        .isEqualTo("example.com/v1");
    assertThat(beta.path("groupVersion").asText()).isEqualTo("example.com/v1beta1");
    assertThat(resource(beta, "widgets").path("kind").asText()).isEqualTo("Widget");
    assertThat(resource(beta, "widgets").path("namespaced").asBoolean()).isTrue();
    assertThat(api.get("/apis/example.com/v1alpha1").statusCode()).as("not served").isEqualTo(404);

    cluster
        .client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("widgets.example.com")
        .delete();
    assertThat(texts(getJson("/apis").path("groups"), "name")).doesNotContain("example.com");
  }

  @Test
  void karpentersGroupsAreDiscoverableWhenTheClusterHasKarpenter() {
    start(TestCluster.builder().nodeGroup("blue", 1).nodePool("general", 1, "1"));

    assertThat(texts(getJson("/apis").path("groups"), "name"))
        .contains("karpenter.sh", "karpenter.k8s.aws");
    assertThat(texts(getJson("/apis/karpenter.sh/v1").path("resources"), "name"))
        .contains("nodepools", "nodeclaims");
    assertThat(
            resource(getJson("/apis/karpenter.k8s.aws/v1"), "ec2nodeclasses").path("kind").asText())
        .isEqualTo("EC2NodeClass");
  }

  @Test
  void openApiV2IsAnEmptyProtobufDocumentAndV3IsAbsent() {
    start(TestCluster.builder().nodeGroup("blue", 1));

    HttpResponse<byte[]> v2 = api.get("/openapi/v2");
    HttpResponse<byte[]> v3 = api.get("/openapi/v3");

    assertThat(v2.statusCode()).isEqualTo(200);
    assertThat(RawApi.contentType(v2))
        .isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    assertThat(v2.body()).isEmpty();
    assertThat(v3.statusCode()).isEqualTo(404);
  }

  @Test
  void listsNameTheirKindAndGroupVersion() {
    start(
        TestCluster.builder()
            .nodeGroup("blue", 1)
            .workload("Deployment", "shop", "web", 1)
            .nodePool("general", 1, "1"));
    cluster
        .client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(widgets(version("v1", true, true)))
        .create();

    assertThat(getJson("/api/v1/namespaces/shop/secrets").path("kind").asText())
        .isEqualTo("SecretList");
    JsonNode replicaSets = getJson("/apis/apps/v1/namespaces/shop/replicasets");
    assertThat(replicaSets.path("kind").asText()).isEqualTo("ReplicaSetList");
    assertThat(replicaSets.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(replicaSets.path("items").size()).isEqualTo(1);
    assertThat(getJson("/api/v1/pods?fieldSelector=spec.nodeName%3Dnowhere").path("kind").asText())
        .isEqualTo("PodList");
    assertThat(getJson("/apis/example.com/v1/namespaces/shop/widgets").path("kind").asText())
        .isEqualTo("WidgetList");
    assertThat(getJson("/apis/karpenter.sh/v1/nodepools").path("kind").asText())
        .isEqualTo("NodePoolList");
    assertThat(getJson("/apis/apps/v1/namespaces/shop/deployments/web").path("kind").asText())
        .as("a single object is answered as stored, with a JSON content type")
        .isEqualTo("Deployment");
  }
}
