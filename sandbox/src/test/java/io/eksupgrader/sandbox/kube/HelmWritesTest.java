package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.CallLog.Entry;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writes in the forms Helm sends them: strategic merge patches of built-in objects, release Secrets
 * and their deletion in protobuf.
 */
class HelmWritesTest {

  private TestCluster cluster;
  private RawApi api;

  @AfterEach
  void close() {
    cluster.close();
  }

  private static Deployment web() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .addToMatchLabels("app", "web")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("nginx:1.25")
        .addNewPort()
        .withContainerPort(80)
        .endPort()
        .addNewEnv()
        .withName("TAG")
        .withValue("1.25")
        .endEnv()
        .addNewEnv()
        .withName("MODE")
        .withValue("prod")
        .endEnv()
        .endContainer()
        .addNewContainer()
        .withName("proxy")
        .withImage("envoy:1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void helmsPatchOfAnImageChangesOnlyThatAndTheDeploymentRollsItsPods() {
    cluster = TestCluster.builder().nodeGroup("blue", 2).start();
    api = new RawApi(cluster);
    cluster.client.namespaces().resource(Manifests.namespace("shop")).create();
    cluster.client.apps().deployments().resource(web()).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> cluster.pods("shop", "web").stream().filter(ObjectFacts::isReady).count() == 2);

    // What Helm 3 sends for a changed image.tag value: its three-way strategic merge patch.
    HttpResponse<byte[]> patched =
        api.send(
            "PATCH",
            "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=helm",
            "application/strategic-merge-patch+json",
            ("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'proxy'}],"
                 + "'containers':[{'$setElementOrder/env':[{'name':'TAG'},{'name':'MODE'}],"
                 + "'env':[{'name':'TAG','value':'1.26'}],'image':'nginx:1.26','name':'web'}]}}}}")
                .replace('\'', '"'));

