package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.CallLog.Entry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the API server adds to fabric8's CRUD mock: field selectors, patches, auth, outages. */
class ApiServerTest {

  private TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(cluster.kube.plainApiServerUrl() + path)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A cordon as kubectl would send it, without fabric8's read before the patch. */
  private HttpResponse<String> patchNode(String node, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(cluster.kube.plainApiServerUrl() + "/api/v1/nodes/" + node))
            .header("Content-Type", "application/merge-patch+json")
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString("{\"spec\":{\"unschedulable\":true}}"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String tokenOf(String url) {
    return "Bearer k8s-aws-v1."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(url.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void podsAreListedByTheNodeTheyRunOnInOneOrAllNamespaces() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .workload("Deployment", "shop", "web", 4)
            .workload("DaemonSet", "kube-system", "aws-node", 0)
            .start()
            .awaitSettled();
    String first = cluster.nodes("blue").get(0);

    List<Pod> onFirst =
        cluster.client.pods().inAnyNamespace().withField("spec.nodeName", first).list().getItems();
    List<Pod> shopOnFirst =
        cluster
            .client
            .pods()
            .inNamespace("shop")
            .withField("spec.nodeName", first)
            .list()
            .getItems();
    List<Pod> runningOnFirst =
        cluster
            .client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", first)
            .withField("status.phase", "Running")
            .list()
            .getItems();
    List<Pod> elsewhere =
        cluster
            .client
            .pods()
            .inAnyNamespace()
            .withoutField("spec.nodeName", first)
            .list()
            .getItems();

    assertThat(onFirst)
        .extracting(p -> p.getMetadata().getNamespace(), p -> p.getSpec().getNodeName())
        .containsExactlyInAnyOrder(
            tuple("shop", first), tuple("shop", first), tuple("kube-system", first));
    assertThat(shopOnFirst).hasSize(2).allMatch(p -> p.getMetadata().getNamespace().equals("shop"));
    assertThat(runningOnFirst).hasSize(3);
    assertThat(elsewhere).hasSize(3).noneMatch(p -> p.getSpec().getNodeName().equals(first));
    assertThatThrownBy(
            () -> cluster.client.pods().inAnyNamespace().withField("spec.nodeNam", first).list())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
  }

  @Test
  void cordonByMergePatchEditOrStrategicMergePatchIsLoggedAndARepeatChangesNothing() {
    cluster = TestCluster.builder().nodeGroup("blue", 1).start().awaitSettled();
    String node = cluster.nodes("blue").get(0);

    Node cordoned =
        cluster
            .client
            .nodes()
            .withName(node)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":true}}");
    cluster
        .client
        .nodes()
        .withName(node)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":true}}");
    Node uncordoned =
        cluster
            .client
            .nodes()
            .withName(node)
            .edit(
                n -> {
                  n.getSpec().setUnschedulable(false);
                  return n;
                });

    assertThat(cordoned.getSpec().getUnschedulable()).isTrue();
    assertThat(uncordoned.getSpec().getUnschedulable()).isFalse();
    assertThat(cluster.client.nodes().withName(node).get().getSpec().getUnschedulable()).isFalse();
    Node cordonedAgain =
        cluster
            .client
            .nodes()
            .withName(node)
            .patch(
                PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"unschedulable\":true}}");
    assertThat(cordonedAgain.getSpec().getUnschedulable()).isTrue();
    assertThat(cluster.calls.entries("PatchNode"))
        .extracting(
            Entry::service,
            Entry::region,
            Entry::cluster,
            Entry::resourceId,
            Entry::status,
            Entry::effect)
        .containsExactly(
            // Merge and strategic merge patches are the sandbox's own (200, as the API server
            // answers); the edit, a JSON patch, is fabric8's mock's (202).
            tuple("kubernetes", "us-east-1", "shop", node, 200, Effect.CREATED),
            tuple("kubernetes", "us-east-1", "shop", node, 200, Effect.REPLAYED),
            tuple("kubernetes", "us-east-1", "shop", node, 202, Effect.CREATED),
            tuple("kubernetes", "us-east-1", "shop", node, 200, Effect.CREATED));
  }

