package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OpenGate;
import io.eksupgrader.workflows.model.PendingDecision;

/** Who answers gates and failed steps while the CLI follows an upgrade: a person, or nobody. */
interface GateAnswers {

  /** True to approve, false to reject, null to leave the gate open for someone else. */
  Boolean approve(OpenGate gate);

  /** The decision for a failed step, or null to leave it for someone else. */
  DecisionAction decide(PendingDecision pending);

  /** Approves every gate; never decides about a failure, which always needs a person. */
  static GateAnswers autoApprove() {
    return new GateAnswers() {
      @Override
      public Boolean approve(OpenGate gate) {
        return true;
      }

      @Override
      public DecisionAction decide(PendingDecision pending) {
        return null;
      }
    };
  }
}
