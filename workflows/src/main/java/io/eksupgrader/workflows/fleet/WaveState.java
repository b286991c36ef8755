package io.eksupgrader.workflows.fleet;

/** Where one wave of a fleet stands. */
public enum WaveState {
  PENDING,
  AWAITING_APPROVAL,
  RUNNING,
  /** Its clusters are done; the fleet waits its soak time before the next wave. */
  SOAKING,
  SUCCEEDED,
  /** At least one cluster failed. */
  FAILED,
  REJECTED,
  SKIPPED
}
