package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import io.eksupgrader.sandbox.CallLog.Entry;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;

/**
 * The real Helm (helm-java, Helm v3.21 as a native library) installs, upgrades and uninstalls a
 * chart in a sandbox cluster, reached as an activity reaches EKS: the https endpoint and CA data of
 * DescribeCluster in a kubeconfig, an EKS bearer token, OpenAPI validation on.
 *
 * <p>The sandbox's pom points Helm's caches and client-go's discovery cache ({@code KUBECACHEDIR})
 * into {@code target/}; without it Helm writes {@code ~/.kube/cache}.
 */
class HelmReleaseEndToEndTest {

  private static final String SCENARIO =
      """
      name: helm
      timeScale: 600
      startTime: 2026-11-23T09:00:00Z
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          nodeGroups:
            - {name: blue, minSize: 1, maxSize: 4, desiredSize: 2}
      """;

  @TempDir Path dir;

  private SandboxServer sandbox;
  private KubernetesClient client;
  private Path kubeconfig;
  private Path chart;

  @BeforeEach
  void start() throws Exception {
    sandbox = SandboxServer.start(Scenario.parse(SCENARIO, "helm.yaml"), 0);
    KubeCluster kube = sandbox.kubernetes("us-east-1", "shop");
    client = kube.adminClient();
    Cluster described;
    try (EksClient eks =
        EksClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .endpointOverride(sandbox.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDSANDBOX", "secret")))
            .region(Region.US_EAST_1)
            .build()) {
      described = eks.describeCluster(r -> r.name("shop")).cluster();
    }
    // What an activity writes for Helm: no insecure-skip-tls-verify, the CA as EKS reports it.
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: shop
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: shop
            user:
              token: %s
        contexts:
          - name: shop
            context: {cluster: shop, user: shop, namespace: web}
        current-context: shop
        """
            .formatted(
                described.endpoint(),
                described.certificateAuthority().data(),
                KubeCluster.tokenFor("shop")));
    chart = Path.of(getClass().getResource("/charts/web-app").toURI());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.nodes().list().getItems().size() == 2);
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace("web").withName("web").get();
  }

  private Map<String, String> releaseSecrets() {
    return client.secrets().inNamespace("web").withLabel("owner", "helm").list().getItems().stream()
        .collect(
            Collectors.toMap(
                s -> s.getMetadata().getName(), s -> s.getMetadata().getLabels().get("status")));
  }

  private CustomResourceDefinition crd(String name) {
    return client.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  private boolean allPodsReadyWith(String image) {
    List<Pod> pods = client.pods().inNamespace("web").withLabel("app", "web").list().getItems();
    return pods.size() == 2
        && pods.stream()
            .allMatch(
                p ->
                    ObjectFacts.isReady(p)
                        && !ObjectFacts.isTerminating(p)
                        && p.getSpec().getContainers().get(0).getImage().equals(image));
  }

  @Test
  void helmInstallsUpgradesAndUninstallsAChartOverHttpsWithTheCaOfDescribeCluster() {
    assertThat(System.getenv("KUBECACHEDIR"))
        .as("run through Maven: sandbox/pom.xml keeps Helm's discovery cache out of ~/.kube")
        .isNotBlank();

    Release installed =
        new Helm(chart)
            .install()
            .withName("web")
            .withNamespace("web")
            .createNamespace()
            .withKubeConfig(kubeconfig)
            .call();

    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(installed.getRevision()).isEqualTo("1");
    Deployment first = deployment();
    assertThat(first.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "Helm");
    assertThat(first.getMetadata().getAnnotations())
        .containsEntry("meta.helm.sh/release-name", "web");
    assertThat(first.getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getName, Container::getImage)
        .containsExactly(
            tuple("web", "nginx:1.25"), tuple("metrics", "prom/statsd-exporter:v0.26.0"));
    assertThat(client.serviceAccounts().inNamespace("web").withName("web").get()).isNotNull();
    assertThat(crd("widgets.web.example.com").getStatus().getStoredVersions())
        .containsExactly("v1");
    assertThat(crd("gadgets.web.example.com").getMetadata().getLabels())
        .containsEntry("web.example.com/tag", "1.25");
    assertThat(releaseSecrets()).isEqualTo(Map.of("sh.helm.release.v1.web.v1", "deployed"));
    await().atMost(Duration.ofSeconds(15)).until(() -> allPodsReadyWith("nginx:1.25"));
    List<String> firstPods = podNames();

    Release upgraded =
        new Helm(chart)
            .upgrade()
            .withName("web")
            .withNamespace("web")
            .withKubeConfig(kubeconfig)
            .set("image.tag", "1.26")
            .call();

    assertThat(upgraded.getStatus()).isEqualTo("deployed");
    assertThat(upgraded.getRevision()).isEqualTo("2");
    Deployment second = deployment();
    Container web = second.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(web.getImage()).isEqualTo("nginx:1.26");
    assertThat(web.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("TAG=1.26", "MODE=prod");
    assertThat(web.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(80);
    assertThat(second.getSpec().getTemplate().getSpec().getContainers()).hasSize(2);
    assertThat(second.getMetadata().getGeneration()).isEqualTo(2);
    assertThat(crd("gadgets.web.example.com").getMetadata().getLabels())
        .containsEntry("web.example.com/tag", "1.26");
    assertThat(releaseSecrets())
        .isEqualTo(
            Map.of(
                "sh.helm.release.v1.web.v1", "superseded",
                "sh.helm.release.v1.web.v2", "deployed"));
    await().atMost(Duration.ofSeconds(20)).until(() -> allPodsReadyWith("nginx:1.26"));
    assertThat(podNames()).as("the pods rolled").doesNotContainAnyElementsOf(firstPods);
    assertThat(Helm.history("web").withNamespace("web").withKubeConfig(kubeconfig).call())
        .extracting(ReleaseHistory::getRevision, ReleaseHistory::getStatus)
        .containsExactlyInAnyOrder(tuple(1, "superseded"), tuple(2, "deployed"));
    assertThat(sandbox.callLog().entries("PatchDeployment"))
        .extracting(Entry::status, Entry::resourceId)
        .containsExactly(tuple(200, "web/web"));

    String uninstalled =
        Helm.uninstall("web").withNamespace("web").withKubeConfig(kubeconfig).call();

    assertThat(uninstalled).contains("release \"web\" uninstalled");
    assertThat(deployment()).isNull();
    assertThat(client.serviceAccounts().inNamespace("web").withName("web").get()).isNull();
    assertThat(crd("gadgets.web.example.com")).as("a templated CRD goes with the release").isNull();
    assertThat(crd("widgets.web.example.com")).as("Helm never deletes crds/").isNotNull();
    assertThat(releaseSecrets()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> client.pods().inNamespace("web").list().getItems().isEmpty());
    assertThat(Path.of(System.getenv("KUBECACHEDIR")).resolve("discovery")).isDirectory();
  }

  private List<String> podNames() {
    return client.pods().inNamespace("web").withLabel("app", "web").list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }
}
