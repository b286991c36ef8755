package io.eksupgrader.workflows.fleet;

/** Where one cluster of a fleet stands. */
public enum FleetClusterState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Not started because the fleet stopped (a failure or a rejected gate). */
  SKIPPED
}
