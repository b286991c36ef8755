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
 * @param health what the health gates saw; null for upgrades started before they existed
 * @param approvals the approval policy in force (the worker's and the spec's together); null for
 *     upgrades started before policies existed
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
    List<PreflightFinding> findings,
    HealthStatus health,
    ApprovalPolicy approvals) {

  public UpgradeStatus(
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
    this(
        workflowId, cluster, targetVersion, currentVersion, requestedBy, outcome, phase, plan, steps, openGate,
        pendingDecision, audit, lastError, startedAt, updatedAt, findings, null, null);
  }

  public UpgradeStatus {
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  public List<AuditEntry> refused() {
    return audit.stream().filter(a -> !a.accepted()).toList();
  }
}
