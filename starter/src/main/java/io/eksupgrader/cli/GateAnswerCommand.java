package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.Approval;
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
    Approval approval = new Approval(gate, temporal.identity, comment, TemporalOptions.clientIdentity());
    try (TemporalConnection connection = temporal.connect()) {
      out.println(
          connection.update(
              cluster.ref(), upgrade -> approve() ? upgrade.approveGate(approval) : upgrade.rejectGate(approval)));
      return ExitCodes.OK;
    }
  }
}
