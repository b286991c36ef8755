package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KarpenterDriftRequest;
import io.eksupgrader.workflows.model.KarpenterDriftResult;
import io.eksupgrader.workflows.model.KarpenterInventory;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Karpenter's nodes. Karpenter replaces them itself (drift) once the control plane moves; these
 * activities only observe, so they are safe to run any number of times.
 */
@ActivityInterface
public interface KarpenterActivities {

  /** NodePools and Karpenter's nodes with their versions; not installed when the API has no NodeClaims. */
  @ActivityMethod(name = ActivityTypes.INSPECT_KARPENTER)
  KarpenterInventory inspectKarpenter(ClusterRef cluster);

  /**
   * Waits until every node Karpenter launched runs the target version, heartbeating progress
   * (nodes at target, nodes left, launch failures). When no old node is replaced for the
   * configured stall timeout, fails with the non-retryable {@link
   * FailureTypes#KARPENTER_DRIFT_STALLED}, details {@link
   * io.eksupgrader.workflows.model.KarpenterDriftStall}: the old nodes, failed launches and
   * NodePools whose budget allows no disruption.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_KARPENTER_DRIFT)
  KarpenterDriftResult awaitKarpenterDrift(KarpenterDriftRequest request);
}
