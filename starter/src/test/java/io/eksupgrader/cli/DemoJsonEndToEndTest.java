package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --json}: people read the upgrade on stderr, a program reads one document on stdout. */
class DemoJsonEndToEndTest {

  private static final String SCENARIO =
      """
      name: small
      timeScale: 600
      clusters:
        - name: tiny
          region: ap-south-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 1, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: apps}}
      """;

  @Test
  void theDemoInJsonPrintsOneDocumentWithTheOutcomeTheStatusAndTheCalls(@TempDir Path dir) throws Exception {
    Path scenario = Files.writeString(dir.resolve("small.yaml"), SCENARIO);

    CliRun run = CliRun.of("demo", "--json", "--auto-approve", "--scenario", scenario.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    JsonNode doc = CliJson.MAPPER.readTree(run.out());
    assertThat(doc.path("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(doc.path("exitCode").asInt()).isEqualTo(ExitCodes.OK);
    assertThat(doc.path("status").path("currentVersion").asText()).isEqualTo("1.34");
    assertThat(doc.path("calls").findValuesAsText("operation")).contains("UpdateClusterVersion", "CreateNodegroup");
    assertThat(run.err()).contains("Plan for ap-south-1/tiny: 1.33 → 1.34").contains("approved gate control-plane-1.34");
  }
}
