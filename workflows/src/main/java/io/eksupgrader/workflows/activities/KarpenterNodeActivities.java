package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KarpenterDriftRequest;
import io.eksupgrader.workflows.model.KarpenterDriftResult;
import io.eksupgrader.workflows.model.KarpenterNodes;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Nodes that Karpenter launched. The upgrade does not replace them itself: once the control plane
 * moved, Karpenter's drift replaces each NodeClaim (the EC2NodeClass's AMI follows the cluster's
 * version), honouring its NodePools' disruption budgets and the pods' PodDisruptionBudgets. These
 * activities watch and report.
 */
@ActivityInterface
public interface KarpenterNodeActivities {

  /** Reads NodePools, NodeClaims and their nodes. Changes nothing. */
  @ActivityMethod(name = ActivityTypes.INSPECT_KARPENTER_NODES)
  KarpenterNodes inspectKarpenterNodes(ClusterRef cluster);

  /**
   * Polls until every Karpenter node runs the target version, heartbeating the progress (nodes
   * at the target, NodeClaims replaced, launch failures seen). When nothing progresses for the
   * request's timeout, fails with the non-retryable {@link FailureTypes#KARPENTER_DRIFT_STALLED}
   * naming the nodes still behind and the launch failures.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_KARPENTER_DRIFT)
  KarpenterDriftResult awaitKarpenterDrift(KarpenterDriftRequest request);
}
