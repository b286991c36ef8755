package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksupgrader.workflows.model.UpgradeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code status --watch} draws, in a log and on a terminal. */
class StatusScreenTest {

  static final Instant NOW = Instant.parse("2026-12-07T15:10:00Z");

  /** From JSON, as the status query answers, so that fields added later need no change here. */
  static UpgradeStatus status(String json) {
    try {
      return CliJson.MAPPER.readerFor(UpgradeStatus.class)
          .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final String AT_GATE =
      """
      {"workflowId":"eks-upgrade/us-east-1/demo","cluster":{"region":"us-east-1","name":"demo"},
       "targetVersion":"1.34","currentVersion":"1.32","requestedBy":"alice","outcome":"RUNNING",
       "phase":"nodegroup-apps",
       "steps":[
        {"id":"preflight","kind":"PREFLIGHT","title":"Pre-flight","state":"SUCCEEDED",
         "startedAt":"2026-12-07T15:00:00Z","finishedAt":"2026-12-07T15:00:02.500Z","attempts":1,"detail":"cluster ACTIVE at 1.32"},
        {"id":"nodegroup-apps","kind":"NODE_GROUP","title":"Replace apps","state":"RUNNING",
         "startedAt":"2026-12-07T15:05:00Z","attempts":2},
        {"id":"control-plane-1.33","kind":"CONTROL_PLANE","title":"Control plane","gate":"control-plane-1.33",
         "state":"AWAITING_APPROVAL","attempts":0},
        {"id":"teardown-apps","kind":"TEARDOWN","title":"Delete apps","gate":"teardown-apps","state":"PENDING","attempts":0}],
       "openGate":{"gate":"control-plane-1.33","step":"control-plane-1.33","summary":"update the control plane to 1.33",
         "openedAt":"2026-12-07T15:07:00Z","reminders":1},
       "audit":[{"at":"2026-12-07T15:08:00Z","kind":"approve","target":"karpenter","by":"mallory","accepted":false,
         "reason":"gate karpenter is not open; the open gate is control-plane-1.33","via":"signal"}],
       "findings":[]}
      """;

  static final String BLOCKED =
      """
      {"workflowId":"eks-upgrade/eu-central-1/shop","cluster":{"region":"eu-central-1","name":"shop"},
       "targetVersion":"1.34","currentVersion":"1.34","outcome":"RUNNING","phase":"nodegroup-apps",
       "steps":[{"id":"nodegroup-apps","kind":"NODE_GROUP","title":"Replace apps","state":"FAILED",
         "startedAt":"2026-12-07T15:05:00Z","finishedAt":"2026-12-07T15:06:00Z","attempts":1,"error":"DrainBlocked: 1 pod"}],
       "pendingDecision":{"step":"nodegroup-apps","error":"DrainBlocked: ledger/writer-0","allowed":["RETRY","SKIP","ABORT","FORCE"],
         "since":"2026-12-07T15:06:00Z","reminders":0,
         "blockedPods":[{"node":"ip-10-0-1-5","namespace":"ledger","name":"writer-0","uid":"u","reason":"eviction refused (429) for 15m0s",
           "pdbs":[{"namespace":"ledger","name":"writer","disruptionsAllowed":0,"currentHealthy":1,"desiredHealthy":1,"expectedPods":1}]}]},
       "audit":[],"findings":[]}
      """;

  static ActivityProgress drain(String step, int evicted, int pending) {
    JsonNode details =
        CliJson.tree(java.util.Map.of(
            "node", "ip-10-0-1-23", "evictedUids", java.util.Collections.nCopies(evicted, "u"), "pending", pending));
    return new ActivityProgress(
        "eks-upgrade/us-east-1/demo/" + step, step, "DrainNode", "STARTED", 1, Instant.parse("2026-12-07T15:09:00Z"),
        NOW, null, details, HeartbeatDetails.read("DrainNode", details), null);
  }

  @Test
  void aLogShowsStepsTheDrainUnderItsStepAndTheGateWithCommandsAndSignalJsonWithoutClocksOrAnsi() {
    String text =
        new StatusScreen(Terminal.plain(), false).render(new UpgradeSnapshot(status(AT_GATE), List.of(drain("nodegroup-apps", 14, 17))), NOW);

    List<String> lines = text.lines().toList();
    assertThat(lines.get(0)).isEqualTo("eks-upgrade/us-east-1/demo  RUNNING  Kubernetes 1.32 → 1.34 (the cluster runs 1.32), started by alice");
    assertThat(text)
        .containsPattern("✔ preflight +SUCCEEDED +attempt 1 +took 2\\.5s +cluster ACTIVE at 1\\.32")
        .containsPattern("▶ nodegroup-apps +RUNNING +attempt 2 +since 2026-12-07T15:05:00Z")
        .containsPattern("· teardown-apps +PENDING +\\[gate teardown-apps\\]")
        .contains("Gate control-plane-1.33 waits for approval: update the control plane to 1.33")
        .contains("  open since 2026-12-07T15:07:00Z, reminded 1×")
        .contains("  approve:  eks-upgrader approve --cluster demo --region us-east-1 --gate control-plane-1.33 --comment \"<why>\"")
        .contains("  reject:   eks-upgrader reject --cluster demo --region us-east-1 --gate control-plane-1.33")
        .contains("Send Signal \"approve\" (or \"reject\") with {\"gate\":\"control-plane-1.33\",\"by\":\"<your name>\",\"comment\":\"<why>\"}")
        .contains("approve karpenter via signal by mallory: gate karpenter is not open")
        .doesNotContain("\u001b[")
        .doesNotContain("running for")
        .doesNotContain("waiting ");
    int step = lines.indexOf(lines.stream().filter(l -> l.contains("▶ nodegroup-apps")).findFirst().orElseThrow());
    assertThat(lines.get(step + 1)).as("the drain right under its step")
        .isEqualTo("      drain ip-10-0-1-23: 14/31 pods evicted [####......]");
  }

  @Test
  void theGateNamesWhoMayApproveAndItsHealthValuesAndABreachShowsUnderTheHealthGates() {
    String json =
        AT_GATE
            .replace(
                "\"openedAt\":\"2026-12-07T15:07:00Z\",\"reminders\":1}",
                "\"openedAt\":\"2026-12-07T15:07:00Z\",\"reminders\":1,\"type\":\"control-plane\",\"approvers\":[\"bob\",\"carol\"],"
                    + "\"health\":{\"when\":\"before gate control-plane-1.33\",\"readings\":[{\"gate\":\"istio-5xx\",\"query\":\"q5xx\","
                    + "\"max\":1,\"unit\":\"req/s\",\"series\":[{\"labels\":\"{destination_service=\\\"web\\\"}\",\"value\":0.2}],\"breached\":false}]}}")
            .replace(
                "\"findings\":[]}",
                "\"findings\":[],\"approvals\":{\"fourEyes\":true},\"health\":{\"configured\":true,\"summary\":\"Prometheus at http://prom:9090: 5 gate(s)\","
                    + "\"last\":{\"when\":\"while node group apps is replaced\",\"readings\":[{\"gate\":\"apiserver-p99\",\"query\":\"qp99\",\"max\":1,"
                    + "\"unit\":\"s\",\"series\":[{\"labels\":\"{verb=\\\"LIST\\\"}\",\"value\":4}],\"breached\":true}]}}}");
    String text = new StatusScreen(Terminal.plain(), false).render(new UpgradeSnapshot(status(json), List.of()), NOW);

    assertThat(text)
        .contains("  may approve: bob, carol")
        .contains("  four eyes: not alice")
        .contains("  health: istio-5xx = {destination_service=\"web\"} 0.2 req/s ≤ max 1 (q5xx)")
        .contains("Health gates: Prometheus at http://prom:9090: 5 gate(s)")
        .contains("  apiserver-p99 = {verb=\"LIST\"} 4 s > max 1 (qp99)");
  }

  @Test
  void aTerminalCutsLongLinesToItsWidth() {
    String text =
        new StatusScreen(Terminal.ansi(40), true).render(new UpgradeSnapshot(status(AT_GATE), List.of(drain("nodegroup-apps", 14, 17))), NOW);
    assertThat(text.lines()).allSatisfy(line -> assertThat(Terminal.strip(line).length()).isLessThanOrEqualTo(40));
    assertThat(text).contains("…");
  }

  @Test
  void aTerminalColoursAndShowsHowLongStepsRunAndGatesWait() {
    String text =
        new StatusScreen(Terminal.ansi(), true).render(new UpgradeSnapshot(status(AT_GATE), List.of(drain("nodegroup-apps", 14, 17))), NOW);

    assertThat(text).contains("\u001b[36mRUNNING");
    String plain = Terminal.strip(text);
    assertThat(plain)
        .containsPattern("▶ nodegroup-apps +RUNNING +attempt 2 +running for 5m 0s")
        .contains("open since 2026-12-07T15:07:00Z (waiting 3m 0s), reminded 1×")
        .contains("drain ip-10-0-1-23: 14/31 pods evicted [####......]");
  }

  @Test
  void aWaitThatCountsNothingShowsTheShareOfItsTimeoutOnlyOnATerminal() {
    ActivityProgress wait =
        new ActivityProgress(
            "eks-upgrade/us-east-1/demo", "nodegroup-apps", "AwaitNodeGroupReady", "STARTED", 1,
            NOW.minus(Duration.ofMinutes(3)), NOW, Duration.ofMinutes(30), CliJson.tree(4),
            HeartbeatDetails.read("AwaitNodeGroupReady", CliJson.tree(4)), null);
    UpgradeSnapshot snapshot = new UpgradeSnapshot(status(AT_GATE), List.of(wait));
    assertThat(Terminal.strip(new StatusScreen(Terminal.ansi(), true).render(snapshot, NOW)))
        .contains("      AwaitNodeGroupReady: poll 4 [#.........] 3m 0s of 30m 0s");
    assertThat(new StatusScreen(Terminal.plain(), false).render(snapshot, NOW))
        .contains("      AwaitNodeGroupReady: waiting\n")
        .doesNotContain("of 30m");
  }

  @Test
  void aBlockedDrainShowsThePodsTheAllowedActionsAndTheDecideCommandAndSignal() {
    String text = new StatusScreen(Terminal.plain(), false).render(new UpgradeSnapshot(status(BLOCKED), List.of()), NOW);

    assertThat(text)
        .containsPattern("✘ nodegroup-apps +FAILED +attempt 1 +took 1m 0s +DrainBlocked: 1 pod")
        .contains("Step nodegroup-apps FAILED and waits for a decision (retry, skip, abort, force)")
        .contains("  blocked: ledger/writer-0 on ip-10-0-1-5: eviction refused (429) for 15m0s — ledger/writer allows 0 (1/1 healthy)")
        .contains("  decide:   eks-upgrader decide --cluster shop --region eu-central-1 --step nodegroup-apps --retry|--skip|--abort|--force")
        .contains("Send Signal \"decide\" with {\"step\":\"nodegroup-apps\",\"action\":\"retry|skip|abort|force\"")
        .doesNotContain("Gate ");
  }
}
