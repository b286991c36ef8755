package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import io.eksupgrader.cli.Terminal.Colour;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Follows one upgrade by polling its status query: prints each step's transitions and, when
 * given someone to ask, answers gates and failed steps through the workflow's updates.
 */
final class UpgradeWatcher {

  private static final Duration POLL = Duration.ofMillis(300);

  private final TemporalConnection connection;
  private final ClusterRef cluster;
  private final PrintWriter out;
  private final GateAnswers answers;
  private final double timeScale;
  /** Colours the transitions' marks only when stdout is a terminal that wants them. */
  private final Terminal terminal;
  private final Map<String, StepState> seen = new HashMap<>();
  private final Set<String> asked = new HashSet<>();
  private int auditSeen;
  private boolean stopWhenUnanswered;

  UpgradeWatcher(TemporalConnection connection, ClusterRef cluster, PrintWriter out, GateAnswers answers, double timeScale) {
    this.connection = connection;
    this.cluster = cluster;
    this.out = out;
    this.answers = answers;
    this.timeScale = timeScale;
    this.terminal = Terminal.detect(Terminal.ColorMode.AUTO);
  }

  /** Waits until pre-flight has built the plan (or refused), prints it, and returns. */
  int awaitPlan() {
    UpgradeStatus status = waitForPlan(true);
    printPlan(status);
    out.print(StatusMarkdown.findings(status.findings()));
    if (status.openGate() != null) {
      out.printf(
          "Gate %s waits for approval: eks-upgrader approve --cluster %s --region %s --gate %s%n",
          status.openGate().gate(), cluster.name(), cluster.region(), status.openGate().gate());
    }
    return ExitCodes.OK;
  }

  /**
   * Waits until pre-flight has built the plan and returns the status; a refusal, or blockers that
   * stop the upgrade before any change, are a CliFailure that carries the status.
   *
   * @param printFindings whether to print pre-flight's findings before failing on its blockers
   */
  UpgradeStatus waitForPlan(boolean printFindings) {
    while (true) {
      UpgradeStatus status = connection.status(cluster);
      if (status.outcome() == UpgradeOutcome.REFUSED) {
        String why = status.steps().isEmpty() ? status.lastError() : status.steps().get(0).error();
        throw new CliFailure(ExitCodes.REFUSED, "pre-flight refused the upgrade; nothing was changed: " + why, status);
      }
      if (status.pendingDecision() != null && status.pendingDecision().step().equals("preflight")) {
        if (printFindings) {
          out.print(StatusMarkdown.findings(status.findings()));
        }
        throw new CliFailure(
            ExitCodes.REFUSED,
            "pre-flight stopped the upgrade before any change: " + status.pendingDecision().error()
                + "\nAfter fixing: eks-upgrader decide --cluster " + cluster.name() + " --region " + cluster.region()
                + " --step preflight --retry (or --abort)",
            status);
      }
      if (status.plan() != null || status.outcome() != UpgradeOutcome.RUNNING) {
        return status;
      }
      sleep();
    }
  }

  /** Follows the upgrade to its end, printing transitions; returns the exit code of its outcome. */
  int followToEnd() {
    boolean planPrinted = false;
    while (true) {
      UpgradeStatus status = connection.status(cluster);
      if (!planPrinted && status.plan() != null) {
        printPlan(status);
        // What gate preflight asks to approve, before it is asked.
        out.print(StatusMarkdown.findings(status.findings()));
        planPrinted = true;
      }
      printTransitions(status);
      if (status.outcome() != UpgradeOutcome.RUNNING) {
        out.println();
        out.println(StatusMarkdown.render(status));
        return exitCode(status.outcome());
      }
      if (answers != null && status.openGate() != null && asked.add("gate:" + status.openGate().gate())) {
        Boolean approve = answers.approve(status.openGate());
        if (approve != null) {
          answerGate(status.openGate().gate(), approve);
        } else if (stopWhenUnanswered) {
          throw unanswered("gate " + status.openGate().gate());
        }
      }
      if (answers != null
          && status.pendingDecision() != null
          && asked.add("decide:" + status.pendingDecision().step() + ":" + status.pendingDecision().since())) {
        out.println("  " + status.pendingDecision().error());
        if (status.pendingDecision().blockedPods() != null) {
          for (var pod : status.pendingDecision().blockedPods()) {
            out.printf(
                "    blocked: %s/%s on %s: %s%s%n",
                pod.namespace(),
                pod.name(),
                pod.node(),
                pod.reason(),
                pod.pdbs().isEmpty()
                    ? ""
                    : " — "
                        + pod.pdbs().stream()
                            .map(p -> p.namespace() + "/" + p.name() + " allows " + p.disruptionsAllowed()
                                + " (" + p.currentHealthy() + "/" + p.desiredHealthy() + " healthy)")
                            .collect(java.util.stream.Collectors.joining(", ")));
          }
        }
        DecisionAction action = answers.decide(status.pendingDecision());
        if (action != null) {
          decide(status.pendingDecision().step(), action);
        } else if (stopWhenUnanswered) {
          throw unanswered("failed step " + status.pendingDecision().step());
        } else {
          out.printf(
              "Step %s waits for a decision: eks-upgrader decide --cluster %s --region %s --step %s %s%n",
              status.pendingDecision().step(),
              cluster.name(),
              cluster.region(),
              status.pendingDecision().step(),
              status.pendingDecision().allowed().stream()
                  .map(a -> "--" + a.name().toLowerCase())
                  .collect(java.util.stream.Collectors.joining("|")));
        }
      }
      sleep();
    }
  }

