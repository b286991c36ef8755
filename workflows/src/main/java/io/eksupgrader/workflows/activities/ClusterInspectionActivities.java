package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads a cluster's state. Never changes anything. */
@ActivityInterface
public interface ClusterInspectionActivities {

  /**
   * Describes the cluster, its in-progress updates and the versions EKS offers in its region. A
   * cluster that does not exist is a snapshot with {@code exists=false}, not a failure, so that
   * the workflow can refuse the upgrade with a clear message.
   */
  @ActivityMethod(name = ActivityTypes.INSPECT_CLUSTER)
  ClusterSnapshot inspectCluster(ClusterRef cluster);
}