    assertThat(patched.statusCode()).isEqualTo(200);
    Deployment stored =
        cluster.client.apps().deployments().inNamespace("shop").withName("web").get();
    List<Container> containers = stored.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers)
        .extracting(Container::getName, Container::getImage)
        .containsExactly(tuple("web", "nginx:1.26"), tuple("proxy", "envoy:1"));
    assertThat(containers.get(0).getPorts())
        .extracting(p -> p.getContainerPort())
        .containsExactly(80);
    assertThat(containers.get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("TAG=1.26", "MODE=prod");
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              List<Pod> pods = cluster.pods("shop", "web");
              return pods.size() == 2
                  && pods.stream()
                      .allMatch(
                          p ->
                              ObjectFacts.isReady(p)
                                  && p.getSpec()
                                      .getContainers()
                                      .get(0)
                                      .getImage()
                                      .equals("nginx:1.26"));
            });
    assertThat(cluster.calls.entries("PatchDeployment"))
        .extracting(Entry::status, Entry::effect, Entry::resourceId)
        .containsExactly(tuple(200, Effect.CREATED, "shop/web"));
  }

  @Test
  void aStrategicMergePatchOfACustomResourceIsUnsupportedAsOnTheRealServer() {
    cluster = TestCluster.builder().nodeGroup("blue", 1).nodePool("general", 1, "1").start();
    api = new RawApi(cluster);

    HttpResponse<byte[]> strategic =
        api.send(
            "PATCH",
            "/apis/karpenter.sh/v1/nodepools/general",
            "application/strategic-merge-patch+json",
            "{\"spec\":{\"weight\":5}}");
    HttpResponse<byte[]> merge =
        api.send(
            "PATCH",
            "/apis/karpenter.sh/v1/nodepools/general",
            "application/merge-patch+json",
            "{\"spec\":{\"weight\":5}}");

    assertThat(strategic.statusCode()).isEqualTo(415);
    assertThat(RawApi.json(strategic).path("reason").asText()).isEqualTo("UnsupportedMediaType");
    assertThat(merge.statusCode()).isEqualTo(200);
    assertThat(RawApi.json(merge).at("/spec/weight").asInt()).isEqualTo(5);
  }

  @Test
  void aReleaseSecretWrittenInProtobufIsStoredAsTheSecretItHolds() {
    cluster = TestCluster.builder().nodeGroup("blue", 1).start();
    api = new RawApi(cluster);
    byte[] release = "H4sIAAAAAAAA/release".getBytes(StandardCharsets.UTF_8);

    HttpResponse<byte[]> created =
        api.send(
            "POST",
            "/api/v1/namespaces/default/secrets",
            "application/vnd.kubernetes.protobuf",
            Protobuf.secret("sh.helm.release.v1.web.v1", "deployed", release));
    HttpResponse<byte[]> updated =
        api.send(
            "PUT",
            "/api/v1/namespaces/default/secrets/sh.helm.release.v1.web.v1",
            "application/vnd.kubernetes.protobuf",
            Protobuf.secret("sh.helm.release.v1.web.v1", "superseded", release));
    Secret afterUpdate =
        cluster.client.secrets().inNamespace("default").withName("sh.helm.release.v1.web.v1").get();
    HttpResponse<byte[]> configMap =
        api.send(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            "application/vnd.kubernetes.protobuf",
            Protobuf.envelope("ConfigMap", new byte[0]));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(RawApi.contentType(created)).isEqualTo("application/json");
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(afterUpdate.getType()).isEqualTo("helm.sh/release.v1");
    assertThat(afterUpdate.getMetadata().getLabels())
        .containsEntry("owner", "helm")
        .containsEntry("status", "superseded");
    assertThat(Base64.getDecoder().decode(afterUpdate.getData().get("release"))).isEqualTo(release);
    assertThat(configMap.statusCode()).isEqualTo(415);

    // Helm's purge on uninstall: a DELETE whose DeleteOptions are in protobuf too.
    HttpResponse<byte[]> deleted =
        api.send(
            "DELETE",
            "/api/v1/namespaces/default/secrets/sh.helm.release.v1.web.v1",
            "application/vnd.kubernetes.protobuf",
            Protobuf.deleteOptions("Background"));

    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(
            cluster
                .client
                .secrets()
                .inNamespace("default")
                .withLabel("owner", "helm")
                .list()
                .getItems())
        .isEmpty();
    assertThat(cluster.calls.entries())
        .extracting(Entry::operation, Entry::status, Entry::effect)
        .containsExactly(
            tuple("CreateSecret", 201, Effect.CREATED),
            tuple("UpdateSecret", 200, Effect.CREATED),
            tuple("CreateConfigMap", 415, Effect.REJECTED),
            tuple("DeleteSecret", 200, Effect.CREATED));
  }

  /**
   * Protobuf bodies as client-go writes them, from the field numbers of {@code
   * k8s.io/api/core/v1/generated.proto} and {@code runtime.Unknown}.
   */
  static final class Protobuf {

    static byte[] secret(String name, String status, byte[] release) {
      ByteArrayOutputStream meta = new ByteArrayOutputStream();
      field(meta, 1, text(name));
      field(meta, 3, text("default"));
      field(meta, 11, entry(text("owner"), text("helm")));
      field(meta, 11, entry(text("status"), text(status)));
      ByteArrayOutputStream secret = new ByteArrayOutputStream();
      field(secret, 1, meta.toByteArray());
      field(secret, 2, entry(text("release"), release));
      field(secret, 3, text("helm.sh/release.v1"));
      return envelope("Secret", secret.toByteArray());
    }

    static byte[] deleteOptions(String propagationPolicy) {
      ByteArrayOutputStream options = new ByteArrayOutputStream();
      field(options, 4, text(propagationPolicy));
      return envelope("DeleteOptions", options.toByteArray());
    }

    static byte[] envelope(String kind, byte[] raw) {
      ByteArrayOutputStream typeMeta = new ByteArrayOutputStream();
      field(typeMeta, 1, text("v1"));
      field(typeMeta, 2, text(kind));
      ByteArrayOutputStream unknown = new ByteArrayOutputStream();
      unknown.writeBytes(new byte[] {'k', '8', 's', 0});
      field(unknown, 1, typeMeta.toByteArray());
      field(unknown, 2, raw);
      field(unknown, 3, text(""));
      field(unknown, 4, text(""));
      return unknown.toByteArray();
    }

    private static byte[] entry(byte[] key, byte[] value) {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      field(entry, 1, key);
      field(entry, 2, value);
      return entry.toByteArray();
    }

    private static byte[] text(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A length-delimited field (wire type 2). */
    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
      varint(out, (number << 3) | 2);
      varint(out, value.length);
      out.writeBytes(value);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
      while ((value & ~0x7fL) != 0) {
        out.write((int) ((value & 0x7f) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
