package io.eksupgrader.workflows.fleet;

/** How a fleet upgrade stands or ended. */
public enum FleetOutcome {
  RUNNING,
  SUCCEEDED,
  /** Every wave ran, but some clusters failed ({@code onFailure: continue}). */
  SUCCEEDED_WITH_FAILURES,
  /** Failures stopped the fleet before every cluster ran. */
  FAILED,
  /** An operator rejected a wave gate. */
  REJECTED
}
