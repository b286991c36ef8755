package io.eksupgrader.workflows.model;

/**
 * How an upgrade runs.
 *
 * @param autoApprove open no approval gates; meant for non-production clusters
 * @param gateReminderMinutes how long a gate or a failed step waits before it announces itself
 *     again (log and status); it never approves or decides by itself
 */
public record UpgradeOptions(boolean autoApprove, int gateReminderMinutes) {

  public static final int DEFAULT_GATE_REMINDER_MINUTES = 30;

  public static UpgradeOptions defaults() {
    return new UpgradeOptions(false, DEFAULT_GATE_REMINDER_MINUTES);
  }

  public int reminderMinutesOrDefault() {
    return gateReminderMinutes > 0 ? gateReminderMinutes : DEFAULT_GATE_REMINDER_MINUTES;
  }
}
