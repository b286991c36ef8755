package io.eksupgrader.workflows.model;

/** How much a pre-flight finding weighs. */
public enum Severity {
  /** The upgrade cannot go on: it stops before any change until the operator fixes it and retries. */
  BLOCKER,
  /** The operator should look: shown at the pre-flight gate, which must be approved. */
  WARNING,
  /** Worth knowing; asks for nothing. */
  INFO
}
