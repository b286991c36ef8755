package io.eksupgrader.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Temporal connection settings: plaintext unless told otherwise, and every inconsistent or
 * unreadable setting refused before the worker polls, with the key to fix. The certificates are
 * test fixtures made by {@code src/test/resources/temporal-tls/generate.sh}.
 */
class TemporalConnectionOptionsTest {

  static final String SECRET_API_KEY = "tmprl-test-key-that-must-never-be-printed";

  @TempDir Path dir;

  @Test
  void plaintextIsTheDefault() {
    try (ApplicationContext context = ApplicationContext.run(Map.of("eks-upgrader.worker.enabled", "false"))) {
      WorkflowServiceStubsOptions options = TemporalConnectionOptions.build(
          context.getBean(TemporalSettings.class), context.getBean(TemporalTlsSettings.class)).build();

      assertThat(options.getSslContext()).isNull();
      assertThat(options.getEnableHttps()).isNotEqualTo(Boolean.TRUE);
      assertThat(options.getGrpcMetadataProviders()).isNullOrEmpty();
      assertThat(TemporalConnectionOptions.describe(
          context.getBean(TemporalSettings.class), context.getBean(TemporalTlsSettings.class))).isEqualTo("plaintext");
    }
  }

  @Test
  void aClientCertificateKeyAndCaMakeAnMtlsContext() throws Exception {
    TemporalTlsSettings tls = tls();
    tls.setCertFile(fixture("client.pem").toString());
    tls.setKeyFile(fixture("client.key").toString());
    tls.setCaFile(fixture("ca.pem").toString());
    tls.setServerName("temporal.eks-upgrader.test");

    WorkflowServiceStubsOptions options = TemporalConnectionOptions.build(new TemporalSettings(), tls).build();

    assertThat(options.getSslContext()).isNotNull();
    assertThat(options.getSslContext().isClient()).isTrue();
    assertThat(options.getChannelInitializer()).as("the server name override").isNotNull();
    assertThat(TemporalConnectionOptions.describe(new TemporalSettings(), tls))
        .startsWith("mTLS (client certificate " + fixture("client.pem"))
        .contains("checked against " + fixture("ca.pem") + " as temporal.eks-upgrader.test");
  }

