package io.eksupgrader.workflows.upgrade;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/**
 * Stubs whose activities carry a one-line summary, which the Temporal UI shows on the activity
 * ("drain ip-10-0-1-23 of node group apps"); their progress is in the heartbeat details. Only the
 * summary is set here: the SDK merges the worker's options for the activity type over it, so
 * timeouts and retries stay those of {@link UpgradeActivityOptions}.
 */
final class ActivitySummaries {

  /** Upgrades started since this version's marker summarise their long activities. */
  static final String CHANGE = "activity-summaries";

  private ActivitySummaries() {}

  static <T> T stub(Class<T> activities, String summary) {
    return Workflow.newActivityStub(activities, ActivityOptions.newBuilder().setSummary(summary).build());
  }
}
