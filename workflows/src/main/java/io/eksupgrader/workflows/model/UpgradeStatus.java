package io.eksupgrader.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * Everything an operator needs to know about one upgrade, as the {@code status} query answers.
 *
 * @param phase the step that runs or waits, or the outcome once it ended
 * @param plan null until pre-flight has built it
 * @param openGate the gate that waits for approval, or null
 * @param pendingDecision the failed step that waits for a decision, or null
 * @param audit every approval, rejection and decision received, with refusals and their reasons
 * @param findings what pre-flight's checks found, blockers first; empty before they ran
 */
public record UpgradeStatus(
    String workflowId,
    ClusterRef cluster,
    String targetVersion,
    String currentVersion,
    String requestedBy,
    UpgradeOutcome outcome,
    String phase,
    UpgradePlan plan,
    List<StepStatus> steps,
    OpenGate openGate,
    PendingDecision pendingDecision,
    List<AuditEntry> audit,
    String lastError,
    Instant startedAt,
    Instant updatedAt,
    List<PreflightFinding> findings) {

  public UpgradeStatus {
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  public List<AuditEntry> refused() {
    return audit.stream().filter(a -> !a.accepted()).toList();
  }
}
