package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault matrix row F4: the whole demo upgrade while the sandbox throttles 30% of AWS calls and
 * answers 10% with a 5xx (and a 409 right after ACTIVE, as the demo world always does). It must
 * complete with every change made exactly as often as without faults, and with the refusals
 * bounded: the retries are the SDK's and Temporal's, with backoff.
 */
class FaultStormEndToEndTest {

  @TempDir Path dir;

  @Test
  void theDemoCompletesUnderAThrottlingAndServerErrorStormWithEachChangeMadeOnce() throws Exception {
    String demo;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(Scenarios.DEMO)) {
      demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(demo).contains("throttlingRate: 0.05").contains("serverErrorRate: 0.0");
    Path storm = dir.resolve("storm.yaml");
    Files.writeString(
        storm, demo.replace("throttlingRate: 0.05", "throttlingRate: 0.3").replace("serverErrorRate: 0.0", "serverErrorRate: 0.1"));

    CliRun run = CliRun.of("demo", "--auto-approve", "--scenario", storm.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    String out = run.out();
    assertThat(out)
        .contains("eks-upgrade/us-east-1/demo — SUCCEEDED")
        .containsPattern("eks UpdateClusterVersion: 2 CREATED")
        .containsPattern("eks CreateNodegroup: 2 CREATED")
        // The system group's deletion fails on its protected instance and is started once more
        // after the protection is released, also by an attempt retried after a storm of errors.
        .containsPattern("eks DeleteNodegroup: 3 CREATED")
        .containsPattern("eks UpdateAddon: 6 CREATED")
        .containsPattern("autoscaling CreateAutoScalingGroup: 1 CREATED")
        .containsPattern("autoscaling DeleteAutoScalingGroup: 1 CREATED")
        .contains("PodDisruptionBudget breaches (a budget with fewer healthy pods than it requires):\n  none");
    int refused = 0;
    int made = 0;
    Matcher line = Pattern.compile("(?m)^  (eks|autoscaling|ec2) \\w+: (\\d+) CREATED(?:, (\\d+) REJECTED)?").matcher(out);
    while (line.find()) {
      made += Integer.parseInt(line.group(2));
      refused += line.group(3) == null ? 0 : Integer.parseInt(line.group(3));
    }
    assertThat(refused).as("the storm reached the mutating calls").isPositive();
    assertThat(refused)
        .as("refusals stay bounded: about 40%% of attempts fail, so a few per change, not a retry loop")
        .isLessThanOrEqualTo(5 * made);
    System.out.printf("F4 storm: %d AWS changes made, %d attempts refused by throttling or 5xx%n", made, refused);
  }
}
