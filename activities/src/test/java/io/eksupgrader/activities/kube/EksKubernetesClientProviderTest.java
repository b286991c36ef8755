package io.eksupgrader.activities.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider reaches the sandbox cluster as a worker reaches EKS: DescribeCluster through the
 * EksClient, a presigned-STS bearer token that the sandbox's API server checks (it answers 401 to
 * anything else), tokens renewed as they age.
 */
class EksKubernetesClientProviderTest {

  private static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");

  private SandboxServer sandbox;
  private KubeCluster kube;
  private DefaultEksClientProvider eks;

  @BeforeEach
  void startSandbox() {
    sandbox =
        SandboxServer.start(
            Scenario.parse(
                """
                name: access
                clusters:
                  - {name: shop, region: us-east-1, version: "1.32"}
                """,
                "access.yaml"),
            0);
    kube = sandbox.kubernetes("us-east-1", "shop");
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
  }

  @AfterEach
  void stopSandbox() {
    eks.close();
    sandbox.close();
  }

  @Test
  void reachesTheClusterFromDescribeClusterWithATokenItAccepts() {
    try (EksKubernetesClientProvider provider =
        new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults())) {
      KubernetesClient client = provider.forCluster(SHOP);

      assertThat(client.namespaces().list().getItems())
          .extracting(n -> n.getMetadata().getName())
          .contains("default", "kube-system");
      assertThat(provider.forCluster(SHOP)).isSameAs(client);
      assertThat(client.getMasterUrl().toString()).startsWith(kube.apiServerUrl().toString());
      // fabric8 must not retry a PodDisruptionBudget's 429 behind the drain's back.
      assertThat(client.getConfiguration().getRequestRetryBackoffLimit()).isZero();
      assertThat(client.getConfiguration().getRequestTimeout()).isEqualTo(30_000);
    }
  }

  @Test
  void theApiServerRefusesRequestsWithoutAnEksToken() {
    for (String token : new String[] {null, "not-an-eks-token", "k8s-aws-v1.bm90IGEgdXJs"}) {
      Config config =
          new ConfigBuilder(Config.empty())
              .withMasterUrl(kube.apiServerUrl().toString())
              .withCaCertData(kube.certificateAuthorityData())
              .withOauthToken(token)
              .withRequestRetryBackoffLimit(0)
              .build();
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        KubernetesClientException refused =
            catchThrowableOfType(KubernetesClientException.class, () -> client.namespaces().list());
        assertThat(refused.getCode()).as("token %s", token).isEqualTo(401);
      }
    }
  }

  @Test
  void tokensAreRenewedBeforeEksStopsAcceptingThemAndKeepWorking() {
    SteppedClock clock = new SteppedClock(Instant.now());
    try (EksKubernetesClientProvider provider =
        new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults(), clock)) {
      KubernetesClient client = provider.forCluster(SHOP);
      client.namespaces().list();
      client.nodes().list();
      EksTokenSource tokens = provider.tokenSource(SHOP).orElseThrow();
      assertThat(tokens.tokensMade()).isEqualTo(1);

      clock.advance(Duration.ofMinutes(10));
      assertThat(client.namespaces().withName("default").get()).isNotNull();

      assertThat(tokens.tokensMade()).isEqualTo(2);
    }
  }

  @Test
  void aTokenThatExpiresBeforeItsRefreshIsReplacedAfterTheFirst401AndTheRequestSucceeds()
      throws InterruptedException {
    // The sandbox stops accepting a worker token one simulated second after it first sees it,
    // far sooner than the provider's ten-minute refresh: only the 401 can trigger the renewal.
    kube.expireTokensAfter(Duration.ofSeconds(1));
    try (EksKubernetesClientProvider provider =
        new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults())) {
      KubernetesClient client = provider.forCluster(SHOP);
      client.namespaces().list();
      EksTokenSource tokens = provider.tokenSource(SHOP).orElseThrow();
      String firstToken = tokens.getToken();
      assertThat(tokens.tokensMade()).isEqualTo(1);

      // At least 1.5 s pass, so the first token has expired and a new one has another X-Amz-Date.
      Thread.sleep(1_500);
      assertThat(client.namespaces().withName("default").get()).isNotNull();

      assertThat(tokens.tokensMade()).isEqualTo(2);
      assertThat(kube.expiredTokenRefusals()).isEqualTo(1);
      Config stale =
          new ConfigBuilder(Config.empty())
              .withMasterUrl(kube.apiServerUrl().toString())
              .withCaCertData(kube.certificateAuthorityData())
              .withOauthToken(firstToken)
              .withRequestRetryBackoffLimit(0)
              .build();
      try (KubernetesClient withExpiredToken = new KubernetesClientBuilder().withConfig(stale).build()) {
        KubernetesClientException refused =
            catchThrowableOfType(KubernetesClientException.class, () -> withExpiredToken.namespaces().list());
        assertThat(refused.getCode()).as("the expired token stays refused").isEqualTo(401);
      }
      assertThat(kube.adminClient().namespaces().withName("default").get())
          .as("the sandbox's own token never expires")
          .isNotNull();
    }
  }

  @Test
  void anUnknownClusterIsNotFoundAndAClosedProviderRefuses() {
    EksKubernetesClientProvider provider =
        new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());

    ApplicationFailure notFound =
        catchThrowableOfType(
            ApplicationFailure.class, () -> provider.forCluster(new ClusterRef("us-east-1", "nope")));
    assertThat(notFound.getType()).isEqualTo(FailureTypes.CLUSTER_NOT_FOUND);

    provider.close();
    assertThatThrownBy(() -> provider.forCluster(SHOP)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aKubeconfigContextOverridesDiscoveryForItsClusterOnly(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: shop
            cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
          - name: shop-admin
            user: {token: "%s"}
        contexts:
          - name: shop-admin
            context: {cluster: shop, user: shop-admin, namespace: default}
        current-context: shop-admin
        """
            .formatted(
                kube.apiServerUrl(),
                kube.certificateAuthorityData(),
                KubeCluster.tokenFor("shop")));
    KubernetesClientSettings settings =
        KubernetesClientSettings.defaults()
            .withKubeconfig(kubeconfig, Map.of("us-east-1/shop", "shop-admin"));

    try (EksKubernetesClientProvider provider = new EksKubernetesClientProvider(eks, settings)) {
      KubernetesClient client = provider.forCluster(SHOP);

      assertThat(client.namespaces().list().getItems()).extracting(Namespace::getMetadata).isNotEmpty();
      assertThat(provider.tokenSource(SHOP)).isEmpty();
      assertThat(client.getConfiguration().getRequestRetryBackoffLimit()).isZero();
    }
    KubernetesClientSettings wrongContext =
        KubernetesClientSettings.defaults()
            .withKubeconfig(kubeconfig, Map.of("us-east-1/shop", "prod-admin"));
    try (EksKubernetesClientProvider provider = new EksKubernetesClientProvider(eks, wrongContext)) {
      assertThatThrownBy(() -> provider.forCluster(SHOP))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no context prod-admin");
    }
  }

  @Test
  void settingsRefuseATokenRefreshTooLateForEks() {
    assertThatThrownBy(
            () ->
                new KubernetesClientSettings(
                    Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(15), null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("15 minutes");
  }
}
