package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of four sandbox clusters in two waves, through the real worker and CLI: dev one at a
 * time, a short soak, then the prod wave's gate holds until {@code fleet approve}, and prod runs two
 * at once. Each cluster's upgrade is its own workflow, so {@code status --cluster} shows it too.
 */
class FleetEndToEndTest {

  private static final String SCENARIO =
      """
      name: fleet
      timeScale: 600
      clusters:
        - {name: dev-1, region: us-east-1, version: "1.33", nodeGroups: [{name: apps, version: "1.33", desiredSize: 1}]}
        - {name: dev-2, region: us-east-1, version: "1.33", nodeGroups: [{name: apps, version: "1.33", desiredSize: 1}]}
        - {name: prod-1, region: us-east-1, version: "1.33", nodeGroups: [{name: apps, version: "1.33", desiredSize: 1}]}
        - {name: prod-2, region: us-east-1, version: "1.33", nodeGroups: [{name: apps, version: "1.33", desiredSize: 1}]}
      """;

  private static final String FLEET =
      """
      name: e2e
      targetVersion: "1.34"
      region: us-east-1
      defaults:
        autoApprove: true
      waves:
        - name: dev
          concurrency: 1
          soak: 2s
          clusters: [dev-1, dev-2]
        - name: prod
          concurrency: 2
          clusters: [prod-1, {cluster: prod-2, nodeGroupConcurrency: 1}]
      """;

  @TempDir Path dir;

  private LocalEnvironment env;

  private String[] on(String... command) {
    return CliRun.concat(command, "--temporal", env.temporalTarget(), "--task-queue", "fleet-e2e", "--identity", "alice");
  }

  private JsonNode fleetStatus() throws Exception {
    CliRun run = CliRun.of(on("fleet", "status", "--name", "e2e", "--json"));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    return CliJson.MAPPER.readTree(run.out());
  }

  private List<String> upgradedClusters() {
    return env.sandbox.callLog().entries("UpdateClusterVersion").stream()
        .filter(e -> e.effect() == CallLog.Effect.CREATED)
        .map(CallLog.Entry::cluster)
        .toList();
  }

  @Test
  void twoWavesUpgradeInOrderAndTheProdWaveWaitsForItsGate() throws Exception {
    env = LocalEnvironment.start(Scenario.parse(SCENARIO, "fleet"), 0, 0, "fleet-e2e");
    try {
      env.startWorker();
      Path spec = dir.resolve("fleet.yaml");
      Files.writeString(spec, FLEET);

      CliRun started = CliRun.of(on("fleet", "start", "--spec", spec.toString()));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
      assertThat(started.out()).contains("Started fleet eks-fleet/e2e").contains("4 cluster(s) in 2 wave(s): dev → prod");
      CliRun again = CliRun.of(on("fleet", "start", "--spec", spec.toString()));
      assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.REFUSED);
      assertThat(again.err()).contains("fleet e2e is already running");

      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> fleetStatus().path("openGate").path("gate").asText().equals("wave-prod"));
      assertThat(upgradedClusters()).as("the gate holds prod back").containsExactly("dev-1", "dev-2");
      CliRun table = CliRun.of(on("fleet", "status", "--name", "e2e"));
      assertThat(table.out())
          .contains("Wave dev — SUCCEEDED (concurrency 1, soak 2s")
          .contains("Wave prod — AWAITING_APPROVAL (concurrency 2, gate wave-prod)")
          .containsPattern("us-east-1/dev-2 +SUCCEEDED +1.34")
          .containsPattern("us-east-1/prod-1 +PENDING")
          .contains("Open gate wave-prod")
          .contains("eks-upgrader fleet approve --name e2e --wave prod");
      CliRun devAlone = CliRun.of(on("status", "--cluster", "dev-1", "--region", "us-east-1", "--json"));
      assertThat(CliJson.MAPPER.readTree(devAlone.out()).path("outcome").asText()).as(devAlone.toString()).isEqualTo("SUCCEEDED");

      CliRun wrong = CliRun.of(on("fleet", "approve", "--name", "e2e", "--wave", "dev"));
      assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(ExitCodes.REFUSED);
      assertThat(wrong.err()).contains("unknown gate 'wave-dev'");
      CliRun approved = CliRun.of(on("fleet", "approve", "--name", "e2e", "--wave", "prod", "--comment", "dev is fine"));
      assertThat(approved.exitCode()).as(approved.toString()).isEqualTo(ExitCodes.OK);
      assertThat(approved.out()).contains("approved gate wave-prod");

      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> !fleetStatus().path("outcome").asText().equals("RUNNING"));
      JsonNode end = fleetStatus();
      assertThat(end.path("outcome").asText()).as(end.toString()).isEqualTo("SUCCEEDED");
      assertThat(end.findValuesAsText("state")).containsOnly("SUCCEEDED");
      assertThat(upgradedClusters()).as("each cluster's control plane moved once, dev before prod")
          .hasSize(4).startsWith("dev-1", "dev-2").containsOnlyOnce("prod-1", "prod-2");
    } finally {
      env.close();
    }
  }
}
