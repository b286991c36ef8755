package io.eksupgrader.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Simulated time: the scenario's start plus the real time elapsed since the server started,
 * multiplied by the scenario's time scale. It is a pure function of real time, so state that
 * depends on it (an update that ends after 25 simulated minutes) can be worked out lazily when a
 * request arrives, with no background threads.
 */
public final class SimulatedClock extends Clock {

  private final Instant simulatedStart;
  private final long realStartNanos;
  private final double timeScale;
  private final ZoneId zone;

  SimulatedClock(Instant simulatedStart, double timeScale) {
    this(simulatedStart, System.nanoTime(), timeScale, ZoneOffset.UTC);
  }

  private SimulatedClock(Instant simulatedStart, long realStartNanos, double timeScale, ZoneId zone) {
    if (!(timeScale > 0)) {
      throw new IllegalArgumentException("timeScale must be positive, was " + timeScale);
    }
    this.simulatedStart = simulatedStart;
    this.realStartNanos = realStartNanos;
    this.timeScale = timeScale;
    this.zone = zone;
  }

  @Override
  public Instant instant() {
    long realElapsed = System.nanoTime() - realStartNanos;
    return simulatedStart.plusNanos((long) (realElapsed * timeScale));
  }

  /** The simulated instant at which the run started. */
  public Instant start() {
    return simulatedStart;
  }

  /** Simulated seconds per real second. */
  public double timeScale() {
    return timeScale;
  }

  public Duration simulatedElapsed() {
    return Duration.between(simulatedStart, instant());
  }

  /** How long a simulated duration takes in real time, e.g. 25 min at scale 600 is 2.5 s. */
  public Duration toReal(Duration simulated) {
    return Duration.ofNanos((long) (simulated.toNanos() / timeScale));
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new SimulatedClock(simulatedStart, realStartNanos, timeScale, newZone);
  }
}
