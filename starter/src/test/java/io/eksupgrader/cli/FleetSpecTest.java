package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.workflows.fleet.FailureMode;
import io.eksupgrader.workflows.fleet.FleetRequest;
import io.eksupgrader.workflows.fleet.FleetWave;
import io.eksupgrader.workflows.model.UpgradeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet spec: strict like an upgrade spec, each cluster entry an upgrade spec over the defaults. */
class FleetSpecTest {

  private static final String SPEC =
      """
      name: platform
      targetVersion: "1.34"
      region: eu-west-1
      onFailure: continue
      maxFailures: 2
      approvals: {fourEyes: true, approvers: [alice, bob]}
      defaults:
        autoApprove: true
        drain: {timeout: 10m, concurrency: 2}
      waves:
        - name: dev
          concurrency: 2
          soak: 30m
          clusters: [dev-1, {cluster: dev-2, region: us-east-1, drain: {concurrency: 3}}]
        - name: prod
          clusters: [{cluster: prod-1, targetVersion: "1.33", autoApprove: false}]
      """;

  @TempDir Path dir;

  @Test
  void wavesClustersAndDefaultsAreReadAndEachEntryOverridesTheDefaultsKeyByKey() {
    FleetRequest fleet = FleetSpec.parse(SPEC, "fleet.yaml", false, "carol");

    assertThat(fleet.name()).isEqualTo("platform");
    assertThat(fleet.onFailure()).isEqualTo(FailureMode.CONTINUE);
    assertThat(fleet.maxFailures()).isEqualTo(2);
    assertThat(fleet.autoApprove()).isFalse();
    assertThat(fleet.approvals().fourEyes()).isTrue();
    assertThat(fleet.approvals().approvers()).containsEntry("*", java.util.List.of("alice", "bob"));
    FleetWave dev = fleet.waves().get(0);
    assertThat(dev.concurrency()).isEqualTo(2);
    assertThat(dev.soakSeconds()).isEqualTo(1800);
    assertThat(dev.gate()).as("the first wave has no gate by default").isFalse();
    assertThat(fleet.waves().get(1).gate()).as("later waves have one").isTrue();
    assertThat(fleet.waves().get(1).concurrency()).isEqualTo(1);
    UpgradeRequest dev1 = dev.clusters().get(0);
    UpgradeRequest dev2 = dev.clusters().get(1);
    assertThat(dev1.cluster().toString()).isEqualTo("eu-west-1/dev-1");
    assertThat(dev1.targetVersion()).isEqualTo("1.34");
    assertThat(dev1.requestedBy()).isEqualTo("carol");
    assertThat(dev1.options().autoApprove()).isTrue();
    assertThat(dev1.options().drain().timeoutSeconds()).isEqualTo(600);
    assertThat(dev2.cluster().toString()).isEqualTo("us-east-1/dev-2");
    assertThat(dev2.options().drain().concurrency()).isEqualTo(3);
    assertThat(dev2.options().drain().timeoutSeconds()).as("the rest of the default's drain section stays").isEqualTo(600);
    UpgradeRequest prod1 = fleet.waves().get(1).clusters().get(0);
    assertThat(prod1.targetVersion()).isEqualTo("1.33");
    assertThat(prod1.options().autoApprove()).isFalse();
  }

  @Test
  void autoApproveFromTheCommandLineCoversWaveGatesAndEveryCluster() {
    FleetRequest fleet = FleetSpec.parse(SPEC, "fleet.yaml", true, "carol");
    assertThat(fleet.autoApprove()).isTrue();
    assertThat(fleet.waves().get(1).clusters().get(0).options().autoApprove()).isTrue();
  }

  @Test
  void unknownKeysAnywhereAreRefusedNamingTheFileAndTheKey() {
    String bad =
        SPEC.replace("onFailure: continue", "onFailure: continue\nparallel: 3")
            .replace("soak: 30m", "soak: 30m\n    canary: true")
            .replace("autoApprove: false}", "autoApprove: false, drainn: {}}");
    assertThatThrownBy(() -> FleetSpec.parse(bad, "fleet.yaml", false, "carol"))
        .isInstanceOfSatisfying(CliFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCodes.BAD_INPUT))
        .hasMessageStartingWith("fleet.yaml:")
        .hasMessageContaining("unknown key 'parallel'")
        .hasMessageContaining("unknown key 'waves[0].canary'")
        .hasMessageContaining("waves[1] (prod).clusters[0]:")
        .hasMessageContaining("unknown key 'drainn'");
  }

  @Test
  void impossibleValuesAreRefusedEachWithItsKey() {
    String bad =
        SPEC.replace("concurrency: 2\n", "concurrency: 0\n")
            .replace("onFailure: continue", "onFailure: sometimes")
            .replace("soak: 30m", "soak: a while")
            .replace("clusters: [{cluster: prod-1", "clusters: []\n    x: [{cluster: prod-1");
    assertThatThrownBy(() -> FleetSpec.parse(bad, "fleet.yaml", false, "carol"))
        .hasMessageContaining("onFailure: 'sometimes' is not stop-wave or continue")
        .hasMessageContaining("waves[0] (dev).concurrency: '0' is not a whole number, 1 or more")
        .hasMessageContaining("waves[0] (dev).soak: 'a while' is not a duration")
        .hasMessageContaining("waves[1] (prod).clusters: expected a list of clusters");
  }

  @Test
  void fleetStartRefusesADuplicateClusterBeforeConnectingToTemporal() throws Exception {
    Path spec = dir.resolve("fleet.yaml");
    Files.writeString(spec, SPEC.replace("{cluster: prod-1, targetVersion: \"1.33\", autoApprove: false}", "dev-1"));

    CliRun run = CliRun.of("fleet", "start", "--spec", spec.toString(), "--temporal", "127.0.0.1:1");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err())
        .contains("invalid fleet, nothing was started")
        .contains("cluster eu-west-1/dev-1 is listed twice (also in waves[0] (dev))");
  }
}
