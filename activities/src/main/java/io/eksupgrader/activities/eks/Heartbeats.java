package io.eksupgrader.activities.eks;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;

/**
 * Waiting inside an activity. The wait is cut into slices with a heartbeat after each, so that a
 * wait longer than the heartbeat timeout does not look like a dead worker, and so that a
 * cancellation or a timed-out attempt (which the next heartbeat reports by throwing) ends it.
 */
public final class Heartbeats {

  private static final Duration SLICE = Duration.ofSeconds(5);

  private Heartbeats() {}

  public static void sleep(ActivityExecutionContext context, Duration wait, Object details) {
    long end = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        Thread.sleep(Math.max(1, Math.min(left, SLICE.toNanos()) / 1_000_000));
        context.heartbeat(details);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }
}
