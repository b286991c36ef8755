package io.eksupgrader.workflows.fleet;

import java.util.Locale;

/** What a failed cluster does to the rest of the fleet. */
public enum FailureMode {
  /** The first failure stops its wave from starting more clusters, and no later wave starts. */
  STOP_WAVE,
  /** Failures are recorded and the fleet goes on, until {@code maxFailures} clusters failed. */
  CONTINUE;

  /** {@code stop-wave} or {@code continue}, as a fleet spec writes it; null for anything else. */
  public static FailureMode parse(String text) {
    if (text == null) {
      return null;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "stop-wave" -> STOP_WAVE;
      case "continue" -> CONTINUE;
      default -> null;
    };
  }

  public String specName() {
    return this == STOP_WAVE ? "stop-wave" : "continue";
  }
}
