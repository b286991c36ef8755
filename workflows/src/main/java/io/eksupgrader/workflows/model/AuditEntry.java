package io.eksupgrader.workflows.model;

import java.time.Instant;

/**
 * One approval, rejection or decision the workflow received, accepted or refused.
 *
 * @param kind approve, reject or decide (or the unknown signal's name)
 * @param target the gate or step it named
 * @param via signal or update
 * @param reason why it was refused, or how it was taken
 */
public record AuditEntry(
    Instant at,
    String kind,
    String target,
    String by,
    String comment,
    boolean accepted,
    String reason,
    String via) {}
