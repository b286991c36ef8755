package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.eksupgrader.workflows.model.UpgradeStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code status --watch} over a scripted sequence of reads: in a log a block only when something
 * changed, on a terminal a redraw each time, in JSON one document per change, and the outcome's
 * exit code at the end.
 */
class StatusWatchTest {

  private static UpgradeStatus ended(String outcome) {
    return StatusScreenTest.status(StatusScreenTest.AT_GATE
        .replace("\"outcome\":\"RUNNING\"", "\"outcome\":\"" + outcome + "\"")
        .replace("\"openGate\":{", "\"ignoredGate\":{"));
  }

  /** Reads that change, stay the same (the heartbeat time moves on), change, then end. */
  private static Deque<UpgradeSnapshot> reads(String outcome) {
    UpgradeStatus running = StatusScreenTest.status(StatusScreenTest.AT_GATE);
    Deque<UpgradeSnapshot> reads = new ArrayDeque<>();
    reads.add(new UpgradeSnapshot(running, List.of(StatusScreenTest.drain("nodegroup-apps", 3, 28))));
    reads.add(new UpgradeSnapshot(running, List.of(StatusScreenTest.drain("nodegroup-apps", 3, 28))));
    reads.add(new UpgradeSnapshot(running, List.of(later(StatusScreenTest.drain("nodegroup-apps", 3, 28)))));
    reads.add(new UpgradeSnapshot(running, List.of(StatusScreenTest.drain("nodegroup-apps", 14, 17))));
    reads.add(new UpgradeSnapshot(running, List.of(StatusScreenTest.drain("nodegroup-apps", 14, 17))));
    reads.add(new UpgradeSnapshot(ended(outcome), List.of()));
    return reads;
  }

  private static ActivityProgress later(ActivityProgress a) {
    return new ActivityProgress(a.workflowId(), a.step(), a.activityType(), a.state(), a.attempt(), a.startedAt(),
        a.lastHeartbeatAt().plusSeconds(5), a.timeout(), a.details(), a.reading(), a.lastFailure());
  }

  private record Run(int exitCode, String out, int pauses) {}

  private static Run watch(Deque<UpgradeSnapshot> reads, Terminal terminal, StatusWatch.Format format) {
    StringWriter out = new StringWriter();
    List<Duration> pauses = new ArrayList<>();
    int code =
        new StatusWatch(reads::removeFirst, new PrintWriter(out), terminal, format, Duration.ofMillis(250),
                Clock.fixed(Instant.parse("2026-12-07T15:10:00Z"), ZoneOffset.UTC), pauses::add)
            .run();
    assertThat(pauses).allMatch(d -> d.equals(Duration.ofMillis(250)));
    return new Run(code, out.toString(), pauses.size());
  }