  @Test
  void tlsWithoutFilesTrustsTheJvmsStoreAsForTemporalCloud() {
    WorkflowServiceStubsOptions options = TemporalConnectionOptions.build(new TemporalSettings(), tls()).build();

    assertThat(options.getSslContext()).isNotNull();
    assertThat(options.getChannelInitializer()).isNull();
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedNamingBothKeys() throws Exception {
    TemporalTlsSettings tls = tls();
    tls.setCertFile(fixture("client.pem").toString());

    assertThatThrownBy(() -> TemporalConnectionOptions.build(new TemporalSettings(), tls))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("eks-upgrader.temporal.tls.cert-file is set without eks-upgrader.temporal.tls.key-file");
  }

  @Test
  void aKeyWithoutItsCertificateIsRefused() throws Exception {
    TemporalTlsSettings tls = tls();
    tls.setKeyFile(fixture("client.key").toString());

    assertThatThrownBy(() -> TemporalConnectionOptions.build(new TemporalSettings(), tls))
        .hasMessageContaining("eks-upgrader.temporal.tls.key-file is set without eks-upgrader.temporal.tls.cert-file");
  }

  @Test
  void missingFilesAreNamedWithTheirKeysAllAtOnce() {
    TemporalTlsSettings tls = tls();
    tls.setCertFile("/etc/eks-upgrader/temporal-tls/tls.crt");
    tls.setKeyFile("/etc/eks-upgrader/temporal-tls/tls.key");
    tls.setCaFile("/etc/eks-upgrader/temporal-tls/ca.crt");

    assertThatThrownBy(() -> TemporalConnectionOptions.build(new TemporalSettings(), tls))
        .hasMessageContaining("eks-upgrader.temporal.tls.cert-file: /etc/eks-upgrader/temporal-tls/tls.crt does not exist")
        .hasMessageContaining("eks-upgrader.temporal.tls.key-file: /etc/eks-upgrader/temporal-tls/tls.key does not exist")
        .hasMessageContaining("eks-upgrader.temporal.tls.ca-file: /etc/eks-upgrader/temporal-tls/ca.crt does not exist");
  }

  @Test
  void filesWhileTlsIsOffAreRefusedRatherThanIgnored() throws Exception {
    TemporalTlsSettings tls = new TemporalTlsSettings();
    tls.setCaFile(fixture("ca.pem").toString());
    tls.setServerName("temporal.eks-upgrader.test");

    assertThatThrownBy(() -> TemporalConnectionOptions.build(new TemporalSettings(), tls))
        .hasMessageContaining("eks-upgrader.temporal.tls.ca-file is set but eks-upgrader.temporal.tls.enabled is false")
        .hasMessageContaining("eks-upgrader.temporal.tls.server-name is set but eks-upgrader.temporal.tls.enabled is false");
  }

  @Test
  void aSec1KeyIsRefusedWithTheConversionCommand() throws Exception {
    TemporalTlsSettings tls = tls();
    tls.setCertFile(fixture("client.pem").toString());
    tls.setKeyFile(fixture("client-sec1.key").toString());

    assertThatThrownBy(() -> TemporalConnectionOptions.build(new TemporalSettings(), tls))
        .hasMessageContaining("eks-upgrader.temporal.tls.key-file")
        .hasMessageContaining("reads PKCS#8")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in client-sec1.key");
  }

  @Test
  void filesSwappedAreRefused() throws Exception {
    TemporalTlsSettings tls = tls();
    tls.setCertFile(fixture("client.key").toString());
    tls.setKeyFile(fixture("client.pem").toString());

    assertThatThrownBy(() -> TemporalConnectionOptions.build(new TemporalSettings(), tls))
        .hasMessageContaining("eks-upgrader.temporal.tls.cert-file: " + fixture("client.key") + " holds no PEM certificate")
        .hasMessageContaining("eks-upgrader.temporal.tls.key-file: " + fixture("client.pem") + " holds no PEM private key");
  }

  @Test
  void aCertificateThatDoesNotMatchItsKeyIsRefused() throws Exception {
    TemporalTlsSettings tls = tls();
    tls.setCertFile(fixture("client.pem").toString());
    tls.setKeyFile(fixture("server.key").toString());

    assertThatThrownBy(() -> TemporalConnectionOptions.build(new TemporalSettings(), tls))
        .hasMessageContaining("eks-upgrader.temporal.tls.key-file: the key in " + fixture("server.key")
            + " is not the key of the certificate in " + fixture("client.pem"));
  }

  @Test
  void anApiKeyIsSentOnlyOverTlsAndNeverShownInTheMessage() {
    TemporalSettings temporal = new TemporalSettings();
    temporal.setApiKey(SECRET_API_KEY);

    assertThatThrownBy(() -> TemporalConnectionOptions.build(temporal, new TemporalTlsSettings()))
        .hasMessageContaining("eks-upgrader.temporal.api-key is set but eks-upgrader.temporal.tls.enabled is false")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET_API_KEY));
    assertThat(TemporalConnectionOptions.describe(temporal, tls())).doesNotContain(SECRET_API_KEY);
  }

  @Test
  void anApiKeyAndAnApiKeyFileTogetherAreRefused() throws IOException {
    TemporalSettings temporal = new TemporalSettings();
    temporal.setApiKey(SECRET_API_KEY);
    temporal.setApiKeyFile(Files.writeString(dir.resolve("api-key"), SECRET_API_KEY).toString());

    assertThatThrownBy(() -> TemporalConnectionOptions.build(temporal, tls()))
        .hasMessageContaining("eks-upgrader.temporal.api-key and eks-upgrader.temporal.api-key-file are both set")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET_API_KEY));
  }

  @Test
  void anApiKeyFileThatIsMissingOrEmptyIsRefused() throws IOException {
    TemporalSettings missing = new TemporalSettings();
    missing.setApiKeyFile(dir.resolve("nope").toString());
    TemporalSettings empty = new TemporalSettings();
    empty.setApiKeyFile(Files.writeString(dir.resolve("empty"), "\n").toString());

    assertThatThrownBy(() -> TemporalConnectionOptions.build(missing, tls()))
        .hasMessageContaining("eks-upgrader.temporal.api-key-file: " + dir.resolve("nope") + " does not exist");
    assertThatThrownBy(() -> TemporalConnectionOptions.build(empty, tls()))
        .hasMessageContaining("eks-upgrader.temporal.api-key-file: " + dir.resolve("empty") + " is empty");
  }

  @Test
  void anApiKeyFileIsReadAgainWhenTheSecretChanges() throws Exception {
    Path file = Files.writeString(dir.resolve("api-key"), "first-key\n");
    ApiKeyFile key = new ApiKeyFile("eks-upgrader.temporal.api-key-file", file);
    assertThat(key.supply()).isEqualTo("first-key");

    Files.writeString(file, "second-key");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
    assertThat(key.supply()).isEqualTo("second-key");

    Files.delete(file);
    assertThat(key.supply()).as("a file briefly gone keeps the last key").isEqualTo("second-key");
    assertThat(key.toString()).doesNotContain("second-key");
  }

  @Test
  void theWorkerDoesNotStartWithABadConnectionAndSaysWhichKey() throws Exception {
    Map<String, Object> properties = new HashMap<>();
    properties.put("eks-upgrader.temporal.target", "127.0.0.1:9");
    properties.put("eks-upgrader.temporal.tls.enabled", "true");
    properties.put("eks-upgrader.temporal.tls.cert-file", fixture("client.pem").toString());
    properties.put("eks-upgrader.aws.endpoint-override", "http://127.0.0.1:9");
    properties.put("eks-upgrader.aws.access-key-id", "sandbox");
    properties.put("eks-upgrader.aws.secret-access-key", "sandbox");
    properties.put("micronaut.server.port", -1);

    assertThatThrownBy(() -> WorkerApplication.start(properties).close())
        .hasStackTraceContaining("eks-upgrader.temporal.tls.cert-file is set without eks-upgrader.temporal.tls.key-file");
  }

  private static TemporalTlsSettings tls() {
    TemporalTlsSettings tls = new TemporalTlsSettings();
    tls.setEnabled(true);
    return tls;
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(TemporalConnectionOptionsTest.class.getResource("/temporal-tls/" + name).toURI());
  }
}
