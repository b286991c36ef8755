package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.PdbBreach.Loss;
import io.eksupgrader.sandbox.kube.PdbBreach.LostPod;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;

/**
 * The Kubernetes side as the sandbox server wires it: one per scenario cluster, fed by its node
 * groups.
 */
class SandboxKubernetesTest {

  private static final String SCENARIO =
      """
      name: kube-wiring
      timeScale: 600
      startTime: 2026-11-23T09:00:00Z
      clusters:
        - name: shop
          region: eu-west-1
          version: "1.32"
          status: ACTIVE
          platformVersion: eks.19
          nodeGroups:
            - {name: blue, minSize: 1, maxSize: 4, desiredSize: 2}
            - {name: green, minSize: 1, maxSize: 4, desiredSize: 2}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 4}
              - {namespace: kube-system, name: aws-node, kind: DaemonSet}
            pdbs:
              - {namespace: shop, name: web-pdb, selector: {app: web}, maxUnavailable: 1}
      """;

  private SandboxServer server;
  private EksClient eks;

  @AfterEach
  void close() {
    if (eks != null) {
      eks.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start() {
    server = SandboxServer.start(Scenario.parse(SCENARIO, "kube-wiring.yaml"), 0);
    eks =
        EksClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .endpointOverride(server.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDSANDBOX", "secret")))
            .region(Region.EU_WEST_1)
            .build();
  }

  private static Set<String> nodesOf(KubernetesClient client, String group) {
    return client.nodes().withLabel("eks.amazonaws.com/nodegroup", group).list().getItems().stream()
        .map(n -> n.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static boolean ready(Node node) {
    return node.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  @Test
  void theScenarioWorkloadsRunOnTheNodesOfItsNodeGroupsBehindTheEndpointDescribeClusterReports() {
    start();
    KubeCluster kube = server.kubernetes("eu-west-1", "shop");
    KubernetesClient client = kube.adminClient();

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                client.pods().inNamespace("shop").withLabel("app", "web").list().getItems().stream()
                        .filter(ObjectFacts::isReady)
                        .count()
                    == 4);

    Cluster described = eks.describeCluster(b -> b.name("shop")).cluster();
    assertThat(described.endpoint()).isEqualTo(kube.apiServerUrl().toString());
    assertThat(described.certificateAuthority().data()).isEqualTo(kube.certificateAuthorityData());
    assertThat(client.nodes().list().getItems()).hasSize(4).allMatch(SandboxKubernetesTest::ready);
    assertThat(nodesOf(client, "blue")).hasSize(2);
    assertThat(nodesOf(client, "green")).hasSize(2);
    List<Pod> web = client.pods().inNamespace("shop").withLabel("app", "web").list().getItems();
    assertThat(web.stream().map(p -> p.getSpec().getNodeName()).distinct()).hasSize(4);
    assertThat(
            client.pods().inNamespace("kube-system").withLabel("app", "aws-node").list().getItems())
        .hasSize(4);
  }

  @Test
  void deletingANodeGroupWithoutDrainingItBreachesTheBudgetAndTheSandboxRecordsIt() {
    start();
    KubeCluster kube = server.kubernetes("eu-west-1", "shop");
    KubernetesClient client = kube.adminClient();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                client
                        .policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace("shop")
                        .withName("web-pdb")
                        .get()
                        .getStatus()
                        .getCurrentHealthy()
                    == 4);
    Set<String> blue = nodesOf(client, "blue");

    eks.deleteNodegroup(b -> b.clusterName("shop").nodegroupName("blue"));

    await().atMost(Duration.ofSeconds(15)).until(() -> nodesOf(client, "blue").isEmpty());
    assertThat(kube.nodeNames()).doesNotContainAnyElementsOf(blue);
    assertThat(kube.pdbBreaches()).isNotEmpty();
    assertThat(kube.pdbBreaches().stream().flatMap(b -> b.lostPods().stream()))
        .allSatisfy(
            lost -> {
              assertThat(lost.how()).isEqualTo(Loss.NODE_TERMINATED);
              assertThat(lost.node()).isIn(blue);
            })
        .extracting(LostPod::namespace)
        .containsOnly("shop");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                client.pods().inNamespace("shop").withLabel("app", "web").list().getItems().stream()
                        .filter(ObjectFacts::isReady)
                        .filter(p -> !blue.contains(p.getSpec().getNodeName()))
                        .count()
                    == 4);
  }
}
