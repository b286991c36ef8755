package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.model.NodeGroupStepRequest;
import io.eksupgrader.workflows.model.NodeGroupStepResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Replaces one managed node group blue/green, as a child of the cluster upgrade. Workflow id:
 * {@code <upgrade id>/nodegroup-<old group>[/attempt-N]}.
 */
@WorkflowInterface
public interface NodeGroupUpgradeWorkflow {

  @WorkflowMethod(name = "NodeGroupUpgrade")
  NodeGroupStepResult replace(NodeGroupStepRequest request);
}
