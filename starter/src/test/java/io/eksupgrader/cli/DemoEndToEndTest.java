package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's demo command: test server, sandbox, the real worker and the CLI in one process. */
class DemoEndToEndTest {

  @Test
  void theDemoTakesTheDemoClusterFrom132To134AndPrintsTheFinalStatus() {
    CliRun run = CliRun.of("demo", "--auto-approve");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("Plan for us-east-1/demo: 1.32 → 1.34")
        .contains("approved gate control-plane-1.33")
        .contains("approved gate control-plane-1.34")
        .containsPattern("✔ control-plane-1\\.33 +succeeded in .* simulated\\)")
        .containsPattern("✔ control-plane-1\\.34 +succeeded in .* simulated\\)")
        .contains("✔ verify")
        .contains("eks-upgrade/us-east-1/demo — SUCCEEDED")
        .contains("Kubernetes 1.32 → 1.34; the cluster runs 1.34")
        .contains("UpdateClusterVersion: 2 CREATED");
    int firstUpdate = run.out().indexOf("✔ control-plane-1.33");
    int secondGate = run.out().indexOf("approved gate control-plane-1.34");
    assertThat(firstUpdate).as("the second gate opens only after the first minor is done").isLessThan(secondGate);
  }
}
