package io.eksupgrader.workflows.model;

/** How an upgrade stands or ended. */
public enum UpgradeOutcome {
  RUNNING,
  SUCCEEDED,
  /** Pre-flight refused the upgrade before anything changed. */
  REFUSED,
  /** An operator rejected a gate. */
  REJECTED,
  /** An operator aborted after a failed step. */
  ABORTED,
  /**
   * The workflow was cancelled (eks-upgrader cancel, or Temporal's cancel): drains stopped, old
   * nodes that still carried pods uncordoned, a control-plane update in flight observed to its end.
   */
  CANCELLED,
  /** A dry run ({@code plan}) ended: pre-flight ran, the plan was built, nothing was changed. */
  PLANNED
}
