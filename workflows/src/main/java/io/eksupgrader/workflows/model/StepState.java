package io.eksupgrader.workflows.model;

/** Where one plan step stands. */
public enum StepState {
  PENDING,
  AWAITING_APPROVAL,
  RUNNING,
  SUCCEEDED,
  /** Failed after its retry policy; the upgrade waits for an operator decision. */
  FAILED,
  /** An operator decided to go on without it. */
  SKIPPED,
  /** An operator aborted the upgrade at this step. */
  ABORTED,
  /** Its gate was rejected. */
  REJECTED,
  /** Never ran because the upgrade ended before it. */
  CANCELLED;

  public boolean isFinished() {
    return this == SUCCEEDED
        || this == SKIPPED
        || this == ABORTED
        || this == REJECTED
        || this == CANCELLED;
  }
}
