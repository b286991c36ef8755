package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {

  @Test
  void aFullScenarioReadsAsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("full.yaml");
    Files.writeString(
        file,
        """
        name: full
        timeScale: 600
        startTime: 2026-11-23T09:00:00Z
        clusters:
          - name: demo
            region: us-east-1
            version: "1.32"
            status: ACTIVE
            platformVersion: eks.8
            roleArn: arn:aws:iam::111122223333:role/demo
          - {name: other, region: eu-west-1, version: "1.33", status: UPDATING}
        offeredVersions:
          - {version: "1.34", status: STANDARD_SUPPORT, endOfStandardSupport: 2026-12-02, endOfExtendedSupport: 2027-12-02}
          - {version: "1.33", endOfStandardSupport: 2026-07-29, endOfExtendedSupport: 2027-07-29, defaultPlatformVersion: eks.13, default: true}
        durations:
          controlPlaneUpdate: 25m
        faults:
          seed: 7
          throttlingRate: 0.05
          serverErrorRate: 0.01
          conflictAfterUpdate: 2m
          failUpdatesTo: ["1.34"]
        """);

    Scenario s = Scenario.load(file);

    assertThat(s.name()).isEqualTo("full");
    assertThat(s.source()).isEqualTo(file.toString());
    assertThat(s.timeScale()).isEqualTo(600.0);
    assertThat(s.startTime()).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
    assertThat(s.clusters())
        .extracting(c -> c.name(), c -> c.region(), c -> c.version(), c -> c.status(), c -> c.platformVersion(), c -> c.roleArn())
        .containsExactly(
            tuple("demo", "us-east-1", "1.32", "ACTIVE", "eks.8", "arn:aws:iam::111122223333:role/demo"),
            tuple("other", "eu-west-1", "1.33", "UPDATING", "eks.13", "arn:aws:iam::123456789012:role/other-cluster-role"));
    assertThat(s.offeredVersions())
        .extracting(v -> v.version(), v -> v.status(), v -> v.defaultVersion())
        .as("a status left out follows from the dates at the start time")
        .containsExactly(tuple("1.34", "STANDARD_SUPPORT", false), tuple("1.33", "EXTENDED_SUPPORT", true));
    assertThat(s.offered("1.34").orElseThrow().endOfStandardSupport())
        .isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(s.durations().controlPlaneUpdate()).isEqualTo(Duration.ofMinutes(25));
    assertThat(s.faults())
        .isEqualTo(new Scenario.Faults(7, 0.05, 0.01, Duration.ofMinutes(2), java.util.List.of("1.34")));
  }

  @Test
  void leftOutPartsTakeDefaults() {
    Scenario s = Scenario.parse("name: minimal\n", "minimal.yaml");

    assertThat(s.timeScale()).isEqualTo(1.0);
    assertThat(s.startTime()).isNull();
    assertThat(s.clusters()).isEmpty();
    assertThat(s.offeredVersions())
        .extracting(Scenario.OfferedVersionSpec::version)
        .containsExactly("1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34");
    assertThat(s.durations().controlPlaneUpdate()).isEqualTo(Duration.ofMinutes(25));
    assertThat(s.faults()).isEqualTo(Scenario.Faults.none());
  }

  @Test
  void durationsTakeTheUnitsMsSMAndH() {
    assertThat(ScenarioParser.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ScenarioParser.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ScenarioParser.parseDuration("25m")).isEqualTo(Duration.ofMinutes(25));
    assertThat(ScenarioParser.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void unknownKeysAreRefusedNamingTheFileAndTheKey() {
    assertRefused("name: x\ntimescale: 600\n", "bad.yaml: unknown key 'timescale'");
    assertRefused(
        "name: x\nfaults:\n  throtlingRate: 0.1\n",
        "bad.yaml: faults: unknown key 'throtlingRate' (known keys: seed, throttlingRate,");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: \"1.32\", colour: red}\n",
        "bad.yaml: clusters[0]: unknown key 'colour'");
  }

  @Test
  void badValuesAreRefusedNamingTheKeyAndTheValue() {
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: \"1.32\", status: ACTIV}\n",
        "bad.yaml: clusters[0].status: 'ACTIV' is not one of ACTIVE, CREATING,");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: 1.30}\n",
        "bad.yaml: clusters[0].version: 1.30 is a number to YAML");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: virginia, version: \"1.32\"}\n",
        "bad.yaml: clusters[0].region: 'virginia' is not an AWS region name");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1}\n",
        "bad.yaml: clusters[0].version: is required");
    assertRefused(
        "name: x\ndurations: {controlPlaneUpdate: 25 minutes}\n",
        "bad.yaml: durations.controlPlaneUpdate: '25 minutes' is not a duration");
    assertRefused(
        "name: x\ndurations: {controlPlaneUpdate: 25}\n",
        "bad.yaml: durations.controlPlaneUpdate: '25' is not a duration");
    assertRefused("name: x\nfaults: {throttlingRate: 1.5}\n", "bad.yaml: faults.throttlingRate: 1.5 is out of range");
    assertRefused("name: x\ntimeScale: 0\n", "bad.yaml: timeScale: 0 is out of range");
    assertRefused("name: x\ntimeScale: fast\n", "bad.yaml: timeScale: expected a number, found 'fast'");
    assertRefused(
        "name: x\nfaults: {failUpdatesTo: [\"1.x\"]}\n",
        "bad.yaml: faults.failUpdatesTo[0]: '1.x' is not an EKS Kubernetes version");
    assertRefused(
        "name: x\nofferedVersions:\n  - {version: \"1.34\", endOfStandardSupport: someday}\n",
        "bad.yaml: offeredVersions[0].endOfStandardSupport: 'someday' is not a date");
    assertRefused("timeScale: 5\n", "bad.yaml: name: is required");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: \"1.32\"}\n  - {name: a, region: us-east-1, version: \"1.33\"}\n",
        "bad.yaml: clusters[1]: cluster 'a' in us-east-1 is listed twice");
  }

  @Test
  void malformedOrEmptyYamlIsRefused() {
    assertRefused("name: x\nname: y\n", "bad.yaml: not valid YAML: Duplicate field 'name'");
    assertRefused("", "bad.yaml: the scenario is empty");
    assertRefused("- just\n- a list\n", "bad.yaml: expected a mapping, found a list");
  }

  @Test
  void missingFilesAndResourcesAreNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> Scenario.load(dir.resolve("nope.yaml")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope.yaml");
    assertThatThrownBy(() -> Scenario.fromResource("scenarios/nope.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("scenarios/nope.yaml");
  }

  private static void assertRefused(String yaml, String messageStart) {
    assertThatThrownBy(() -> Scenario.parse(yaml, "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(messageStart);
  }
}
