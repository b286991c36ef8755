package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.sandbox.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo (Karpenter, Istio, add-ons, two control-plane minors, managed and self-managed
 * node groups, Fargate, teardown) with the demo cluster's API server enforcing deploy/rbac.yaml:
 * a refused read fails its step, and a refused write would be counted in the summary as
 * {@code REJECTED (Forbidden)}.
 */
class RbacDemoEndToEndTest {

  @TempDir Path dir;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void theDemoSucceedsWithNothingButTheWorkersRole() throws IOException {
    String demo;
    try (InputStream in = Scenario.class.getClassLoader().getResourceAsStream(Scenarios.DEMO)) {
      demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String enforced = demo.replaceFirst("\n    kubernetes:\n", "\n    kubernetes:\n      rbac: {file: deploy/rbac.yaml}\n");
    assertThat(enforced).as("the demo's cluster has a kubernetes section").isNotEqualTo(demo);
    Path scenario = Files.writeString(dir.resolve("demo-rbac.yaml"), enforced);

    CliRun run = CliRun.of("demo", "--auto-approve", "--scenario", scenario.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("eks-upgrade/us-east-1/demo — SUCCEEDED")
        .contains("Karpenter 1.6.3; Istio revision 1-28 (1.28.3)")
        .as("the demo's own faults are rejected (throttling, budgets), but nothing as Forbidden")
        .doesNotContain("REJECTED (Forbidden)")
        .doesNotContain("is forbidden: User");
  }
}
