package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.eksupgrader.sandbox.Scenario;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code status --watch}, in text and in JSON at once, on a sandbox upgrade whose drain a
 * PodDisruptionBudget holds: both show the drain's progress from its heartbeats in the node
 * group's child workflow, the text prints a block only when something changed, and both end with
 * the outcome's exit code once an operator forced the drain.
 */
class WatchProgressEndToEndTest {

  private static final String SCENARIO =
      """
      name: watched
      timeScale: 600
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 1, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: ledger, name: writer, kind: StatefulSet, replicas: 1, nodeSelector: {role: apps}}
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: apps}}
            pdbs:
              - {namespace: ledger, name: writer, selector: {app: writer}, maxUnavailable: "0"}
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: "1"}
      """;

  private static final Pattern DRAIN_LINE =
      Pattern.compile("drain ip-[\\w.-]+: \\d+/\\d+ pods evicted.* \\[[#.]{10}\\]");

  @Test
  void bothWatchersShowTheDrainsProgressAndEndWithTheOutcome() throws Exception {
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(SCENARIO, "watched"), 0, 0, "watched")) {
      // Heartbeats reach Temporal at most every 0.8 × the heartbeat timeout: shorter, to see several.
      env.startWorker(Map.of(
          "eks-upgrader.activities.drain-node.heartbeat-timeout", "5s",
          "eks-upgrader.drain.heartbeat-interval", "500ms"));
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "watched", "--identity", "bob",
        "--cluster", "shop", "--region", "eu-central-1"
      };
      CliRun started =
          CliRun.of(CliRun.concat(new String[] {"start", "--json", "--to", "1.34", "--auto-approve", "--drain-timeout", "20s"}, where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
      JsonNode start = CliJson.MAPPER.readTree(started.out());
      assertThat(start.path("workflowId").asText()).isEqualTo("eks-upgrade/eu-central-1/shop");
      assertThat(start.path("summary").asText()).isEqualTo("shop (eu-central-1) → 1.34");
      assertThat(start.path("status").path("plan").path("steps").findValuesAsText("id")).contains("nodegroup-apps");

      Watching text = Watching.start(CliRun.concat(new String[] {"status", "--watch", "--interval", "200ms"}, where));
      Watching json = Watching.start(CliRun.concat(new String[] {"status", "--watch", "--json", "--interval", "200ms"}, where));

      // The operator decides once both watchers have shown the failed step.
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        assertThat(text.outSoFar()).contains("Step nodegroup-apps FAILED");
        assertThat(json.outSoFar()).containsPattern("\"pendingDecision\" : \\{\\s*\"step\" : \"nodegroup-apps\"");
      });
      CliRun forced = CliRun.of(CliRun.concat(new String[] {"decide", "--json", "--step", "nodegroup-apps", "--force", "--comment", "stuck"}, where));
      assertThat(forced.exitCode()).as(forced.toString()).isEqualTo(ExitCodes.OK);
      assertThat(CliJson.MAPPER.readTree(forced.out()).path("decision").path("action").asText()).isEqualTo("FORCE");

      CliRun watchedText = text.result();
      assertThat(watchedText.exitCode()).as(watchedText.toString()).isEqualTo(ExitCodes.OK);
      String out = watchedText.out();
      assertThat(out).as("no terminal here: no ANSI").doesNotContain("\u001b[");
      assertThat(DRAIN_LINE.matcher(out).find()).as("a drain progress line in:\n" + out).isTrue();
      assertThat(out)
          .containsPattern("evictions? refused \\(still refused: ledger/writer-0")
          .contains("Step nodegroup-apps FAILED and waits for a decision (retry, skip, abort, force)")
          .contains("eks-upgrader decide --cluster shop --region eu-central-1 --step nodegroup-apps --retry|--skip|--abort|--force")
          .contains("### eks-upgrade/eu-central-1/shop — SUCCEEDED")
          .endsWith("Upgrade SUCCEEDED (exit 0)\n");
      List<String> blocks = blocks(out, "eks-upgrade/eu-central-1/shop  ");
      assertThat(blocks.size()).as("a block per change, and several changes").isGreaterThan(3);
      for (int i = 1; i < blocks.size(); i++) {
        assertThat(blocks.get(i)).as("block " + i + " repeats the one before").isNotEqualTo(blocks.get(i - 1));
      }

      CliRun watchedJson = json.result();
      assertThat(watchedJson.exitCode()).as(watchedJson.toString()).isEqualTo(ExitCodes.OK);
      List<JsonNode> docs = new ArrayList<>();
      try (MappingIterator<JsonNode> it = CliJson.MAPPER.readerFor(JsonNode.class).readValues(watchedJson.out())) {
        it.forEachRemaining(docs::add);
      }
      assertThat(docs.get(docs.size() - 1).path("outcome").asText()).isEqualTo("SUCCEEDED");
      List<JsonNode> drains =
          docs.stream()
              .flatMap(d -> StreamSupport.stream(d.path("progress").spliterator(), false))
              .filter(p -> p.path("activityType").asText().equals("DrainNode"))
              .toList();
      assertThat(drains).as("drain progress in the JSON documents").isNotEmpty();
      assertThat(drains)
          .allSatisfy(p -> {
            assertThat(p.path("step").asText()).isEqualTo("nodegroup-apps");
            assertThat(p.path("workflowId").asText()).startsWith("eks-upgrade/eu-central-1/shop/nodegroup-apps");
            if (!p.path("details").isNull()) {
              // Before its first heartbeat a drain has no details yet.
              assertThat(p.path("details").path("node").asText()).startsWith("ip-");
            }
          })
          .anySatisfy(p -> assertThat(p.path("total").asInt()).isPositive());
    }
  }

  /** A CLI run in the background whose output can be read while it runs. */
  private record Watching(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {

    static Watching start(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(() -> {
            CommandLine cli = EksUpgraderCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            return cli.execute(args);
          });
      return new Watching(exit, out, err);
    }

    /** What it printed so far; StringWriter is synchronized. */
    String outSoFar() {
      return out.toString();
    }

    CliRun result() throws Exception {
      int code = exit.get(120, TimeUnit.SECONDS);
      return new CliRun(code, out.toString(), err.toString());
    }
  }

  /** The blocks printed, each from its first line to the next block's. */
  private static List<String> blocks(String out, String header) {
    List<String> blocks = new ArrayList<>();
    int start = out.indexOf(header);
    while (start >= 0) {
      int next = out.indexOf("\n" + header, start + 1);
      blocks.add(out.substring(start, next < 0 ? out.length() : next).strip());
      start = next < 0 ? -1 : next + 1;
    }
    return blocks;
  }

}
