package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.planning.WorkflowIds;
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
abstract class GateAnswerCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;
  @Mixin ClusterOptions cluster;

  @Option(names = "--gate", required = true, description = "The gate to answer, e.g. control-plane-1.33 (see status).")
  String gate;

  @Option(names = "--comment", description = "Why; recorded in the audit.")
  String comment;

  @Option(names = "--json", description = "Print the answer as one JSON document.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  abstract boolean approve();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Approval approval = new Approval(gate, temporal.identity, comment, TemporalOptions.clientIdentity());
    try (TemporalConnection connection = temporal.connect()) {
      String answer =
          connection.update(
              cluster.ref(), upgrade -> approve() ? upgrade.approveGate(approval) : upgrade.rejectGate(approval));
      if (json) {
        ObjectNode doc = CliJson.object();
        doc.put("workflowId", WorkflowIds.clusterUpgrade(cluster.ref()));
        doc.put("action", approve() ? "approve" : "reject");
        doc.put("accepted", true);
        doc.set("approval", CliJson.tree(approval));
        doc.put("answer", answer);
        out.println(CliJson.write(doc));
      } else {
        out.println(answer);
      }
      return ExitCodes.OK;
    }
  }
}
