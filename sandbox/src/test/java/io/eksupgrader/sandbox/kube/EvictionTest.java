package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.CallLog.Entry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pods/eviction subresource as a drain sees it, through a real fabric8 client over HTTP. */
class EvictionTest {

  private TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Eviction eviction(Pod pod) {
    return new EvictionBuilder()
        .withNewMetadata()
        .withNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .endMetadata()
        .build();
  }

  private boolean evict(Pod pod) {
    return cluster
        .client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .evict(eviction(pod));
  }

  /** POSTs an Eviction without fabric8 in between, to read the Status the server answers. */
  private HttpResponse<String> postEviction(String namespace, String name) throws Exception {
    String body =
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\""
            + namespace
            + "\"}}";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    cluster.kube.plainApiServerUrl()
                        + "/api/v1/namespaces/"
                        + namespace
                        + "/pods/"
                        + name
                        + "/eviction"))
            .header("Authorization", "Bearer " + KubeCluster.tokenFor(TestCluster.CLUSTER))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anEvictionTheBudgetAllowsConsumesItAtOnceSoTheNextOneIsRefusedUntilTheReplacementIsReady() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .workload("Deployment", "shop", "web", 2)
            .pdb("shop", "web-pdb", "web", null, "1")
            .podStart(Duration.ofMinutes(30))
            .start()
            .awaitSettled();
    await().until(() -> cluster.pdb("shop", "web-pdb").getStatus().getDisruptionsAllowed() == 1);
    List<Pod> pods = cluster.pods("shop", "web");
    Pod first = pods.get(0);
    Pod second = pods.get(1);

    assertThat(evict(first)).isTrue();
    PodDisruptionBudget afterFirst = cluster.pdb("shop", "web-pdb");
    assertThat(afterFirst.getStatus().getDisruptionsAllowed()).isZero();
    Pod terminating =
        cluster.client.pods().inNamespace("shop").withName(first.getMetadata().getName()).get();
    assertThat(terminating == null || terminating.getMetadata().getDeletionTimestamp() != null)
        .isTrue();

    assertThat(evict(second)).as("the budget allows no second disruption").isFalse();

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                cluster.pods("shop", "web").stream()
                        .filter(ObjectFacts::isReady)
                        .filter(p -> !p.getMetadata().getUid().equals(first.getMetadata().getUid()))
                        .count()
                    == 2);
    await().until(() -> cluster.pdb("shop", "web-pdb").getStatus().getDisruptionsAllowed() == 1);
    assertThat(evict(second))
        .as("the replacement is Ready, so the budget allows one again")
        .isTrue();

    assertThat(cluster.calls.entries("CreateEviction"))
        .extracting(
            Entry::service, Entry::effect, Entry::status, Entry::resourceId, Entry::errorCode)
        .containsExactly(
            tuple("kubernetes", Effect.CREATED, 201, ObjectFacts.id(first), null),
            tuple("kubernetes", Effect.REJECTED, 429, ObjectFacts.id(second), "TooManyRequests"),
            tuple("kubernetes", Effect.CREATED, 201, ObjectFacts.id(second), null));
    assertThat(cluster.kube.pdbBreaches()).isEmpty();
  }

  @Test
  void aBudgetWithMaxUnavailableZeroRefusesWith429NamingTheBudget() throws Exception {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .workload("Deployment", "shop", "web", 2)
            .pdb("shop", "web-pdb", "web", null, "0")
            .start()
            .awaitSettled();
    Pod pod = cluster.pods("shop", "web").get(0);

    HttpResponse<String> response = postEviction("shop", pod.getMetadata().getName());

    assertThat(response.statusCode()).isEqualTo(429);
    JsonNode status = new ObjectMapper().readTree(response.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(status.path("message").asText())
        .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(status.path("details").path("causes").get(0).path("reason").asText())
        .isEqualTo("DisruptionBudget");
    assertThat(status.path("details").path("causes").get(0).path("message").asText())
        .isEqualTo("The disruption budget web-pdb needs 2 healthy pods and has 2 currently");
    Pod after =
        cluster.client.pods().inNamespace("shop").withName(pod.getMetadata().getName()).get();
    assertThat(after.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(cluster.calls.entries("CreateEviction"))
        .extracting(Entry::effect, Entry::resourceId, Entry::errorCode)
        .containsExactly(tuple(Effect.REJECTED, ObjectFacts.id(pod), "TooManyRequests"));
  }

  @Test
  void aPodSelectedByTwoBudgetsCannotBeEvicted() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .workload("Deployment", "shop", "web", 3)
            .pdb("shop", "web-pdb", "web", null, "1")
            .pdb("shop", "web-pdb-too", "web", "1", null)
            .start()
            .awaitSettled();
    Pod pod = cluster.pods("shop", "web").get(0);

    assertThatThrownBy(() -> evict(pod))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(500);
              assertThat(e.getStatus().getReason()).isEqualTo("InternalError");
              assertThat(e.getStatus().getMessage())
                  .isEqualTo(
                      "Internal error occurred: This pod has more than one PodDisruptionBudget,"
                          + " which the eviction subresource does not support.");
            });
    assertThat(
            cluster
                .client
                .pods()
                .inNamespace("shop")
                .withName(pod.getMetadata().getName())
                .get()
                .getMetadata()
                .getDeletionTimestamp())
        .isNull();
    assertThat(cluster.calls.entries("CreateEviction"))
        .extracting(Entry::status, Entry::effect, Entry::errorCode)
        .containsExactly(tuple(500, Effect.REJECTED, "InternalError"));
  }

  @Test
  void evictingAPodThatIsGoneAnswers404() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 1)
            .workload("Deployment", "shop", "web", 1)
            .start()
            .awaitSettled();
    Pod ghost =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("web-gone")
            .endMetadata()
            .build();

    assertThatThrownBy(() -> evict(ghost))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThat(cluster.calls.entries("CreateEviction"))
        .extracting(Entry::status, Entry::effect, Entry::resourceId, Entry::errorCode)
        .containsExactly(tuple(404, Effect.REJECTED, "shop/web-gone", "NotFound"));
  }

  @Test
  void anUnreadyPodMayBeEvictedWhileTheBudgetIsMetButAReadyOneMayNot() {
    cluster =
        TestCluster.builder()
            .nodeGroup("blue", 2)
            .workload("Deployment", "shop", "web", 2)
            .pdb("shop", "web-pdb", "web", "2", null)
            .start()
            .awaitSettled();
    String node = cluster.nodes("blue").get(0);
    Pod unready =
        cluster
            .client
            .pods()
            .inNamespace("shop")
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("web-canary")
                    .addToLabels("app", "web")
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(node)
                    .addNewContainer()
                    .withName("web")
                    .withImage("web:2")
                    .endContainer()
                    .endSpec()
                    .withNewStatus()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("False")
                    .endCondition()
                    .endStatus()
                    .build())
            .create();
    await().until(() -> cluster.pdb("shop", "web-pdb").getStatus().getExpectedPods() == 3);
    PodDisruptionBudget pdb = cluster.pdb("shop", "web-pdb");
    assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo(2);
    assertThat(pdb.getStatus().getDisruptionsAllowed()).isZero();

    assertThat(evict(unready)).as("an unhealthy pod may go while the budget is met").isTrue();
    Pod ready =
        cluster.pods("shop", "web").stream().filter(ObjectFacts::isReady).findFirst().orElseThrow();
    assertThat(evict(ready)).as("a healthy pod may not").isFalse();
  }
}
