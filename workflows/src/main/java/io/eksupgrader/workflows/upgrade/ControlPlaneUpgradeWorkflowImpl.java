package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.ClusterInspectionActivities;
import io.eksupgrader.workflows.activities.ControlPlaneActivities;
import io.eksupgrader.workflows.model.AwaitVersionUpdateRequest;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.ControlPlaneStepRequest;
import io.eksupgrader.workflows.model.ControlPlaneStepResult;
import io.eksupgrader.workflows.model.VersionUpdateHandle;
import io.eksupgrader.workflows.model.VersionUpdateOutcome;
import io.eksupgrader.workflows.model.VersionUpdateRequest;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * One control-plane minor.
 *
 * <ol>
 *   <li>StartVersionUpdate observes first: already at the target, nothing is called; an update to
 *       the target in flight (say, from an attempt whose worker was killed) is adopted; otherwise
 *       UpdateClusterVersion runs with the step's deterministic request token.
 *   <li>AwaitVersionUpdate polls the update, heartbeating, until it ends (about 25 minutes).
 *   <li>InspectCluster verifies that the control plane reports the new version and is ACTIVE.
 * </ol>
 *
 * Activity timeouts and retries come from the worker's configuration per activity type.
 */
public class ControlPlaneUpgradeWorkflowImpl implements ControlPlaneUpgradeWorkflow {

  public static final String VERSION_MISMATCH = "ControlPlaneVersionMismatch";

  private static final Logger log = Workflow.getLogger(ControlPlaneUpgradeWorkflowImpl.class);

  private final ControlPlaneActivities controlPlane =
      Workflow.newActivityStub(ControlPlaneActivities.class);
  private final ClusterInspectionActivities inspection =
      Workflow.newActivityStub(ClusterInspectionActivities.class);

  @Override
  public ControlPlaneStepResult upgrade(ControlPlaneStepRequest request) {
    VersionUpdateHandle handle =
        controlPlane.startVersionUpdate(
            new VersionUpdateRequest(
                request.cluster(), request.toVersion(), request.clientRequestToken()));
    log.info(
        "Control plane {} → {}: update {} ({})",
        request.fromVersion(),
        request.toVersion(),
        handle.updateId(),
        handle.how());
    String createdAt = null;
    int polls = 0;
    if (handle.how() != VersionUpdateHandle.How.ALREADY_AT_TARGET) {
      boolean summaries = Workflow.getVersion(ActivitySummaries.CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
      ControlPlaneActivities waiter =
          summaries
              ? ActivitySummaries.stub(
                  ControlPlaneActivities.class,
                  "wait for EKS update " + handle.updateId() + " of " + request.cluster() + " to " + request.toVersion())
              : controlPlane;
      VersionUpdateOutcome outcome =
          waiter.awaitVersionUpdate(
              new AwaitVersionUpdateRequest(request.cluster(), handle.updateId(), request.toVersion()));
      createdAt = outcome.updateCreatedAt();
      polls = outcome.polls();
    }
    ClusterSnapshot after = inspection.inspectCluster(request.cluster());
    if (!request.toVersion().equals(after.version()) || !"ACTIVE".equals(after.status())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "after the update the control plane reports version "
              + after.version()
              + " and status "
              + after.status()
              + ", expected "
              + request.toVersion()
              + " and ACTIVE",
          VERSION_MISMATCH);
    }
    return new ControlPlaneStepResult(handle.updateId(), handle.how(), after.version(), createdAt, polls);
  }
}
