package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.FargateProfileInfo;
import io.eksupgrader.workflows.model.FargateRecycleRequest;
import io.eksupgrader.workflows.model.FargateRecycleResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Fargate pods run on a kubelet of the version the control plane had when they started, so after
 * the control plane moves they must be restarted (seed 002). Safe to run twice: workloads whose
 * pods already run the target are not restarted again.
 */
@ActivityInterface
public interface FargateActivities {

  /** Every Fargate profile of the cluster ({@code ListFargateProfiles} + {@code DescribeFargateProfile}), by name. */
  @ActivityMethod(name = ActivityTypes.LIST_FARGATE_PROFILES)
  List<FargateProfileInfo> listFargateProfiles(ClusterRef cluster);

  /**
   * Rollout-restarts (pod-template annotation {@code kubectl.kubernetes.io/restartedAt}, like
   * {@code kubectl rollout restart}) each Deployment and StatefulSet with a pod on a Fargate node
   * of this profile whose kubelet is older than the target, then waits, heartbeating, until those
   * workloads' pods all run at the target version. Pods without a controller are reported, not
   * deleted. Past the timeout, fails with the non-retryable {@link FailureTypes#FARGATE_RECYCLE_STALLED}.
   */
  @ActivityMethod(name = ActivityTypes.RECYCLE_FARGATE_PODS)
  FargateRecycleResult recycleFargatePods(FargateRecycleRequest request);
}
