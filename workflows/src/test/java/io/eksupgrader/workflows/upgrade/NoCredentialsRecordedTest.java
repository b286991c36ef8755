package io.eksupgrader.workflows.upgrade;

import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.approve;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** No credential reaches a recorded history or a log line. */
class NoCredentialsRecordedTest {

  private static final Path HISTORIES = Path.of("src/test/resources/histories");
  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");

  private final FakeEks eks = new FakeEks("1.33");
  private final FakeDataPlane nodes = new FakeDataPlane();

  @RegisterExtension
  final TestWorkflowExtension testWorkflow = ClusterUpgradeWorkflowTest.extension(eks, nodes);

  @Test
  void noGoldenHistoryHoldsACredential() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(HISTORIES)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("the golden histories").hasSizeGreaterThanOrEqualTo(13);
    List<String> findings = new ArrayList<>();
    int payloads = 0;
    for (Path file : files) {
      String json = Files.readString(file);
      payloads += CredentialScanner.payloadCount(json);
      findings.addAll(CredentialScanner.scanHistory(file.getFileName().toString(), json));
    }
    System.out.printf("scanned %d histories, %d payloads%n", files.size(), payloads);
    assertThat(payloads).as("payloads decoded and scanned").isGreaterThan(500);
    assertThat(findings).isEmpty();
  }

  @Test
  void theScannerFindsEachKindOfCredentialPlantedInAHistoryPayload() throws IOException {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/histories/control-plane-1.33.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(CredentialScanner.scanHistory("clean", json)).isEmpty();
    // Each sample is split so that this source file does not itself look like it leaks one.
    String planted =
        String.join(
            "\n",
            "k8s-aws-v1." + "aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20v",
            "AKIA" + "IOSFODNN7EXAMPLE",
            "ASIA" + "Y34FZKBOKMUTVV7A",
            "aws_secret" + "_access_key = x",
            "-----BEGIN RSA " + "PRIVATE KEY-----",
            "Authorization: " + "Bearer eyJhbGciOiJSUzI1NiJ9",
            "    client-key-data: " + "LS0tLS1CRUdJTiBSU0E=",
            "    token: " + "k8s-token-abcdefgh",
            "https://hooks.slack.com/" + "services/T000/B000/XXXX");
    String encoded = Base64.getEncoder().encodeToString(planted.getBytes(StandardCharsets.UTF_8));
    String firstData = json.replaceFirst("\"data\": \"[^\"]*\"", "\"data\": \"" + encoded + "\"");
    assertThat(firstData).isNotEqualTo(json);

    List<String> findings = CredentialScanner.scanHistory("planted", firstData);

    assertThat(findings)
        .as("found only inside the decoded payload: every sample, the two access key kinds apart")
        .allMatch(f -> f.startsWith("planted payload 0: "))
        .hasSize(9);
    assertThat(findings.stream().map(f -> f.split(": ")[1]).distinct())
        .as("every kind of credential")
        .containsExactlyInAnyOrderElementsOf(CredentialScanner.PATTERNS.keySet());
    assertThat(findings).noneMatch(f -> f.contains("IOSFODNN7EXAMPLE")).as("a finding never repeats the whole secret");
  }

  @Test
  void anUpgradeLogsNoCredential(WorkflowClient client, WorkflowOptions options) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      nodes.addGroup("apps", "1.33", 2);
      ClusterUpgradeWorkflow upgrade = DataPlaneWorkflowTest.start(client, options, DataPlaneWorkflowTest.options(1, 1));
      approve(client, upgrade, "control-plane-1.34");
      approve(client, upgrade, "data-plane");
      approve(client, upgrade, "teardown-apps");
      UpgradeResult result =
          client.newUntypedWorkflowStub(WorkflowIds.clusterUpgrade(CLUSTER)).getResult(UpgradeResult.class);
      assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    } finally {
      root.detachAppender(logs);
    }
    List<String> findings = new ArrayList<>();
    List<ILoggingEvent> events = List.copyOf(logs.list);
    for (ILoggingEvent event : events) {
      String line = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      findings.addAll(CredentialScanner.scan(event.getLoggerName(), line));
    }
    System.out.printf("scanned %d log events%n", events.size());
    assertThat(events).as("the workflows log as they go").isNotEmpty();
    assertThat(findings).isEmpty();
  }
}