  @Test
  void aLogGetsABlockOnlyWhenSomethingChangedAndTheFinalStatusWithTheOutcome() {
    Run run = watch(reads("SUCCEEDED"), Terminal.plain(), StatusWatch.Format.TEXT);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.pauses()).isEqualTo(5);
    assertThat(run.out()).doesNotContain("\u001b[");
    assertThat(count(run.out(), "eks-upgrade/us-east-1/demo  RUNNING")).as("two different running states, each once").isEqualTo(2);
    assertThat(count(run.out(), "drain ip-10-0-1-23: 3/31 pods evicted [..........]")).isEqualTo(1);
    assertThat(count(run.out(), "drain ip-10-0-1-23: 14/31 pods evicted [####......]")).isEqualTo(1);
    assertThat(run.out())
        .doesNotContain("eks-upgrade/us-east-1/demo  SUCCEEDED")
        .as("the final status as the Temporal UI shows it")
        .contains("### eks-upgrade/us-east-1/demo — SUCCEEDED")
        .endsWith("Upgrade SUCCEEDED (exit 0)\n");
  }

  @Test
  void anUpgradeThatEndsWithoutSuccessExitsWithOne() {
    Run run = watch(reads("REJECTED"), Terminal.plain(), StatusWatch.Format.TEXT);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.UPGRADE_NOT_SUCCEEDED);
    assertThat(run.out()).endsWith("Upgrade REJECTED (exit 1)\n");
  }

  @Test
  void aTerminalIsRedrawnInPlaceAtEveryRead() {
    Run run = watch(reads("SUCCEEDED"), Terminal.ansi(), StatusWatch.Format.TEXT);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(Terminal.strip(run.out())).as("the last drawing, then the outcome").endsWith("Upgrade SUCCEEDED (exit 0)\n")
        .contains("eks-upgrade/us-east-1/demo  SUCCEEDED")
        .doesNotContain("### eks-upgrade");
    assertThat(count(run.out(), "\u001b[J")).as("every read after the first erases the block before").isEqualTo(5);
    assertThat(count(Terminal.strip(run.out()), "eks-upgrade/us-east-1/demo  ")).as("drawn at every read, the last one too").isEqualTo(6);
    java.util.regex.Matcher erase = java.util.regex.Pattern.compile("\u001b\\[(\\d+)F\u001b\\[J").matcher(run.out());
    assertThat(erase.find()).isTrue();
    String firstBlock = run.out().substring(0, erase.start());
    int lines = (int) firstBlock.lines().count();
    assertThat(lines).isGreaterThan(10);
    assertThat(run.out()).as("the cursor goes up exactly over the block drawn before").contains("\u001b[" + lines + "F\u001b[J");
  }

  @Test
  void jsonGivesOneDocumentPerChangeTheLastWithTheOutcome() throws Exception {
    Run run = watch(reads("SUCCEEDED"), Terminal.ansi(), StatusWatch.Format.JSON);

    assertThat(run.out()).doesNotContain("\u001b[");
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = CliJson.MAPPER.readerFor(JsonNode.class).readValues(run.out())) {
      it.forEachRemaining(docs::add);
    }
    assertThat(docs).extracting(d -> d.path("outcome").asText()).containsExactly("RUNNING", "RUNNING", "SUCCEEDED");
    assertThat(docs.get(0).path("progress").get(0).path("text").asText()).isEqualTo("drain ip-10-0-1-23: 3/31 pods evicted");
    assertThat(docs.get(1).path("progress").get(0).path("done").asInt()).isEqualTo(14);
    assertThat(docs.get(1).path("progress").get(0).path("total").asInt()).isEqualTo(31);
    assertThat(docs.get(1).path("progress").get(0).path("lastHeartbeatAt").asText()).isEqualTo("2026-12-07T15:10:00Z");
    assertThat(docs.get(2).path("progress")).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void aWorkerThatDoesNotAnswerForAMomentIsWaitedForAndOneThatNeverAnswersEndsTheWatch() {
    UpgradeSnapshot running = reads("SUCCEEDED").getFirst();
    UpgradeSnapshot done = reads("SUCCEEDED").getLast();
    CliFailure noWorker = new CliFailure(ExitCodes.UNREACHABLE, "no worker answered the status query");
    Instant[] now = {Instant.parse("2026-12-07T15:10:00Z")};
    Clock clock = new Clock() {
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now[0]; }
    };
    Deque<Object> script = new ArrayDeque<>(List.of(running, noWorker, noWorker, done));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.util.function.Supplier<UpgradeSnapshot> source = () -> {
      Object next = script.removeFirst();
      if (next instanceof CliFailure f) {
        throw f;
      }
      return (UpgradeSnapshot) next;
    };
    StatusWatch.Pause tick = d -> now[0] = now[0].plus(d);
    int code = new StatusWatch(source, new PrintWriter(out), new PrintWriter(err), Terminal.plain(), StatusWatch.Format.JSON,
        Duration.ofSeconds(10), clock, tick, Duration.ofMinutes(2)).run();
    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).as("said once").containsOnlyOnce("no worker answered the status query");
    assertThat(out.toString()).doesNotContain("no worker").contains("\"outcome\" : \"SUCCEEDED\"");

    Deque<Object> never = new ArrayDeque<>(List.of(running));
    for (int i = 0; i < 20; i++) {
      never.add(noWorker);
    }
    java.util.function.Supplier<UpgradeSnapshot> dead = () -> {
      Object next = never.removeFirst();
      if (next instanceof CliFailure f) {
        throw f;
      }
      return (UpgradeSnapshot) next;
    };
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            new StatusWatch(dead, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Terminal.plain(),
                StatusWatch.Format.TEXT, Duration.ofSeconds(10), clock, tick, Duration.ofMinutes(2)).run())
        .isSameAs(noWorker);
    assertThat(never).as("given up after two minutes of 10 s reads, not at once").hasSizeBetween(6, 8);

    Deque<Object> neverOnce = new ArrayDeque<>(List.of(noWorker, running));
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            new StatusWatch(() -> { throw (CliFailure) neverOnce.removeFirst(); }, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Terminal.plain(), StatusWatch.Format.TEXT, Duration.ofSeconds(10), clock, tick,
                Duration.ofMinutes(2)).run())
        .as("a Temporal that never answered is reported at once")
        .isSameAs(noWorker);
  }
}
