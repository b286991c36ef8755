package io.eksupgrader.worker;

import static io.eksupgrader.worker.WorkerApplicationTest.freePort;
import static io.eksupgrader.worker.WorkerApplicationTest.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.eksupgrader.workflows.codec.PayloadEncryptionCodec;
import io.micronaut.context.ApplicationContext;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.testserver.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's client encrypts when a key file is configured, and refuses to start on a bad one. */
class PayloadEncryptionWorkerTest {

  @TempDir Path dir;

  private Path keyFile(String name, int bytes) throws Exception {
    byte[] key = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      key[i] = (byte) (i * 7 + name.length());
    }
    return Files.writeString(dir.resolve(name), Base64.getEncoder().encodeToString(key) + "\n");
  }

  @Test
  void withAKeyFileTheWorkersClientEncryptsAndStillReadsPlaintext() throws Exception {
    int port = freePort();
    Map<String, Object> properties = properties(port);
    properties.put("eks-upgrader.temporal.payload-encryption.key-file", keyFile("current", 32).toString());
    properties.put("eks-upgrader.temporal.payload-encryption.key-id", "2026-12");
    properties.put("eks-upgrader.temporal.payload-encryption.previous-key-files.2026-11", keyFile("old", 32).toString());
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port);
        ApplicationContext worker = WorkerApplication.start(properties)) {
      DataConverter converter = worker.getBean(WorkflowClient.class).getOptions().getDataConverter();

      Payload sealed = converter.toPayload(Map.of("gate", "data-plane")).orElseThrow();
      assertThat(PayloadEncryptionCodec.isEncrypted(sealed)).isTrue();
      assertThat(sealed.getMetadataOrThrow("encryption-key-id").toStringUtf8()).isEqualTo("2026-12");
      assertThat(converter.fromPayload(sealed, Map.class, Map.class)).isEqualTo(Map.of("gate", "data-plane"));

      Payload typedInTheUi =
          Payload.newBuilder()
              .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
              .setData(ByteString.copyFromUtf8("{\"gate\":\"data-plane\",\"by\":\"bob\"}"))
              .build();
      assertThat(converter.fromPayload(typedInTheUi, Map.class, Map.class)).containsEntry("by", "bob");
    }
  }

  @Test
  void withoutAKeyFilePayloadsStayPlain() throws Exception {
    int port = freePort();
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port);
        ApplicationContext worker = WorkerApplication.start(properties(port))) {
      DataConverter converter = worker.getBean(WorkflowClient.class).getOptions().getDataConverter();
      Payload payload = converter.toPayload("x").orElseThrow();
      assertThat(payload.getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo("json/plain");
    }
  }

  @Test
  void aShortKeyStopsTheWorkerNamingTheKey() throws Exception {
    int port = freePort();
    Map<String, Object> properties = properties(port);
    properties.put("eks-upgrader.temporal.payload-encryption.key-file", keyFile("short", 16).toString());
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port)) {
      assertThatThrownBy(() -> WorkerApplication.start(properties).close())
          .hasStackTraceContaining("eks-upgrader.temporal.payload-encryption.*")
          .hasStackTraceContaining("key 'primary' has 16 bytes; AES-256 needs 32");
    }
  }

  @Test
  void aMissingKeyFileStopsTheWorkerNamingTheSetting() throws Exception {
    int port = freePort();
    Map<String, Object> properties = properties(port);
    properties.put("eks-upgrader.temporal.payload-encryption.key-file", keyFile("current", 32).toString());
    properties.put(
        "eks-upgrader.temporal.payload-encryption.previous-key-files.old", dir.resolve("missing").toString());
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port)) {
      assertThatThrownBy(() -> WorkerApplication.start(properties).close())
          .hasStackTraceContaining("eks-upgrader.temporal.payload-encryption.previous-key-files.old: cannot read");
    }
  }
}
