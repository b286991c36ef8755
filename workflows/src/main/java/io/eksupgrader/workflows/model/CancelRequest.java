package io.eksupgrader.workflows.model;

/**
 * Who asks to cancel an upgrade and why, sent by {@code eks-upgrader cancel} right before it
 * cancels the workflow, so that the audit names them: Temporal's own cancel request carries its
 * sender and reason only on a history event, which the workflow cannot read.
 *
 * @param by who cancels, as the sender claims
 * @param reason why; free text
 * @param identity the client's own identity, as for {@link Approval#identity()}
 */
public record CancelRequest(String by, String reason, String identity) {}
