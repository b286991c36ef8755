package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.model.ApprovalPolicy;
import java.util.List;

/**
 * The input of one fleet upgrade: waves of clusters, upgraded in order.
 *
 * @param maxFailures with {@link FailureMode#CONTINUE}, the fleet stops once this many clusters
 *     failed; 0 means no limit
 * @param autoApprove wave gates open and approve themselves, recorded as such
 * @param approvals who may approve wave gates (the fleet spec's; the worker's policy is the floor)
 * @param gateReminderMinutes how often an open wave gate re-announces itself; 0 for 30
 */
public record FleetRequest(
    String name,
    List<FleetWave> waves,
    FailureMode onFailure,
    int maxFailures,
    boolean autoApprove,
    ApprovalPolicy approvals,
    int gateReminderMinutes,
    String requestedBy) {

  public FleetRequest {
    waves = waves == null ? List.of() : List.copyOf(waves);
    onFailure = onFailure == null ? FailureMode.STOP_WAVE : onFailure;
  }
}
