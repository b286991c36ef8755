package io.eksupgrader.workflows.model;

/** What a plan step does. */
public enum StepKind {
  PREFLIGHT,
  CONTROL_PLANE,
  VERIFY
}
