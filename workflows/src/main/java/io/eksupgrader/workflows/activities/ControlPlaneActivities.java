package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.AwaitVersionUpdateRequest;
import io.eksupgrader.workflows.model.VersionUpdateHandle;
import io.eksupgrader.workflows.model.VersionUpdateOutcome;
import io.eksupgrader.workflows.model.VersionUpdateRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Moves the EKS control plane by one minor. Both methods are safe to run twice. */
@ActivityInterface
public interface ControlPlaneActivities {

  /**
   * Observes first: a cluster already at the target needs nothing; an update to the target in
   * flight is adopted. Only then calls {@code UpdateClusterVersion} with the request's token. A
   * 409 ResourceInUseException means another operation is still finishing: wait and observe
   * again, even when the cluster already shows ACTIVE.
   */
  @ActivityMethod(name = ActivityTypes.START_VERSION_UPDATE)
  VersionUpdateHandle startVersionUpdate(VersionUpdateRequest request);

  /**
   * Polls {@code DescribeUpdate} until the update ends, heartbeating the poll count so that a
   * retried attempt continues the count. Failed or Cancelled updates end with the non-retryable
   * failure {@link FailureTypes#EKS_UPDATE_FAILED} carrying EKS's error details.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_VERSION_UPDATE)
  VersionUpdateOutcome awaitVersionUpdate(AwaitVersionUpdateRequest request);
}
