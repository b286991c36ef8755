package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.fleet.FleetIds;
import io.eksupgrader.workflows.model.Approval;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Approves or rejects a fleet's wave gate through a workflow update, so the answer comes back at once. */
abstract class FleetGateAnswerCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--name", required = true, description = "The fleet's name.")
  String name;

  @Option(names = "--wave", required = true, description = "The wave whose gate to answer, e.g. staging (see fleet status).")
  String wave;

  @Option(names = "--comment", description = "Why; recorded in the fleet's audit.")
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
    Approval approval = new Approval(FleetIds.gate(wave), temporal.identity, comment, TemporalOptions.clientIdentity());
    try (TemporalConnection connection = temporal.connect()) {
      String answer =
          FleetQueries.update(connection, name, fleet -> approve() ? fleet.approveGate(approval) : fleet.rejectGate(approval));
      if (json) {
        ObjectNode doc = CliJson.object();
        doc.put("workflowId", FleetIds.fleet(name));
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
