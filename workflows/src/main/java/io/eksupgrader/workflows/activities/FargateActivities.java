package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.FargateProfileInfo;
import io.eksupgrader.workflows.model.FargateRecycleRequest;
import io.eksupgrader.workflows.model.FargateRecycleResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Fargate profiles: a Fargate pod keeps the kubelet it started with until it is recreated. */
@ActivityInterface
public interface FargateActivities {

  /** The cluster's Fargate profiles with their selectors. Reads only. */
  @ActivityMethod(name = ActivityTypes.LIST_FARGATE_PROFILES)
  List<FargateProfileInfo> listFargateProfiles(ClusterRef cluster);

  /**
   * Restarts, like {@code kubectl rollout restart}, every Deployment and StatefulSet with a pod of
   * the profile older than the target, and waits until the profile's pods all run the target.
   * A workload is restarted once per target version (an annotation records it), so a retried
   * attempt never restarts it again. Pods without such a controller cannot be recreated by
   * anyone but their owner: the step then fails with the non-retryable {@link
   * FailureTypes#FARGATE_PODS_NOT_RECYCLED} naming them; a rollout without progress for the
   * configured stall timeout fails the same way, naming the workloads and their waiting pods.
   */
  @ActivityMethod(name = ActivityTypes.RECYCLE_FARGATE_PODS)
  FargateRecycleResult recycleFargatePods(FargateRecycleRequest request);
}
