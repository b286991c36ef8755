package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksupgrader.sandbox.Scenario;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code list}'s filters over two upgrades in two regions on the dev test server, and every
 * command's {@code --json}: one document on stdout, failures too, with the exit code of the text
 * answer. The test server has no visibility queries, so the CLI lists by type and applies the same
 * filters itself; the queries' text is checked in {@link UpgradeFilterTest}.
 */
class ListAndJsonEndToEndTest {

  private static final String SCENARIO =
      """
      name: two-regions
      timeScale: 600
      clusters:
        - name: alpha
          region: us-east-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 1}
        - name: beta
          region: eu-west-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 1}
      """;

  private LocalEnvironment env;

  private String[] on(String cluster, String region, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--temporal", env.temporalTarget(), "--task-queue", "listed", "--identity", "alice"));
    if (cluster != null) {
      args.addAll(List.of("--cluster", cluster, "--region", region));
    }
    return args.toArray(String[]::new);
  }

  private String[] list(String... filters) {
    List<String> args = new ArrayList<>(List.of("list", "--json", "--temporal", env.temporalTarget()));
    args.addAll(List.of(filters));
    return args.toArray(String[]::new);
  }

  private static JsonNode json(CliRun run) {
    try {
      return CliJson.MAPPER.readTree(run.out());
    } catch (Exception e) {
      throw new AssertionError("not one JSON document: " + run, e);
    }
  }

  private List<String> listed(String... filters) {
    CliRun run = CliRun.of(list(filters));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    return json(run).path("upgrades").findValuesAsText("workflowId");
  }

  private static void assertJsonFailure(CliRun run, int exitCode, String message) {
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
    JsonNode doc = json(run);
    assertThat(doc.path("exitCode").asInt()).isEqualTo(exitCode);
    assertThat(doc.path("error").asText()).contains(message);
    assertThat(run.err()).as("people still read it on stderr").contains(message);
  }

