package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.model.UpgradeRequest;
import java.util.List;

/**
 * One wave of a fleet: clusters upgraded together, at most {@code concurrency} at once.
 *
 * @param gate a human approves this wave before it starts (never the first wave: starting the
 *     fleet is its approval)
 * @param soakSeconds how long the fleet waits after this wave before the next one opens its gate
 * @param clusters each cluster's own upgrade request, as {@code start --spec} would send it
 */
public record FleetWave(String name, int concurrency, long soakSeconds, boolean gate, List<UpgradeRequest> clusters) {

  public FleetWave {
    clusters = clusters == null ? List.of() : List.copyOf(clusters);
  }
}