  @Test
  void aMergePatchNamingAnOlderResourceVersionIsRefusedWith409AndChangesNothing() {
    cluster = TestCluster.builder().nodeGroup("blue", 1).start().awaitSettled();
    String node = cluster.nodes("blue").get(0);
    String version = cluster.client.nodes().withName(node).get().getMetadata().getResourceVersion();
    String labelled = "{\"metadata\":{\"resourceVersion\":\"%s\",\"labels\":{\"%s\":\"yes\"}}}";

    cluster.client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), labelled.formatted(version, "first"));
    assertThatThrownBy(
            () -> cluster.client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), labelled.formatted(version, "second")))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409))
        .hasMessageContaining("the object has been modified");

    assertThat(cluster.client.nodes().withName(node).get().getMetadata().getLabels())
        .containsEntry("first", "yes")
        .doesNotContainKey("second");
  }

  @Test
  void aHoldKeepsEveryRequestAfterTheMatchingCallWaitingUntilItIsClosed() throws Exception {
    cluster = TestCluster.builder().nodeGroup("blue", 1).start().awaitSettled();
    String node = cluster.nodes("blue").get(0);
    try (RequestHold hold = cluster.kube.holdRequestsAfter("PatchNode", node)) {
      assertThat(hold.awaitHolding(Duration.ofMillis(10))).isFalse();
      cluster.client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":true}}");
      assertThat(hold.awaitHolding(Duration.ofSeconds(5))).isTrue();
      var read = java.util.concurrent.CompletableFuture.supplyAsync(() -> cluster.client.nodes().withName(node).get());
      Thread.sleep(500);
      assertThat(read).as("held while the hold is on").isNotDone();
      hold.close();
      assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS).getSpec().getUnschedulable()).isTrue();
    }
  }

  @Test
  void requestsWithoutAnEksTokenAreUnauthorized() throws Exception {
    cluster = TestCluster.builder().nodeGroup("blue", 1).start().awaitSettled();
    String presigned =
        "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
            + "&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc123";

    assertThat(get("/api/v1/nodes", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/nodes", null).body()).contains("\"reason\":\"Unauthorized\"");
    assertThat(get("/api/v1/nodes", "Bearer secret").statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/nodes", "Bearer k8s-aws-v1.%%%").statusCode()).isEqualTo(401);
    assertThat(
            get("/api/v1/nodes", tokenOf(presigned.replace("&X-Amz-Signature=abc123", "")))
                .statusCode())
        .as("no signature")
        .isEqualTo(401);
    assertThat(
            get("/api/v1/nodes", tokenOf(presigned.replace("GetCallerIdentity", "AssumeRole")))
                .statusCode())
        .as("another action")
        .isEqualTo(401);
    assertThat(
            get("/api/v1/nodes", tokenOf(presigned.replace("host%3Bx-k8s-aws-id", "host")))
                .statusCode())
        .as("the cluster header unsigned")
        .isEqualTo(401);
    assertThat(get("/api/v1/nodes", tokenOf(presigned)).statusCode()).isEqualTo(200);
    assertThat(get("/version", null).statusCode())
        .as("open to anonymous users, as on EKS")
        .isEqualTo(200);

    assertThat(patchNode(cluster.nodes("blue").get(0), "Bearer not-an-eks-token").statusCode())
        .isEqualTo(401);
    Config wrongToken =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(cluster.kube.plainApiServerUrl().toString())
            .withOauthToken("not-an-eks-token")
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient intruder = new KubernetesClientBuilder().withConfig(wrongToken).build()) {
      assertThatThrownBy(() -> intruder.nodes().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }
    assertThat(
            cluster
                .client
                .nodes()
                .withName(cluster.nodes("blue").get(0))
                .get()
                .getSpec()
                .getUnschedulable())
        .isNull();
    assertThat(cluster.calls.entries())
        .extracting(Entry::operation, Entry::status, Entry::effect, Entry::errorCode)
        .containsExactly(tuple("PatchNode", 401, Effect.REJECTED, "Unauthorized"));
  }

  @Test
  void anOutageAnswers503ToEverythingUntilItEnds() throws Exception {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 1)
            .outage(Duration.ZERO, Duration.ofMinutes(30))
            .start();
    String node = cluster.nodes("blue").get(0);

    assertThatThrownBy(() -> cluster.client.nodes().list())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(503));
    HttpResponse<String> cordon =
        patchNode(node, "Bearer " + KubeCluster.tokenFor(TestCluster.CLUSTER));
    assertThat(cordon.statusCode()).isEqualTo(503);
    assertThat(cordon.body()).contains("\"reason\":\"ServiceUnavailable\"");

    await()
        .atMost(Duration.ofSeconds(cluster.realMillis(Duration.ofMinutes(30)) / 1000 + 5))
        .ignoreExceptions()
        .until(() -> cluster.client.nodes().list().getItems().size() == 1);
    assertThat(cluster.clock.simulatedElapsed()).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
    assertThat(cluster.client.nodes().withName(node).get().getSpec().getUnschedulable()).isNull();
    assertThat(cluster.calls.entries("PatchNode"))
        .extracting(Entry::status, Entry::effect, Entry::errorCode)
        .containsExactly(tuple(503, Effect.REJECTED, "ServiceUnavailable"));
  }

  @Test
  void versionAndNamespacesLookLikeAnEksCluster() {
    cluster =
        TestCluster.builder().nodeGroup("blue", 1).workload("Deployment", "shop", "web", 1).start();

    assertThat(cluster.client.getKubernetesVersion().getMinor()).isEqualTo("32");
    assertThat(cluster.client.namespaces().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .contains("default", "kube-system", "shop");
    assertThat(cluster.kube.certificateAuthorityData())
        .satisfies(
            ca ->
                assertThat(new String(Base64.getDecoder().decode(ca), StandardCharsets.US_ASCII))
                    .startsWith("-----BEGIN CERTIFICATE-----"));
  }
}
