package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.AddonInfo;
import io.eksupgrader.workflows.model.AddonUpdateHandle;
import io.eksupgrader.workflows.model.AddonUpdateOutcome;
import io.eksupgrader.workflows.model.AddonUpdateRequest;
import io.eksupgrader.workflows.model.AwaitAddonRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** EKS add-ons: observe, then update with a deterministic token, then wait. */
@ActivityInterface
public interface AddonActivities {

  /** The cluster's EKS add-ons with their versions and statuses. Reads only. */
  @ActivityMethod(name = ActivityTypes.LIST_ADDONS)
  List<AddonInfo> listAddons(ClusterRef cluster);

  /**
   * Finds the target version (the pinned one, or the default {@code DescribeAddonVersions} names
   * for the Kubernetes version), then observes: already there, nothing is called; an update to the
   * target running, it is adopted; otherwise {@code UpdateAddon} with the request token and
   * {@code resolveConflicts}. A 409 (an update of another version running) is retried.
   */
  @ActivityMethod(name = ActivityTypes.START_ADDON_UPDATE)
  AddonUpdateHandle startAddonUpdate(AddonUpdateRequest request);

  /**
   * Polls the update and the add-on, heartbeating, until the update is Successful and the add-on
   * ACTIVE at the target. A Failed update or a DEGRADED add-on fails with the non-retryable {@link
   * FailureTypes#ADDON_UPDATE_FAILED}, naming EKS's errors and health issues.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_ADDON_UPDATE)
  AddonUpdateOutcome awaitAddonUpdate(AwaitAddonRequest request);
}
