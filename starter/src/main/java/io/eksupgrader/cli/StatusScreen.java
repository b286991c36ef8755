package io.eksupgrader.cli;

import io.eksupgrader.cli.Terminal.Colour;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.DrainBlockage;
import io.eksupgrader.workflows.model.OpenGate;
import io.eksupgrader.workflows.model.PendingDecision;
import io.eksupgrader.workflows.model.Severity;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.HealthGates;
import io.eksupgrader.workflows.planning.PreflightFindings;
import io.eksupgrader.workflows.upgrade.UpgradeSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The text of {@code status --watch}: the steps with state, attempts and time, what runs now with
 * its progress bars, the open gate with the exact commands and signal JSON, and the pending
 * decision.
 *
 * <p>A live screen (a terminal, redrawn in place) shows clocks that tick: how long a step has run
 * and a gate has waited. A log (a pipe, CI) shows only what changes with the upgrade itself, so
 * that a block is printed again only when something happened.
 */
final class StatusScreen {

  private static final int BAR_WIDTH = 10;

  private final Terminal terminal;
  private final boolean live;

  StatusScreen(Terminal terminal, boolean live) {
    this.terminal = terminal;
    this.live = live;
  }

  String render(UpgradeSnapshot snapshot, Instant now) {
    UpgradeStatus status = snapshot.status();
    List<String> lines = new ArrayList<>();
    String from = status.plan() != null ? status.plan().currentVersion() : status.currentVersion();
    lines.add(
        terminal.paint(status.workflowId() == null ? "eks-upgrade" : status.workflowId(), Colour.BOLD)
            + "  "
            + outcome(status.outcome())
            + "  Kubernetes "
            + orUnknown(from)
            + " → "
            + status.targetVersion()
            + " (the cluster runs "
            + orUnknown(status.currentVersion())
            + ")"
            + (status.requestedBy() == null ? "" : ", started by " + status.requestedBy()));
    if (status.outcome() == UpgradeOutcome.RUNNING && status.phase() != null) {
      lines.add("Phase: " + status.phase());
    }
    lines.add("");
    int width = Math.max(12, status.steps().stream().mapToInt(s -> s.id().length()).max().orElse(12));
    for (StepStatus step : status.steps()) {
      lines.add(step(step, width, now));
      for (ActivityProgress activity : snapshot.activities()) {
        if (step.id().equals(activity.step()) && step.state() == StepState.RUNNING) {
          lines.add(progress(activity, width, now));
        }
      }
    }
    // Activities whose step is not in the list (e.g. before the plan exists) still show.
    for (ActivityProgress activity : snapshot.activities()) {
      boolean shown =
          status.steps().stream().anyMatch(s -> s.id().equals(activity.step()) && s.state() == StepState.RUNNING);
      if (!shown) {
        lines.add(progress(activity, width, now));
      }
    }
    if (status.openGate() != null) {
      lines.add("");
      lines.addAll(gate(status, status.openGate(), now));
    }
    if (status.pendingDecision() != null) {
      lines.add("");
      lines.addAll(decision(status, status.pendingDecision(), now));
    }
    if (status.health() != null) {
      lines.add("");
      lines.add("Health gates: " + status.health().summary());
      // Only breaches: values that change each evaluation would print a new block every time.
      if (status.health().last() != null) {
        status.health().last().breaches().forEach(r -> lines.add("  " + terminal.paint(HealthGates.describe(r), Colour.RED)));
      }
    }
    if (!status.findings().isEmpty()) {
      lines.add("");
      lines.add("Pre-flight: " + PreflightFindings.count(status.findings()));
      // Warnings were approved at gate preflight (the final status lists them); blockers stop the upgrade.
      status.findings().stream()
          .filter(f -> f.severity() == Severity.BLOCKER)
          .forEach(f -> lines.add(
              "  "
                  + terminal.paint(f.severity().name(), Colour.RED)
                  + " "
                  + f.check()
                  + " "
                  + (f.subject() == null ? "" : f.subject() + ": ")
                  + f.summary()));
    }
    List<AuditEntry> refused = status.refused();
    if (!refused.isEmpty()) {
      lines.add("");
      lines.add("Refused:");
      for (AuditEntry entry : refused) {
        lines.add(
            "  " + entry.at() + " " + entry.kind() + " " + entry.target() + " via " + entry.via()
                + (entry.by() != null ? " by " + entry.by() : "") + ": " + entry.reason());
      }
    }
    if (status.lastError() != null) {
      lines.add("");
      lines.add(terminal.paint("Last error: ", Colour.RED) + status.lastError());
    }
    if (live) {
      // A line wider than the terminal wraps, and the redraw would erase too few lines.
      int columns = terminal.width();
      lines.replaceAll(line -> Terminal.fit(line, columns));
    }
    return String.join("\n", lines);
  }

