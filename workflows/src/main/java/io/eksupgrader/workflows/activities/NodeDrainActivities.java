package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Kubernetes nodes of a cluster: cordon, drain and uncordon with {@code kubectl}'s semantics.
 * Every method observes first and is safe to run twice.
 */
@ActivityInterface
public interface NodeDrainActivities {

  /** Marks every node of the group unschedulable; nodes already cordoned are left alone. */
  @ActivityMethod(name = ActivityTypes.CORDON_NODES)
  NodeSetResult cordonNodes(NodeSetRequest request);

  /** Marks every node of the group schedulable again: the rollback of a drain. */
  @ActivityMethod(name = ActivityTypes.UNCORDON_NODES)
  NodeSetResult uncordonNodes(NodeSetRequest request);

  /**
   * Drains one cordoned node like {@code kubectl drain}: skips mirror and DaemonSet pods; refuses
   * pods with emptyDir data or without a controller unless the options allow them; evicts the
   * rest through the {@code policy/v1} Eviction API, retrying 429 (a PodDisruptionBudget) with
   * backoff until the per-node timeout; waits until each evicted pod is gone by UID. Heartbeats
   * the pods evicted so far so that a retried attempt does not evict them again. Fails with the
   * non-retryable {@link FailureTypes#DRAIN_BLOCKED}, details {@link
   * io.eksupgrader.workflows.model.DrainBlockage}, naming every pod that blocked it.
   */
  @ActivityMethod(name = ActivityTypes.DRAIN_NODE)
  DrainNodeResult drainNode(DrainNodeRequest request);

  /**
   * The safety check before deleting a group: its nodes are all cordoned and carry no pod other
   * than DaemonSet and mirror pods. Reads only.
   */
  @ActivityMethod(name = ActivityTypes.CHECK_NODES_DRAINED)
  DrainedCheck checkNodesDrained(NodeSetRequest request);
}
