package io.eksupgrader.workflows.fleet;

import java.time.Instant;
import java.util.List;

/**
 * One wave of a fleet, as the {@code status} query answers.
 *
 * @param soakEndsAt when the soak after this wave ends, while it soaks or after; null before
 */
public record WaveStatus(
    String name,
    WaveState state,
    int concurrency,
    long soakSeconds,
    boolean gate,
    List<FleetClusterStatus> clusters,
    Instant startedAt,
    Instant endedAt,
    Instant soakEndsAt) {

  public WaveStatus {
    clusters = clusters == null ? List.of() : List.copyOf(clusters);
  }
}