  private String outcome(UpgradeOutcome outcome) {
    Colour colour =
        switch (outcome) {
          case SUCCEEDED, PLANNED -> Colour.GREEN;
          case RUNNING -> Colour.CYAN;
          default -> Colour.RED;
        };
    return terminal.paint(outcome.name(), colour);
  }

  private String step(StepStatus step, int width, Instant now) {
    String mark =
        switch (step.state()) {
          case SUCCEEDED -> terminal.paint("✔", Colour.GREEN);
          case RUNNING -> terminal.paint("▶", Colour.CYAN);
          case AWAITING_APPROVAL -> terminal.paint("…", Colour.YELLOW);
          case FAILED, ABORTED, REJECTED -> terminal.paint("✘", Colour.RED);
          default -> terminal.paint("·", Colour.DIM);
        };
    String state = String.format(Locale.ROOT, "%-17s", step.state());
    state =
        switch (step.state()) {
          case SUCCEEDED -> terminal.paint(state, Colour.GREEN);
          case RUNNING -> terminal.paint(state, Colour.CYAN);
          case AWAITING_APPROVAL -> terminal.paint(state, Colour.YELLOW);
          case FAILED, ABORTED, REJECTED -> terminal.paint(state, Colour.RED);
          default -> terminal.paint(state, Colour.DIM);
        };
    StringBuilder line =
        new StringBuilder("  ").append(mark).append(' ').append(String.format(Locale.ROOT, "%-" + width + "s", step.id()))
            .append("  ").append(state);
    if (step.attempts() > 0) {
      line.append(String.format(Locale.ROOT, " attempt %-2d", step.attempts()));
    } else {
      line.append("           ");
    }
    String time = time(step, now);
    if (!time.isEmpty()) {
      line.append(' ').append(time);
    }
    if (step.state() == StepState.PENDING && step.gate() != null) {
      line.append("  [gate ").append(step.gate()).append(']');
    }
    if (step.error() != null) {
      line.append("  ").append(terminal.paint(step.error(), Colour.RED));
    } else if (step.detail() != null && step.state().isFinished()) {
      line.append("  ").append(step.detail());
    }
    return line.toString().stripTrailing();
  }

  /** A finished step's duration; a running one's start, and on a live screen how long it runs. */
  private String time(StepStatus step, Instant now) {
    if (step.startedAt() == null) {
      return "";
    }
    if (step.finishedAt() != null) {
      return "took " + duration(Duration.between(step.startedAt(), step.finishedAt()));
    }
    return live && now != null
        ? "running for " + duration(Duration.between(step.startedAt(), now))
        : "since " + step.startedAt();
  }

  private String progress(ActivityProgress activity, int width, Instant now) {
    StringBuilder line =
        new StringBuilder("      ").append(live ? activity.reading().text() : activity.reading().steadyText());
    if (activity.reading().counted()) {
      line.append(' ').append(terminal.paint(activity.reading().bar(BAR_WIDTH), Colour.CYAN));
    } else if (live && now != null && activity.startedAt() != null && activity.timeout() != null) {
      // A wait that counts nothing: how much of its attempt's time it has used.
      Duration used = Duration.between(activity.startedAt(), now);
      line.append(' ')
          .append(terminal.paint(ProgressBar.of(used.toMillis(), activity.timeout().toMillis(), BAR_WIDTH), Colour.DIM))
          .append(' ')
          .append(duration(used))
          .append(" of ")
          .append(duration(activity.timeout()));
    }
    if (activity.attempt() > 1) {
      line.append(" (attempt ").append(activity.attempt()).append(')');
    }
    if (activity.lastFailure() != null) {
      line.append(terminal.paint(" last failure: " + activity.lastFailure(), Colour.YELLOW));
    }
    return line.toString();
  }

