package io.eksupgrader.workflows.model;

/**
 * The payload of {@code decide}: {@code {"step":"control-plane-1.33","action":"retry",
 * "by":"alice","comment":"throttling is over"}}.
 *
 * @param identity the client's own identity, as for {@link Approval#identity()}
 */
public record OperatorDecision(String step, DecisionAction action, String by, String comment, String identity) {

  public OperatorDecision(String step, DecisionAction action, String by, String comment) {
    this(step, action, by, comment, null);
  }
}
