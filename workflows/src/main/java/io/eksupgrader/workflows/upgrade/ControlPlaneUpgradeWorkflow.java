package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.model.ControlPlaneStepRequest;
import io.eksupgrader.workflows.model.ControlPlaneStepResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Moves the control plane by one minor: start or adopt the update, wait for it, verify the
 * version. A child of {@link ClusterUpgradeWorkflow}, so each minor shows on its own in the UI
 * and the parent's history stays small. Id: {@code eks-upgrade/<region>/<cluster>/control-plane-<v>}.
 */
@WorkflowInterface
public interface ControlPlaneUpgradeWorkflow {

  @WorkflowMethod(name = "ControlPlaneUpgrade")
  ControlPlaneStepResult upgrade(ControlPlaneStepRequest request);
}
