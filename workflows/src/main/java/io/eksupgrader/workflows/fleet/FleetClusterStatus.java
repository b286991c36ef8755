package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import java.time.Instant;

/**
 * One cluster of a fleet, as the fleet knows it. Its phase while it runs is in its own upgrade's
 * status ({@code workflowId}), which the CLI asks for.
 *
 * @param outcome the cluster upgrade's outcome once it ended, or null
 * @param message why it failed or was skipped, or the upgrade's own message
 */
public record FleetClusterStatus(
    ClusterRef cluster,
    String workflowId,
    String targetVersion,
    FleetClusterState state,
    UpgradeOutcome outcome,
    String finalVersion,
    String message,
    Instant startedAt,
    Instant endedAt) {}
