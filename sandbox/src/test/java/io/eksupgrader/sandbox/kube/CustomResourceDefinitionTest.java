package io.eksupgrader.sandbox.kube;

import static io.eksupgrader.sandbox.kube.DiscoveryTest.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.CallLog.Entry;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A CRD behaves as the apiextensions server keeps it: Established once created, its storage
 * versions remembered, and no spec update may drop a version that objects may still be stored in
 * until the status says the migration is done. Karpenter's v1beta1 → v1 move is the scenario.
 */
class CustomResourceDefinitionTest {

  private static final String NAME = "nodepools.karpenter.sh";
  private static final String PATH =
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + NAME;

  private TestCluster cluster;
  private RawApi api;

  @BeforeEach
  void start() {
    cluster = TestCluster.builder().nodeGroup("blue", 1).start();
    api = new RawApi(cluster);
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private static CustomResourceDefinition nodePools(CustomResourceDefinitionVersion... versions) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(NAME)
        .endMetadata()
        .withNewSpec()
        .withGroup("karpenter.sh")
        .withScope("Cluster")
        .withNewNames()
        .withPlural("nodepools")
        .withSingular("nodepool")
        .withKind("NodePool")
        .endNames()
        .withVersions(versions)
        .endSpec()
        .build();
  }

  private CustomResourceDefinition stored() {
    return cluster.client.apiextensions().v1().customResourceDefinitions().withName(NAME).get();
  }

  private static String condition(CustomResourceDefinition crd, String type) {
    return crd.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(CustomResourceDefinitionCondition::getStatus)
        .findFirst()
        .orElse(null);
  }

  private HttpResponse<byte[]> mergePatch(String path, String patch) {
    return api.send("PATCH", path, "application/merge-patch+json", patch.replace('\'', '"'));
  }

  @Test
  void aCreatedCrdIsEstablishedAtOnceWithItsNamesAndStorageVersion() {
    CustomResourceDefinition created =
        cluster
            .client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(nodePools(version("v1beta1", true, false), version("v1", true, true)))
            .create();

    for (CustomResourceDefinition crd : new CustomResourceDefinition[] {created, stored()}) {
      assertThat(condition(crd, "Established")).isEqualTo("True");
      assertThat(condition(crd, "NamesAccepted")).isEqualTo("True");
      assertThat(crd.getStatus().getAcceptedNames().getKind()).isEqualTo("NodePool");
      assertThat(crd.getStatus().getStoredVersions()).containsExactly("v1");
    }
  }

  @Test
  void aStoredVersionCannotLeaveTheSpecUntilTheStatusMigrationDropsIt() {
    cluster
        .client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(nodePools(version("v1beta1", true, true), version("v1", true, false)))
        .create();
    // Karpenter 1.0 makes v1 the storage version; objects may still be stored as v1beta1.
    HttpResponse<byte[]> storageMoved =
        mergePatch(
            PATH,
            "{'spec': {'versions': [{'name': 'v1beta1', 'served': true, 'storage': false},"
                + " {'name': 'v1', 'served': true, 'storage': true}]}}");
    assertThat(storageMoved.statusCode()).isEqualTo(200);
    assertThat(stored().getStatus().getStoredVersions()).containsExactly("v1beta1", "v1");

    HttpResponse<byte[]> dropped =
        mergePatch(
            PATH, "{'spec': {'versions': [{'name': 'v1', 'served': true, 'storage': true}]}}");
    HttpResponse<byte[]> statusViaSpec = mergePatch(PATH, "{'status': {'storedVersions': ['v1']}}");

    assertThat(dropped.statusCode()).isEqualTo(422);
    JsonNode refusal = RawApi.json(dropped);
    assertThat(refusal.path("reason").asText()).isEqualTo("Invalid");
    assertThat(refusal.path("message").asText())
        .isEqualTo(
            "CustomResourceDefinition.apiextensions.k8s.io \"nodepools.karpenter.sh\" is invalid:"
                + " status.storedVersions[0]: Invalid value: \"v1beta1\": must appear in"
                + " spec.versions");
    assertThat(stored().getSpec().getVersions()).hasSize(2);
    assertThat(statusViaSpec.statusCode())
        .as("the CRD itself cannot write its status")
        .isEqualTo(200);
    assertThat(stored().getStatus().getStoredVersions()).containsExactly("v1beta1", "v1");

    HttpResponse<byte[]> migrated =
        mergePatch(PATH + "/status", "{'status': {'storedVersions': ['v1']}}");
    HttpResponse<byte[]> droppedAfterMigration =
        mergePatch(
            PATH, "{'spec': {'versions': [{'name': 'v1', 'served': true, 'storage': true}]}}");

    assertThat(migrated.statusCode()).isEqualTo(200);
    assertThat(droppedAfterMigration.statusCode()).isEqualTo(200);
    assertThat(stored().getSpec().getVersions())
        .extracting(CustomResourceDefinitionVersion::getName)
        .containsExactly("v1");
    assertThat(stored().getStatus().getStoredVersions()).containsExactly("v1");
    assertThat(condition(stored(), "Established")).isEqualTo("True");
    assertThat(
            cluster.calls.entries().stream()
                .filter(e -> e.operation().contains("CustomResourceDefinition")))
        .extracting(Entry::operation, Entry::status, Entry::effect, Entry::errorCode)
        .containsExactly(
            tuple("CreateCustomResourceDefinition", 201, Effect.CREATED, null),
            tuple("PatchCustomResourceDefinition", 200, Effect.CREATED, null),
            tuple("PatchCustomResourceDefinition", 422, Effect.REJECTED, "Invalid"),
            tuple("PatchCustomResourceDefinition", 200, Effect.REPLAYED, null),
            tuple("PatchCustomResourceDefinitionStatus", 200, Effect.CREATED, null),
            tuple("PatchCustomResourceDefinition", 200, Effect.CREATED, null));
  }

  @Test
  void theStatusKeepsTheStorageVersionAndAReplaceKeepsTheStatus() {
    cluster
        .client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(nodePools(version("v1beta1", true, false), version("v1", true, true)))
        .create();

    HttpResponse<byte[]> withoutStorage =
        mergePatch(PATH + "/status", "{'status': {'storedVersions': ['v1beta1']}}");
    CustomResourceDefinition replacement = stored();
    replacement.getStatus().setStoredVersions(java.util.List.of());
    replacement.getMetadata().setLabels(java.util.Map.of("app.kubernetes.io/managed-by", "Helm"));
    CustomResourceDefinition replaced =
        cluster
            .client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(replacement)
            .update();

    assertThat(withoutStorage.statusCode()).isEqualTo(422);
    assertThat(RawApi.json(withoutStorage).path("message").asText())
        .endsWith(
            "status.storedVersions: Invalid value: []string{\"v1beta1\"}: must have the storage"
                + " version v1");
    assertThat(replaced.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "Helm");
    assertThat(replaced.getStatus().getStoredVersions()).containsExactly("v1");
    assertThat(stored().getStatus().getStoredVersions()).containsExactly("v1");
  }
}
