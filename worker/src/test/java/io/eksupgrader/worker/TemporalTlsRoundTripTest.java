package io.eksupgrader.worker;

import static io.eksupgrader.worker.TemporalConnectionOptionsTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The worker against Temporal's test server behind real TLS that requires a client certificate
 * (as a self-hosted frontend with requireClientAuth does), and with an API key (as Temporal Cloud
 * takes it). The server's certificate names temporal.eks-upgrader.test, not 127.0.0.1.
 */
class TemporalTlsRoundTripTest {

  private static final String SERVER_NAME = "temporal.eks-upgrader.test";

  @TempDir Path dir;

  private TestServicesStarter services;
  private Server server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startTlsTemporal() throws Exception {
    services = new TestServicesStarter(true, 0);
    ServerBuilder<?> builder = Grpc.newServerBuilderForPort(0,
        TlsServerCredentials.newBuilder()
            .keyManager(fixture("server.pem").toFile(), fixture("server.key").toFile())
            .trustManager(fixture("ca.pem").toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder, List.of(recordAuthorization()));
    server = builder.build().start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
    services.close();
  }

  @Test
  void theWorkerPollsThroughMtlsAndHealthSaysServing() throws Exception {
    Map<String, Object> properties = workerProperties();
    properties.put("eks-upgrader.temporal.tls.cert-file", fixture("client.pem").toString());
    properties.put("eks-upgrader.temporal.tls.key-file", fixture("client.key").toString());

    try (ApplicationContext worker = WorkerApplication.start(properties)) {
      assertThat(worker.getBean(UpgradeWorker.class).isStarted()).isTrue();
      HttpResponse<String> health = health(worker);

      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      assertThat(health.body()).contains("\"frontend\":\"SERVING\"").contains("\"polling\":true");
    }
  }

  @Test
  void withoutAClientCertificateTheServerRefusesTheHandshake() throws Exception {
    try (Stubs stubs = stubs(tls())) {
      assertThatThrownBy(() -> stubs.get().blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAVAILABLE");
    }
  }

  @Test
  void aServerCertificateForAnotherNameIsRefusedUnlessServerNameSaysSo() throws Exception {
    TemporalTlsSettings tls = mtls();
    tls.setServerName("");
    try (Stubs stubs = stubs(tls)) {
      assertThatThrownBy(() -> stubs.get().blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAVAILABLE");
    }
    try (Stubs stubs = stubs(mtls())) {
      assertThat(stubs.get().blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance())).isNotNull();
    }
  }

  @Test
  void aServerSignedByAnotherCaIsRefused() throws Exception {
    TemporalTlsSettings tls = mtls();
    tls.setCaFile(fixture("other-ca.pem").toString());
    try (Stubs stubs = stubs(tls)) {
      assertThatThrownBy(() -> stubs.get().blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAVAILABLE");
    }
  }

  @Test
  void theApiKeyFromItsFileIsSentAsABearerTokenAndARotatedOneAtOnce() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("api-key"), TemporalConnectionOptionsTest.SECRET_API_KEY + "\n");
    Map<String, Object> properties = workerProperties();
    properties.put("eks-upgrader.temporal.tls.cert-file", fixture("client.pem").toString());
    properties.put("eks-upgrader.temporal.tls.key-file", fixture("client.key").toString());
    properties.put("eks-upgrader.temporal.api-key-file", keyFile.toString());

    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    try (ApplicationContext worker = WorkerApplication.start(properties)) {
      assertThat(health(worker).statusCode()).isEqualTo(200);
      assertThat(authorizations).contains("Bearer " + TemporalConnectionOptionsTest.SECRET_API_KEY);

      Files.writeString(keyFile, "rotated-key");
      Files.setLastModifiedTime(keyFile, FileTime.fromMillis(Files.getLastModifiedTime(keyFile).toMillis() + 2000));
      authorizations.clear();
      assertThat(health(worker).statusCode()).isEqualTo(200);
      assertThat(authorizations).isNotEmpty().allMatch("Bearer rotated-key"::equals);
    } finally {
      root.detachAppender(logs);
    }
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list)
        .as("no log line shows the API key")
        .noneMatch(e -> e.getFormattedMessage().contains(TemporalConnectionOptionsTest.SECRET_API_KEY)
            || e.getFormattedMessage().contains("rotated-key"));
  }

  // ---------------------------------------------------------------------------------------------

  private Map<String, Object> workerProperties() throws Exception {
    Map<String, Object> p = new HashMap<>();
    p.put("eks-upgrader.temporal.target", "127.0.0.1:" + server.getPort());
    p.put("eks-upgrader.temporal.task-queue", "tls-test");
    p.put("eks-upgrader.temporal.tls.enabled", "true");
    p.put("eks-upgrader.temporal.tls.ca-file", fixture("ca.pem").toString());
    p.put("eks-upgrader.temporal.tls.server-name", SERVER_NAME);
    p.put("eks-upgrader.aws.endpoint-override", "http://127.0.0.1:9");
    p.put("eks-upgrader.aws.access-key-id", "sandbox");
    p.put("eks-upgrader.aws.secret-access-key", "sandbox");
    p.put("micronaut.server.port", -1);
    return p;
  }

  private static TemporalTlsSettings tls() throws Exception {
    TemporalTlsSettings tls = new TemporalTlsSettings();
    tls.setEnabled(true);
    tls.setCaFile(fixture("ca.pem").toString());
    tls.setServerName(SERVER_NAME);
    return tls;
  }

  private static TemporalTlsSettings mtls() throws Exception {
    TemporalTlsSettings tls = tls();
    tls.setCertFile(fixture("client.pem").toString());
    tls.setKeyFile(fixture("client.key").toString());
    return tls;
  }

  private Stubs stubs(TemporalTlsSettings tls) {
    TemporalSettings temporal = new TemporalSettings();
    temporal.setTarget("127.0.0.1:" + server.getPort());
    return new Stubs(WorkflowServiceStubs.newServiceStubs(TemporalConnectionOptions.build(temporal, tls).build()));
  }

  /** Closes the stubs' channel at the end of a try block. */
  private record Stubs(WorkflowServiceStubs get) implements AutoCloseable {
    @Override
    public void close() {
      get.shutdownNow();
    }
  }

  private static HttpResponse<String> health(ApplicationContext worker) throws Exception {
    URI health = worker.getBean(EmbeddedServer.class).getURI().resolve("/health");
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
  }

  private ServerInterceptor recordAuthorization() {
    Metadata.Key<String> authorization = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String value = headers.get(authorization);
        if (value != null) {
          authorizations.add(value);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {};
      }
    };
  }
}
