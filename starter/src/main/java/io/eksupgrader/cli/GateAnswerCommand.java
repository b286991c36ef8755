package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Approves or rejects an open gate through a workflow update, so the answer (accepted, or refused
 * and why) comes back at once.
 */
abstract class GateAnswerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;
  @Mixin ClusterOptions cluster;

  @Option(names = "--gate", required = true, description = "The gate to answer, e.g. control-plane-1.33 (see status).")
  String gate;

  @Option(names = "--comment", description = "Why; recorded in the audit.")
  String comment;

  abstract boolean approve();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      ClusterUpgradeWorkflow upgrade = connection.upgrade(cluster.ref());
      Approval approval = new Approval(gate, temporal.identity, comment);
      try {
        out.println(approve() ? upgrade.approveGate(approval) : upgrade.rejectGate(approval));
        return ExitCodes.OK;
      } catch (WorkflowUpdateException e) {
        throw new CliFailure(ExitCodes.REFUSED, "refused: " + TemporalConnection.rootMessage(e));
      } catch (WorkflowNotFoundException e) {
        throw new CliFailure(ExitCodes.NOT_FOUND, "no running upgrade of " + cluster.ref() + " to answer");
      } catch (WorkflowServiceException e) {
        throw connection.unreachable(e);
      }
    }
  }
}
