package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * EKS add-ons through the real worker and the CLI: the VPC CNI moves before the control plane,
 * kube-proxy after it; a CoreDNS update that leaves the add-on DEGRADED stops the upgrade with
 * EKS's health issue until the operator decides, and {@code verify} names what was kept behind.
 */
class DegradedAddonEndToEndTest {

  private static final String SCENARIO =
      """
      name: addons
      timeScale: 600
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          addons:
            - {name: vpc-cni}
            - {name: kube-proxy}
            - {name: coredns}
      faults: {degradedAddons: [coredns]}
      """;

  @Test
  void aDegradedCoreDnsWaitsForTheOperatorAndIsNamedByVerifyOnceSkipped() {
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(SCENARIO, "addons"), 0, 0, "addons")) {
      env.startWorker();
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "addons", "--identity", "bob",
        "--cluster", "shop", "--region", "eu-central-1"
      };
      CliRun started =
          CliRun.of(CliRun.concat(new String[] {"start", "--to", "1.34", "--auto-approve", "--addon-resolve-conflicts", "OVERWRITE"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
      assertThat(started.out())
          .containsPattern("addon-vpc-cni-1\\.34 +update add-on vpc-cni \\(v1\\.19\\.5-eksbuild\\.3\\) to its version for 1\\.34, before the control plane")
          .contains("[gate control-plane-1.34]");

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out())
            .contains("Step `addon-coredns-1.34` FAILED")
            .contains("AddonUpdateFailed")
            .contains("the add-on is DEGRADED at v1.12.1-eksbuild.2")
            .contains("[InsufficientNumberOfReplicas]");
      });
      CliRun skipped =
          CliRun.of(CliRun.concat(new String[] {"decide", "--step", "addon-coredns-1.34", "--skip", "--comment", "AWS case 42"}, where));
      assertThat(skipped.exitCode()).as(skipped.toString()).isEqualTo(ExitCodes.OK);

      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.OK);
      assertThat(watched.out())
          .contains("\"outcome\" : \"SUCCEEDED\"")
          .contains("kept behind by an operator's decision: add-on coredns (DEGRADED)")
          .contains("\"comment\" : \"AWS case 42\"");
      CallLog log = env.sandbox.callLog();
      assertThat(log.entries().stream().filter(e -> e.effect() == CallLog.Effect.CREATED).map(e -> e.operation() + " " + e.resourceId()))
          .as("the VPC CNI before the control plane, kube-proxy and CoreDNS after it, each once")
          .containsExactly(
              "UpdateAddon vpc-cni v1.20.1-eksbuild.1",
              "UpdateClusterVersion " + log.entries("UpdateClusterVersion").get(0).resourceId(),
              "UpdateAddon kube-proxy v1.34.0-eksbuild.2",
              "UpdateAddon coredns v1.12.1-eksbuild.2");
    }
  }

}
