package io.eksupgrader.workflows.model;

import java.util.Locale;

/** What an operator decides about a failed step or a health pause. */
public enum DecisionAction {
  /** Run the step again; steps already completed are not repeated. */
  RETRY,
  /** Mark the step skipped and go on with the next one. */
  SKIP,
  /** Stop the upgrade here; later steps are cancelled and the step's rollback runs. */
  ABORT,
  /**
   * Run a blocked drain again, deleting exactly the pods the failure named instead of evicting
   * them. Offered only when a drain failed naming pods; the pods are recorded in the audit.
   */
  FORCE,
  /**
   * Go on although a health gate is breached; offered only by a health pause, and recorded with
   * the readings that caused it.
   */
  CONTINUE;

  /** Parses "retry", "RETRY", " Skip " and so on; null when the text names no action. */
  public static DecisionAction parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
