package io.eksupgrader.workflows.upgrade;

/** A check in workflow code that failed; the upgrade treats it like a failed activity. */
final class StepCheckFailed extends RuntimeException {

  StepCheckFailed(String message) {
    super(message);
  }
}