  /**
   * In the demo nobody else can answer (its Temporal lives in this process), so a question left
   * unanswered ends the demo instead of waiting forever.
   */
  UpgradeWatcher stopWhenUnanswered() {
    this.stopWhenUnanswered = true;
    return this;
  }

  private CliFailure unanswered(String what) {
    return new CliFailure(
        ExitCodes.UPGRADE_NOT_SUCCEEDED,
        "nobody answered the " + what + " (terminal input ended); run the demo in a terminal, or with --auto-approve");
  }

  private void answerGate(String gate, boolean approve) {
    Approval approval = new Approval(gate, connection.options.identity, approve ? "approved at the terminal" : "rejected at the terminal");
    try {
      String answer = connection.update(cluster, u -> approve ? u.approveGate(approval) : u.rejectGate(approval));
      out.println("  " + answer + " as " + connection.options.identity);
    } catch (CliFailure e) {
      out.println("  " + e.getMessage());
    }
  }

  private void decide(String step, DecisionAction action) {
    OperatorDecision decision = new OperatorDecision(step, action, connection.options.identity, "decided at the terminal");
    try {
      out.println("  " + connection.update(cluster, u -> u.decideStep(decision)));
    } catch (CliFailure e) {
      out.println("  " + e.getMessage());
    }
  }

  private void printPlan(UpgradeStatus status) {
    if (status.plan() == null) {
      return;
    }
    out.printf("Plan for %s: %s → %s%n", cluster, status.plan().currentVersion(), status.plan().targetVersion());
    int n = 1;
    for (PlanStep step : status.plan().steps()) {
      out.printf("  %d. %-20s %s%s%n", n++, step.id(), step.title(), step.gate() != null ? "  [gate " + step.gate() + "]" : "");
    }
    out.flush();
  }

  private void printTransitions(UpgradeStatus status) {
    for (StepStatus step : status.steps()) {
      StepState before = seen.put(step.id(), step.state());
      if (before == step.state() || (before == null && step.state() == StepState.PENDING)) {
        continue;
      }
      switch (step.state()) {
        case AWAITING_APPROVAL ->
            out.printf("%s %-20s waits for approval of gate %s%n", terminal.paint("…", Colour.YELLOW), step.id(), step.gate());
        case RUNNING -> out.printf("%s %-20s running (attempt %d)%n", terminal.paint("▶", Colour.CYAN), step.id(), step.attempts());
        case SUCCEEDED ->
            out.printf("%s %-20s succeeded in %s: %s%n", terminal.paint("✔", Colour.GREEN), step.id(), took(step), step.detail());
        case FAILED -> out.printf("%s %-20s %s: %s%n", terminal.paint("✘", Colour.RED), step.id(), terminal.paint("FAILED", Colour.RED), step.error());
        case ABORTED, SKIPPED ->
            out.printf("• %-20s %s%s%n", step.id(), step.state(), step.detail() == null ? "" : ": " + step.detail());
        default -> out.printf("• %-20s %s%n", step.id(), step.state());
      }
    }
    for (AuditEntry entry : status.audit().subList(Math.min(auditSeen, status.audit().size()), status.audit().size())) {
      if (!entry.accepted()) {
        out.printf("  refused %s via %s by %s: %s%n", entry.kind(), entry.via(), entry.by(), entry.reason());
      }
    }
    auditSeen = status.audit().size();
    out.flush();
  }

  private String took(StepStatus step) {
    if (step.startedAt() == null || step.finishedAt() == null) {
      return "?";
    }
    Duration real = Duration.between(step.startedAt(), step.finishedAt());
    String text = String.format("%.1f s", real.toMillis() / 1000.0);
    // Only the waits for EKS run on the sandbox's simulated clock; pre-flight and checks do not.
    if (timeScale > 1 && step.kind() == StepKind.CONTROL_PLANE) {
      long simulatedSeconds = Math.round(real.toMillis() / 1000.0 * timeScale);
      text += String.format(" (≈ %d min simulated)", Math.round(simulatedSeconds / 60.0));
    }
    return text;
  }

  static int exitCode(UpgradeOutcome outcome) {
    return switch (outcome) {
      case SUCCEEDED -> ExitCodes.OK;
      case REFUSED -> ExitCodes.REFUSED;
      default -> ExitCodes.UPGRADE_NOT_SUCCEEDED;
    };
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UPGRADE_NOT_SUCCEEDED, "interrupted");
    }
  }
}
