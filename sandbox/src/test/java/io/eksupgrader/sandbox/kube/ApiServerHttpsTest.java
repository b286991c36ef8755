package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server is reached as an EKS endpoint is: over https, its certificate verified with the CA
 * data DescribeCluster reports and nothing else.
 */
class ApiServerHttpsTest {

  private TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = TestCluster.builder().nodeGroup("blue", 1).start();
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private SSLContext trustingOnlyTheReportedCa() throws Exception {
    byte[] pem = Base64.getDecoder().decode(cluster.kube.certificateAuthorityData());
    X509Certificate ca =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("eks", ca);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static HttpResponse<String> get(HttpClient client, URI base, String path)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + KubeCluster.tokenFor(TestCluster.CLUSTER))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFabric8ClientGivenTheCaDataListsOverHttps() {
    assertThat(cluster.kube.apiServerUrl().toString()).startsWith("https://127.0.0.1:");
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(cluster.kube.apiServerUrl().toString())
            .withCaCertData(cluster.kube.certificateAuthorityData())
            .withOauthToken(KubeCluster.tokenFor(TestCluster.CLUSTER))
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(client.nodes().list().getItems())
          .extracting(n -> n.getMetadata().getName())
          .containsExactlyElementsOf(cluster.nodes("blue"));
      assertThat(client.getKubernetesVersion().getMinor()).isEqualTo("32");
    }
  }

  @Test
  void theCertificateVerifiesFor127001AndLocalhostAndIsItsOwnCa() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trustingOnlyTheReportedCa()).build();
    URI byIp = cluster.kube.apiServerUrl();
    URI byName = URI.create("https://localhost:" + byIp.getPort());

    for (URI base : List.of(byIp, byName)) {
      HttpResponse<String> nodes = get(client, base, "/api/v1/nodes");
      assertThat(nodes.statusCode()).as("%s", base).isEqualTo(200);
      assertThat(nodes.version()).as("no ALPN: HTTP/1.1").isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(nodes.body()).contains(cluster.nodes("blue").get(0));
    }
    X509Certificate presented =
        (X509Certificate)
            get(client, byIp, "/version").sslSession().orElseThrow().getPeerCertificates()[0];
    assertThat(presented.getBasicConstraints()).as("CA:TRUE").isGreaterThanOrEqualTo(0);
    assertThat(presented.getNotAfter().toInstant().toString()).startsWith("2125-");
  }

  @Test
  void aClientThatDoesNotTrustTheCaIsRefusedAndTheServerKeepsServing() throws Exception {
    HttpClient untrusting = HttpClient.newHttpClient();

    assertThatThrownBy(() -> get(untrusting, cluster.kube.apiServerUrl(), "/version"))
        .isInstanceOf(SSLHandshakeException.class);

    HttpClient trusting = HttpClient.newBuilder().sslContext(trustingOnlyTheReportedCa()).build();
    assertThat(get(trusting, cluster.kube.apiServerUrl(), "/version").statusCode()).isEqualTo(200);
  }
}
