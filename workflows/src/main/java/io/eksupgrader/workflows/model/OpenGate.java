package io.eksupgrader.workflows.model;

import java.time.Instant;

/**
 * An approval gate that is waiting for a human.
 *
 * @param reminders how many times the gate has announced itself again after waiting long
 */
public record OpenGate(
    String gate, String step, String summary, Instant openedAt, int reminders, Instant lastReminderAt) {}
