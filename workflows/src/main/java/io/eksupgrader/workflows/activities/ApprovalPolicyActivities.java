package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The approval policy of the worker's configuration, the organisation's floor under every spec.
 * Read once per upgrade through an activity, so that the workflow stays deterministic and a changed
 * configuration applies to the upgrades started after it.
 */
@ActivityInterface
public interface ApprovalPolicyActivities {

  @ActivityMethod(name = ActivityTypes.LOAD_APPROVAL_POLICY)
  ApprovalPolicy loadApprovalPolicy();
}
