package io.eksupgrader.workflows.model;

import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReport;
import java.time.Instant;
import java.util.List;

/**
 * An approval gate that is waiting for a human.
 *
 * @param reminders how many times the gate has announced itself again after waiting long
 * @param type the gate's type in the approval policy, e.g. {@code control-plane}
 * @param approvers who may approve it; empty means anyone the policy does not exclude
 * @param health the health gates' values just before it opened; null without health gates
 */
public record OpenGate(
    String gate,
    String step,
    String summary,
    Instant openedAt,
    int reminders,
    Instant lastReminderAt,
    String type,
    List<String> approvers,
    HealthReport health) {

  public OpenGate(String gate, String step, String summary, Instant openedAt, int reminders, Instant lastReminderAt) {
    this(gate, step, summary, openedAt, reminders, lastReminderAt, null, List.of(), null);
  }

  public OpenGate {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
  }
}
