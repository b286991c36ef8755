package io.eksupgrader.workflows.model;

import java.time.Instant;

/**
 * One approval, rejection or decision the workflow received, accepted or refused.
 *
 * @param kind approve, reject or decide (or the unknown signal's name)
 * @param target the gate or step it named
 * @param by who it claims to come from (the payload's {@code by})
 * @param via signal, update, option or policy
 * @param reason why it was refused, or how it was taken
 * @param identity who sent it as far as Temporal knows: the client identity an update carried, or
 *     for a signal the history event where the server recorded the sender's identity
 */
public record AuditEntry(
    Instant at,
    String kind,
    String target,
    String by,
    String comment,
    boolean accepted,
    String reason,
    String via,
    String identity) {

  public AuditEntry(
      Instant at, String kind, String target, String by, String comment, boolean accepted, String reason, String via) {
    this(at, kind, target, by, comment, accepted, reason, via, null);
  }
}
