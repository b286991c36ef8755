package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.upgrade.CredentialScanner;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's whole upgrade through the real worker in its own JVM (its log at DEBUG for
 * io.eksupgrader, where tokens would leak first) and the CLI, with every credential the worker
 * handles in play: EKS bearer tokens for the API servers and for Helm (Karpenter's and Istio's
 * charts), SigV4 keys, and a Prometheus behind a bearer token. The worker's log, everything the CLI printed and the full histories of the
 * upgrade and of every child workflow hold none of them, by pattern (the workflows' {@link
 * CredentialScanner}) and by the exact secret values this test configured.
 */
class LogSecretScanEndToEndTest {

  private static final String QUEUE = "secret-scan";
  private static final ClusterRef DEMO = new ClusterRef("us-east-1", "demo");

  /** An access key id of AWS's shape, so that the scanner's pattern would see it leak. */
  private static final String ACCESS_KEY_ID = "AKIA" + "SANDBOXSECRETSCN";

  private final String secretAccessKey = "sandbox-secret-" + UUID.randomUUID();
  private final String prometheusToken = "prom-token-" + UUID.randomUUID();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aWholeUpgradeLeavesNoCredentialInTheWorkersLogTheCliOutputOrAnyHistory() throws Exception {
    Path work = Path.of("target", "secret-scan");
    Files.createDirectories(work);
    Path tokenFile = Files.writeString(work.resolve("prometheus-token"), prometheusToken);
    Path logConfig = Files.writeString(work.resolve("logback-debug.xml"), DEBUG_LOGGING);
    Path workerLog = work.resolve("worker.log");
    Files.deleteIfExists(workerLog);

    try (LocalEnvironment env = LocalEnvironment.start(demoBehindAuthentication(), 0, 0, QUEUE)) {
      Map<String, Object> properties = env.workerProperties();
      properties.put("micronaut.server.port", -1);
      properties.put("logback.configurationFile", logConfig.toAbsolutePath());
      properties.put("eks-upgrader.aws.access-key-id", ACCESS_KEY_ID);
      properties.put("eks-upgrader.aws.secret-access-key", secretAccessKey);
      properties.put("eks-upgrader.health.bearer-token-file", tokenFile.toAbsolutePath());

      List<CliRun> runs = new ArrayList<>();
      Map<String, WorkflowExecutionHistory> histories = new LinkedHashMap<>();
      try (WorkerProcess worker = WorkerProcess.start(properties, workerLog)) {
        String[] where = {
          "--temporal", env.temporalTarget(), "--task-queue", QUEUE, "--identity", "alice",
          "--cluster", DEMO.name(), "--region", DEMO.region()
        };
        CliRun watched =
            CliRun.of(
                CliRun.concat(
                    new String[] {
                      "start", "--to", "1.34", "--auto-approve", "--delete-emptydir-data", "--drain-force",
                      "--karpenter-chart-source", env.chartSource(), "--istio-chart-source", env.chartSource(),
                      "--prometheus-url", env.sandbox.prometheusUrl().toString(), "--health-interval", "5s", "--watch"
                    },
                    where));
        runs.add(watched);
        assertThat(watched.exitCode()).as(watched + worker.logText()).isEqualTo(ExitCodes.OK);
        runs.add(CliRun.of(CliRun.concat(new String[] {"status", "--json"}, where)));
        runs.add(CliRun.of("calls", "--sandbox", env.sandbox.endpoint().toString()));
        try (TemporalConnection connection = env.connect(QUEUE)) {
          histories.putAll(historiesFrom(connection, WorkflowIds.clusterUpgrade(DEMO)));
        }
      }

      String log = Files.readString(workerLog);
      List<String> findings = new ArrayList<>(scan("worker log", log));
      for (int i = 0; i < runs.size(); i++) {
        findings.addAll(scan("cli run " + i + " out", runs.get(i).out()));
        findings.addAll(scan("cli run " + i + " err", runs.get(i).err()));
      }
      int payloads = 0;
      for (Map.Entry<String, WorkflowExecutionHistory> history : histories.entrySet()) {
        payloads += CredentialScanner.payloadCount(history.getValue());
        findings.addAll(CredentialScanner.scanHistory(history.getKey(), history.getValue()));
        findings.addAll(knownSecrets(history.getKey(), history.getValue().toJson(true)));
      }
      System.out.printf(
          "scanned a worker log of %d lines (%d at DEBUG), %d CLI runs, %d histories with %d payloads%n",
          log.lines().count(), log.lines().filter(l -> l.contains(" DEBUG ")).count(), runs.size(), histories.size(), payloads);

      assertThat(log).as("the worker logged at DEBUG").contains(" DEBUG ");
      assertThat(log)
          .as("Prometheus answered the worker's token: a refused query would have been a breach")
          .containsPattern("Health gates before gate control-plane-1\\.33 at \\S+: 5 read, no breach");
      assertThat(histories.keySet())
          .as("the upgrade and its children: control planes, node groups")
          .contains(WorkflowIds.clusterUpgrade(DEMO), WorkflowIds.clusterUpgrade(DEMO) + "/control-plane-1.33")
          .anyMatch(id -> id.contains("/nodegroup-apps"));
      assertThat(payloads).as("payloads decoded and scanned").isGreaterThan(100);
      assertThat(findings).isEmpty();
    }
  }