  private String openGate(String cluster, String region) {
    AtomicReference<String> gate = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      JsonNode status = json(CliRun.of(on(cluster, region, "status", "--json")));
      assertThat(status.path("openGate").path("gate").isTextual()).as(status.toString()).isTrue();
      gate.set(status.path("openGate").path("gate").asText());
    });
    return gate.get();
  }

  @Test
  void listFiltersByGatePhaseRegionClusterTargetAndOpennessAndEveryCommandAnswersInJson() {
    env = LocalEnvironment.start(Scenario.parse(SCENARIO, "two-regions"), 0, 0, "listed");
    try {
      env.startWorker();
      CliRun alpha = CliRun.of(on("alpha", "us-east-1", "start", "--to", "1.34"));
      assertThat(alpha.exitCode()).as(alpha.toString()).isEqualTo(ExitCodes.OK);
      assertThat(alpha.out()).contains("Started upgrade eks-upgrade/us-east-1/alpha").contains("Plan for us-east-1/alpha");
      CliRun beta = CliRun.of(on("beta", "eu-west-1", "start", "--json", "--to", "1.34"));
      assertThat(beta.exitCode()).as(beta.toString()).isEqualTo(ExitCodes.OK);
      assertThat(json(beta).path("workflowId").asText()).isEqualTo("eks-upgrade/eu-west-1/beta");
      assertThat(json(beta).path("runId").asText()).isNotEmpty();
      assertThat(json(beta).path("status").path("plan").path("targetVersion").asText()).isEqualTo("1.34");

      String alphaGate = openGate("alpha", "us-east-1");
      openGate("beta", "eu-west-1");

      // What the Temporal UI shows of the upgrade before it has done anything.
      TemporalOptions options = new TemporalOptions();
      options.target = env.temporalTarget();
      options.namespace = LocalEnvironment.NAMESPACE;
      options.identity = "test";
      try (TemporalConnection connection = options.connect()) {
        WorkflowExecutionDescription described = connection.client.newUntypedWorkflowStub("eks-upgrade/us-east-1/alpha").describe();
        assertThat(described.getStaticSummary()).isEqualTo("alpha (us-east-1) → 1.34");
        assertThat(described.getStaticDetails())
            .contains("**EKS upgrade** of `alpha` in `us-east-1` to Kubernetes **1.34**")
            .contains("Started by `alice`")
            .contains("| `autoApprove` | false |")
            .contains("`eks-upgrader status --cluster alpha --region us-east-1 --watch`");
      }

      CliRun all = CliRun.of(list());
      assertThat(all.exitCode()).as(all.toString()).isEqualTo(ExitCodes.OK);
      JsonNode doc = json(all);
      assertThat(doc.path("query").asText()).isEqualTo("WorkflowType = 'ClusterUpgrade' AND ExecutionStatus = 'Running'");
      assertThat(doc.path("filteredBy").asText()).contains("the CLI");
      assertThat(doc.path("upgrades").findValuesAsText("workflowId"))
          .containsExactlyInAnyOrder("eks-upgrade/us-east-1/alpha", "eks-upgrade/eu-west-1/beta");
      JsonNode alphaRow = doc.path("upgrades").findParents("workflowId").stream()
          .filter(r -> r.path("workflowId").asText().equals("eks-upgrade/us-east-1/alpha")).findFirst().orElseThrow();
      assertThat(alphaRow.path("status").asText()).isEqualTo("RUNNING");
      assertThat(alphaRow.path("cluster").asText()).isEqualTo("us-east-1/alpha");
      assertThat(alphaRow.path("targetVersion").asText()).isEqualTo("1.34");
      assertThat(alphaRow.path("awaitingGate").asText()).isEqualTo(alphaGate);
      String alphaPhase = alphaRow.path("phase").asText();
      assertThat(alphaPhase).isNotEmpty();

      assertThat(listed("--awaiting")).hasSize(2);
      assertThat(listed("--awaiting", alphaGate)).contains("eks-upgrade/us-east-1/alpha");
      assertThat(listed("--awaiting", "decide")).as("no failed step waits").isEmpty();
      assertThat(listed("--region", "eu-west-1")).containsExactly("eks-upgrade/eu-west-1/beta");
      assertThat(listed("--cluster", "alpha")).containsExactly("eks-upgrade/us-east-1/alpha");
      assertThat(listed("--phase", alphaPhase, "--region", "us-east-1")).containsExactly("eks-upgrade/us-east-1/alpha");
      assertThat(listed("--phase", "nodegroup-nothing")).isEmpty();
      assertThat(listed("--target", "1.99")).isEmpty();
      assertThat(listed("--closed")).isEmpty();

      CliRun text = CliRun.of("list", "--temporal", env.temporalTarget(), "--awaiting", "--region", "us-east-1");
      assertThat(text.exitCode()).as(text.toString()).isEqualTo(ExitCodes.OK);
      assertThat(text.out().lines().toList()).hasSize(2);
      assertThat(text.out().lines().findFirst().orElseThrow()).containsPattern("WORKFLOW ID +STATUS +PHASE +AWAITING +TARGET +STARTED");
      assertThat(text.out()).containsPattern("eks-upgrade/us-east-1/alpha +RUNNING +" + alphaPhase + " +" + alphaGate + " +1\\.34 ")
          .doesNotContain("\u001b[");
      assertThat(CliRun.of("list", "--temporal", env.temporalTarget(), "--target", "1.99").out()).contains("(no upgrade matches)");

      CliRun rejected = CliRun.of(on("beta", "eu-west-1", "reject", "--json", "--gate", openGate("beta", "eu-west-1"), "--comment", "freeze"));
      assertThat(rejected.exitCode()).as(rejected.toString()).isEqualTo(ExitCodes.OK);
      assertThat(json(rejected).path("action").asText()).isEqualTo("reject");
      assertThat(json(rejected).path("accepted").asBoolean()).isTrue();
      assertThat(json(rejected).path("approval").path("comment").asText()).isEqualTo("freeze");
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
          assertThat(listed("--closed")).containsExactly("eks-upgrade/eu-west-1/beta"));
      assertThat(listed()).containsExactly("eks-upgrade/us-east-1/alpha");
      assertThat(listed("--all")).hasSize(2);
      assertThat(listed("--all", "--phase", "rejected")).containsExactly("eks-upgrade/eu-west-1/beta");

      // Failures in JSON, with the exit codes of the text answers.
      assertJsonFailure(CliRun.of(on("alpha", "us-east-1", "approve", "--json", "--gate", "no-such-gate")), ExitCodes.REFUSED, "refused");
      assertJsonFailure(CliRun.of(on("alpha", "us-east-1", "decide", "--json", "--step", "verify", "--retry")), ExitCodes.REFUSED, "refused");
      assertJsonFailure(CliRun.of(on("alpha", "us-east-1", "start", "--json", "--to", "1.34")), ExitCodes.REFUSED, "already running");
      assertJsonFailure(CliRun.of(on("nope", "us-east-1", "status", "--json")), ExitCodes.NOT_FOUND, "no upgrade of us-east-1/nope");
      assertJsonFailure(CliRun.of(on("nope", "us-east-1", "status", "--json", "--watch")), ExitCodes.NOT_FOUND, "no upgrade of us-east-1/nope");
      assertJsonFailure(CliRun.of(on(null, null, "status", "--json")), ExitCodes.BAD_INPUT, "--cluster");
      assertJsonFailure(CliRun.of(on("alpha", "us-east-1", "status", "--json", "--interval", "soon")), ExitCodes.BAD_INPUT, "--interval 'soon'");
      assertJsonFailure(CliRun.of(list("--all", "--closed")), ExitCodes.BAD_INPUT, "exclude each other");
      assertJsonFailure(CliRun.of("calls", "--json", "--sandbox", "http://127.0.0.1:1"), ExitCodes.UNREACHABLE, "cannot reach the sandbox");
      assertJsonFailure(CliRun.of("list", "--json", "--temporal", "127.0.0.1:1"), ExitCodes.UNREACHABLE, "cannot reach Temporal");

      CliRun calls = CliRun.of("calls", "--json", "--sandbox", env.sandbox.endpoint().toString());
      assertThat(calls.exitCode()).as(calls.toString()).isEqualTo(ExitCodes.OK);
      assertThat(json(calls).isContainerNode()).isTrue();
      CliRun status = CliRun.of(on("alpha", "us-east-1", "status", "--json"));
      assertThat(json(status).path("progress").isArray()).as("status --json carries what runs").isTrue();
      assertThat(json(status).path("workflowId").asText()).isEqualTo("eks-upgrade/us-east-1/alpha");
    } finally {
      env.close();
    }
  }
}
