package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.CancelRequest;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Upgrades one EKS cluster to a target Kubernetes version, one minor at a time. Workflow id:
 * {@code eks-upgrade/<region>/<cluster>}.
 *
 * <p>Humans steer it two ways. The signals {@code approve}, {@code reject} and {@code decide}
 * (see {@link UpgradeSignals}) work from the Temporal UI's "Send Signal"; they are validated by
 * hand because a signal payload the SDK cannot decode would otherwise be dropped silently. The
 * updates below do the same with an immediate answer, for the CLI.
 */
@WorkflowInterface
public interface ClusterUpgradeWorkflow {

  @WorkflowMethod(name = "ClusterUpgrade")
  UpgradeResult upgrade(UpgradeRequest request);

  @QueryMethod(name = "status")
  UpgradeStatus status();

  /** Approves the open gate; answers what was approved or fails with why it was refused. */
  @UpdateMethod(name = UpgradeSignals.APPROVE_UPDATE)
  String approveGate(Approval approval);

  @UpdateValidatorMethod(updateName = UpgradeSignals.APPROVE_UPDATE)
  void validateApproveGate(Approval approval);

  @UpdateMethod(name = UpgradeSignals.REJECT_UPDATE)
  String rejectGate(Approval approval);

  @UpdateValidatorMethod(updateName = UpgradeSignals.REJECT_UPDATE)
  void validateRejectGate(Approval approval);

  /** Decides what happens to a failed step: retry, skip or abort. */
  @UpdateMethod(name = UpgradeSignals.DECIDE_UPDATE)
  String decideStep(OperatorDecision decision);

  @UpdateValidatorMethod(updateName = UpgradeSignals.DECIDE_UPDATE)
  void validateDecideStep(OperatorDecision decision);

  /**
   * Records who is about to cancel the upgrade and why; refused when it ended or was started
   * before it handled its own cancellation. The cancellation itself is Temporal's workflow cancel,
   * which the caller sends next.
   */
  @UpdateMethod(name = UpgradeSignals.CANCEL_UPDATE)
  String announceCancel(CancelRequest cancel);

  @UpdateValidatorMethod(updateName = UpgradeSignals.CANCEL_UPDATE)
  void validateAnnounceCancel(CancelRequest cancel);
}
