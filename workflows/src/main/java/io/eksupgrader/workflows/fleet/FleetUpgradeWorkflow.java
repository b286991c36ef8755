package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.upgrade.UpgradeSignals;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Upgrades a fleet of EKS clusters in waves (say dev, then staging, then prod). Workflow id:
 * {@code eks-fleet/<name>}. Each cluster is its own {@code ClusterUpgrade} child with the usual id
 * {@code eks-upgrade/<region>/<cluster>}, so {@code status --cluster} works for it as for any
 * upgrade.
 *
 * <p>Wave gates take the same {@code approve} and {@code reject} signals as a cluster's gates
 * (payload {@code {"gate":"wave-staging","by":"alice","comment":"ok"}}), validated by hand, and the
 * same updates for the CLI's immediate answer.
 */
@WorkflowInterface
public interface FleetUpgradeWorkflow {

  @WorkflowMethod(name = "FleetUpgrade")
  FleetResult upgrade(FleetRequest request);

  @QueryMethod(name = "status")
  FleetStatus status();

  @UpdateMethod(name = UpgradeSignals.APPROVE_UPDATE)
  String approveGate(Approval approval);

  @UpdateValidatorMethod(updateName = UpgradeSignals.APPROVE_UPDATE)
  void validateApproveGate(Approval approval);

  @UpdateMethod(name = UpgradeSignals.REJECT_UPDATE)
  String rejectGate(Approval approval);

  @UpdateValidatorMethod(updateName = UpgradeSignals.REJECT_UPDATE)
  void validateRejectGate(Approval approval);
}
