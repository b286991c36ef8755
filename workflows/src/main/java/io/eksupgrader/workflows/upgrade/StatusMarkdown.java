package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.DrainBlockage;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.HealthGates;
import io.eksupgrader.workflows.planning.PreflightFindings;
import io.eksupgrader.workflows.model.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Renders an upgrade's status as markdown: the workflow's current details in the Temporal UI and
 * the CLI's {@code status} output. It says what runs, what waits, and the exact signal and JSON
 * that moves it on.
 */
public final class StatusMarkdown {

  private StatusMarkdown() {}

  /** Pre-flight's blockers and warnings with their remedies; the info findings only counted. */
  public static String findings(List<PreflightFinding> findings) {
    if (findings.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("\nPre-flight: ").append(PreflightFindings.count(findings)).append('\n');
    for (PreflightFinding f : findings) {
      if (f.severity() == Severity.INFO) {
        continue;
      }
      md.append("- **")
          .append(f.severity())
          .append("** `")
          .append(f.check())
          .append("` ")
          .append(f.subject() == null ? "" : f.subject() + ": ")
          .append(f.summary())
          .append(f.minor() == null ? "" : " (" + f.minor() + ")")
          .append(f.evidence().isEmpty() ? "" : " — " + String.join("; ", f.evidence()))
          .append(f.remedy() == null ? "" : ". What to do: " + f.remedy())
          .append('\n');
    }
    return md.toString();
  }

  public static String render(UpgradeStatus status) {
    StringBuilder md = new StringBuilder();
    md.append("### ")
        .append(status.workflowId() == null ? "eks-upgrade" : status.workflowId())
        .append(" — ")
        .append(status.outcome())
        .append('\n');
    String from = status.plan() != null ? status.plan().currentVersion() : status.currentVersion();
    md.append("Kubernetes ")
        .append(from == null ? "?" : from)
        .append(" → ")
        .append(status.targetVersion())
        .append("; the cluster runs ")
        .append(status.currentVersion() == null ? "?" : status.currentVersion())
        .append('\n');
    if (status.requestedBy() != null) {
      md.append("Started by ").append(status.requestedBy()).append('\n');
    }
    md.append('\n');
    if (status.openGate() != null) {
      String gate = status.openGate().gate();
      md.append("**Waiting for approval** of gate `")
          .append(gate)
          .append("` (")
          .append(status.openGate().summary())
          .append("), open since ")
          .append(status.openGate().openedAt());
      if (status.openGate().reminders() > 0) {
        md.append(", reminded ").append(status.openGate().reminders()).append("×");
      }
      if (!status.openGate().approvers().isEmpty()) {
        md.append(". May approve: ").append(String.join(", ", status.openGate().approvers()));
      }
      if (status.approvals() != null && status.approvals().fourEyes() && status.requestedBy() != null) {
        md.append(". Four eyes: not ").append(status.requestedBy());
      }
      if (status.openGate().health() != null) {
        md.append(".\n\nHealth when it opened:\n");
        status.openGate().health().readings().forEach(r -> md.append("- ").append(HealthGates.describe(r)).append('\n'));
      }
      md.append(".\n\nSend signal `")
          .append(UpgradeSignals.APPROVE)
          .append("` (or `")
          .append(UpgradeSignals.REJECT)
          .append("`) with:\n\n```json\n")
          .append(UpgradeSignals.approvalJson(gate))
          .append("\n```\n")
          .append(cliHint(status, "approve --gate " + gate))
          .append('\n');
    }
    if (status.pendingDecision() != null) {
      String step = status.pendingDecision().step();
      boolean failed =
          status.steps().stream().anyMatch(st -> st.id().equals(step) && st.state() == StepState.FAILED);
      md.append("**Step `")
          .append(step)
          .append(failed ? "` FAILED** and waits for a decision (" : "` is paused** and waits for a decision (")
          .append(status.pendingDecision().allowed())
          .append("):\n\n> ")
          .append(status.pendingDecision().error())
          .append("\n\n");
      List<DrainBlockage.BlockedPod> blocked =
          status.pendingDecision().blockedPods() == null ? List.of() : status.pendingDecision().blockedPods();
      if (!blocked.isEmpty()) {
        md.append("| pod | node | why | disruption budgets |\n|---|---|---|---|\n");
        for (DrainBlockage.BlockedPod pod : blocked) {
          md.append("| ")
              .append(pod.namespace())
              .append('/')
              .append(pod.name())
              .append(" | ")
              .append(pod.node())
              .append(" | ")
              .append(pod.reason())
              .append(" | ")
              .append(budgets(pod.pdbs()))
              .append(" |\n");
        }
        md.append(
            "\n`force` deletes exactly these pods (bypassing their budgets) and is recorded; `abort` and `skip` uncordon the old nodes.\n\n");
      }
      md.append("Send signal `")
          .append(UpgradeSignals.DECIDE)
          .append("` with:\n\n```json\n")
          .append(UpgradeSignals.decisionJson(step))
          .append("\n```\n")
          .append(cliHint(status, "decide --step " + step + " --retry"))
          .append('\n');
    }
    if (status.openGate() == null && status.pendingDecision() == null && "RUNNING".equals(status.outcome().name())) {
      md.append("**Running**: `").append(status.phase()).append("`\n\n");
    }
    md.append("| step | state | attempts | took | detail |\n|---|---|---|---|---|\n");
    for (StepStatus step : status.steps()) {
      md.append("| ")
          .append(step.id())
          .append(" | ")
          .append(step.state())
          .append(" | ")
          .append(step.attempts())
          .append(" | ")
          .append(took(step.startedAt(), step.finishedAt()))
          .append(" | ")
          // An aborted or skipped step keeps its error and says what its rollback did.
          .append(step.error() != null ? "**" + step.error() + "**" + (step.detail() == null ? "" : " — " + step.detail()) : step.detail() == null ? "" : step.detail())
          .append(" |\n");
    }
    md.append(findings(status.findings()));
    if (status.health() != null) {
      md.append("\nHealth gates: ").append(status.health().summary()).append('\n');
      if (status.health().last() != null) {
        md.append("Last asked ").append(status.health().last().when()).append(" at ").append(status.health().last().at()).append(":\n");
        status.health().last().readings().forEach(r -> md.append("- ").append(HealthGates.describe(r)).append('\n'));
      }
      if (!status.health().breaches().isEmpty()) {
        md.append("Breaches:\n");
        status.health().breaches().forEach(b -> md.append("- ").append(b).append('\n'));
      }
    }
    List<AuditEntry> refused = status.refused();
    if (!refused.isEmpty()) {
      md.append("\nRefused:\n");
      for (AuditEntry entry : refused) {
        md.append("- ")
            .append(entry.at())
            .append(' ')
            .append(entry.kind())
            .append(" via ")
            .append(entry.via())
            .append(entry.by() != null ? " by " + entry.by() : "")
            .append(": ")
            .append(entry.reason())
            .append('\n');
      }
    }
    if (status.lastError() != null) {
      md.append("\nLast error: ").append(status.lastError()).append('\n');
    }
    return md.toString();
  }

  private static String budgets(List<DrainBlockage.PdbStatus> pdbs) {
    if (pdbs == null || pdbs.isEmpty()) {
      return "none";
    }
    StringBuilder text = new StringBuilder();
    for (DrainBlockage.PdbStatus pdb : pdbs) {
      if (text.length() > 0) {
        text.append("; ");
      }
      text.append(pdb.namespace())
          .append('/')
          .append(pdb.name())
          .append(": ")
          .append(pdb.disruptionsAllowed())
          .append(" disruptions allowed, ")
          .append(pdb.currentHealthy())
          .append(" healthy of ")
          .append(pdb.desiredHealthy())
          .append(" needed (")
          .append(pdb.expectedPods())
          .append(" expected)");
    }
    return text.toString();
  }

  private static String cliHint(UpgradeStatus status, String command) {
    if (status.cluster() == null) {
      return "";
    }
    return "\nCLI: `eks-upgrader "
        + command
        + " --cluster "
        + status.cluster().name()
        + " --region "
        + status.cluster().region()
        + "`\n";
  }

  private static String took(Instant start, Instant end) {
    if (start == null || end == null) {
      return "";
    }
    Duration d = Duration.between(start, end);
    return d.toSeconds() >= 60
        ? d.toMinutes() + " min " + d.toSecondsPart() + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