  private static final String DEBUG_LOGGING =
      """
      <configuration>
        <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
        </appender>
        <logger name="io.eksupgrader" level="DEBUG"/>
        <logger name="io.temporal" level="WARN"/>
        <logger name="io.grpc" level="WARN"/>
        <logger name="io.micronaut" level="WARN"/>
        <root level="INFO"><appender-ref ref="STDOUT"/></root>
      </configuration>
      """;

  /** The demo's scenario with its Prometheus answering only requests that carry the token. */
  private Scenario demoBehindAuthentication() throws IOException {
    String demo;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(Scenarios.DEMO)) {
      demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String protectedDemo =
        demo.replace("\nprometheus:\n", "\nprometheus:\n  bearerToken: " + prometheusToken + "\n")
            // Faster simulated time than the demo's: the scan needs the calls, not the pace.
            .replace("\ntimeScale: 600\n", "\ntimeScale: 3000\n");
    assertThat(protectedDemo).contains("bearerToken: ").contains("timeScale: 3000");
    return Scenario.parse(protectedDemo, QUEUE);
  }

  private List<String> scan(String where, String text) {
    List<String> findings = new ArrayList<>(CredentialScanner.scan(where, text));
    findings.addAll(knownSecrets(where, text));
    return findings;
  }

  /** The secrets this test configured, wherever they appear, also inside a history's JSON. */
  private List<String> knownSecrets(String where, String text) {
    List<String> findings = new ArrayList<>();
    Map.of("AWS secret access key", secretAccessKey, "Prometheus bearer token", prometheusToken)
        .forEach((kind, secret) -> {
          if (text.contains(secret)) {
            findings.add(where + ": " + kind);
          }
        });
    return findings;
  }

  /** The upgrade's history and, following the child workflows each one started, theirs. */
  private static Map<String, WorkflowExecutionHistory> historiesFrom(TemporalConnection connection, String rootId) {
    Map<String, WorkflowExecutionHistory> histories = new LinkedHashMap<>();
    Deque<String> ids = new ArrayDeque<>(List.of(rootId));
    while (!ids.isEmpty()) {
      String id = ids.removeFirst();
      if (histories.containsKey(id)) {
        continue;
      }
      WorkflowExecutionHistory history = connection.client.fetchHistory(id);
      histories.put(id, history);
      for (HistoryEvent event : history.getEvents()) {
        if (event.hasStartChildWorkflowExecutionInitiatedEventAttributes()) {
          ids.add(event.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
        }
      }
    }
    return histories;
  }
}
