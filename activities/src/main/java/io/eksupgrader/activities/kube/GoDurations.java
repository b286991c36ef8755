package io.eksupgrader.activities.kube;

import java.time.Duration;

/** Durations the way Go and kubectl print them, so messages read like the tools operators know. */
public final class GoDurations {

  private GoDurations() {}

  /** 15m0s, 1h2m3s, 4s. */
  public static String format(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    if (h > 0) {
      return h + "h" + m + "m" + s + "s";
    }
    if (m > 0) {
      return m + "m" + s + "s";
    }
    return s + "s";
  }
}
