package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Which notifications an upgrade sends, and to which of the worker's webhooks.
 *
 * @param disabled send none
 * @param channel a webhook name in the worker's configuration; null means {@code default}
 * @param events the events to send (see {@code NotificationActivities.Events}); empty means all
 */
public record NotificationOptions(boolean disabled, String channel, List<String> events) {

  public NotificationOptions {
    events = events == null ? List.of() : List.copyOf(events);
  }

  public static NotificationOptions defaults() {
    return new NotificationOptions(false, null, List.of());
  }

  public boolean sends(String event) {
    return !disabled && (events.isEmpty() || events.contains(event));
  }
}