  private List<String> gate(UpgradeStatus status, OpenGate gate, Instant now) {
    List<String> lines = new ArrayList<>();
    StringBuilder head =
        new StringBuilder(terminal.paint("Gate " + gate.gate() + " waits for approval", Colour.YELLOW));
    if (gate.summary() != null) {
      head.append(": ").append(gate.summary());
    }
    lines.add(head.toString());
    StringBuilder since = new StringBuilder("  open since ").append(gate.openedAt());
    if (live && now != null && gate.openedAt() != null) {
      since.append(" (waiting ").append(duration(Duration.between(gate.openedAt(), now))).append(')');
    }
    if (gate.reminders() > 0) {
      since.append(", reminded ").append(gate.reminders()).append('×');
    }
    lines.add(since.toString());
    if (!gate.approvers().isEmpty()) {
      lines.add("  may approve: " + String.join(", ", gate.approvers()));
    }
    if (status.approvals() != null && status.approvals().fourEyes() && status.requestedBy() != null) {
      lines.add("  four eyes: not " + status.requestedBy());
    }
    if (gate.health() != null) {
      gate.health().readings().forEach(r -> lines.add("  health: " + HealthGates.describe(r)));
    }
    lines.add("  approve:  " + cli(status, "approve --gate " + gate.gate() + " --comment \"<why>\""));
    lines.add("  reject:   " + cli(status, "reject --gate " + gate.gate() + " --comment \"<why>\""));
    lines.add(
        "  Temporal UI: Send Signal \"" + UpgradeSignals.APPROVE + "\" (or \"" + UpgradeSignals.REJECT + "\") with "
            + UpgradeSignals.approvalJson(gate.gate()));
    return lines;
  }

  private List<String> decision(UpgradeStatus status, PendingDecision decision, Instant now) {
    List<String> lines = new ArrayList<>();
    String allowed =
        decision.allowed().stream().map(a -> a.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    lines.add(terminal.paint("Step " + decision.step() + " FAILED", Colour.RED) + " and waits for a decision (" + allowed + ")");
    lines.add("  " + decision.error());
    StringBuilder since = new StringBuilder("  since ").append(decision.since());
    if (live && now != null && decision.since() != null) {
      since.append(" (waiting ").append(duration(Duration.between(decision.since(), now))).append(')');
    }
    if (decision.reminders() > 0) {
      since.append(", reminded ").append(decision.reminders()).append('×');
    }
    lines.add(since.toString());
    if (decision.blockedPods() != null) {
      for (DrainBlockage.BlockedPod pod : decision.blockedPods()) {
        lines.add(
            "  blocked: " + pod.namespace() + "/" + pod.name() + " on " + pod.node() + ": " + pod.reason()
                + (pod.pdbs() == null || pod.pdbs().isEmpty()
                    ? ""
                    : " — " + pod.pdbs().stream()
                        .map(p -> p.namespace() + "/" + p.name() + " allows " + p.disruptionsAllowed()
                            + " (" + p.currentHealthy() + "/" + p.desiredHealthy() + " healthy)")
                        .collect(Collectors.joining(", "))));
      }
    }
    String flags =
        decision.allowed().stream().map(a -> "--" + a.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
    lines.add("  decide:   " + cli(status, "decide --step " + decision.step() + " " + flags + " --comment \"<why>\""));
    lines.add(
        "  Temporal UI: Send Signal \"" + UpgradeSignals.DECIDE + "\" with "
            + UpgradeSignals.decisionJson(decision.step()));
    if (decision.allowed().contains(DecisionAction.FORCE)) {
      lines.add("  force deletes exactly the blocked pods (bypassing their budgets) and is recorded");
    }
    return lines;
  }

  private static String cli(UpgradeStatus status, String command) {
    if (status.cluster() == null) {
      return "eks-upgrader " + command;
    }
    return "eks-upgrader " + command.replaceFirst(" ", " --cluster " + status.cluster().name() + " --region "
        + status.cluster().region() + " ");
  }

  static String duration(Duration d) {
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }

  private static String orUnknown(String s) {
    return s == null ? "?" : s;
  }
}
