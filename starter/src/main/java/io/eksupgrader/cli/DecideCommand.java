package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.model.OperatorDecision;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Decides what happens to a FAILED step. */
@Command(
    name = "decide",
    description =
        "Decide about a failed step: --retry it, --skip it, --abort the upgrade, or --force a blocked drain;"
            + " at a health pause: --retry (ask again), --continue or --abort.",
    mixinStandardHelpOptions = true)
public class DecideCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;
  @Mixin ClusterOptions cluster;

  @Option(names = "--step", required = true, description = "The failed step, e.g. control-plane-1.33.")
  String step;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Action action;

  @Option(names = "--comment", description = "Why; recorded in the audit.")
  String comment;

  @Option(names = "--json", description = "Print the answer as one JSON document.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  static class Action {
    @Option(names = "--retry", description = "Run the step again.") boolean retry;
    @Option(names = "--skip", description = "Go on without it.") boolean skip;
    @Option(names = "--abort", description = "End the upgrade here; a node group step uncordons its old nodes.")
    boolean abort;

    @Option(
        names = "--force",
        description =
            "Only for a drain blocked by pods: run it again, deleting exactly the pods it named instead of"
                + " evicting them (their disruption budgets are bypassed). Recorded in the audit.")
    boolean force;

    @Option(
        names = "--continue",
        description = "Only at a health pause: go on although a health gate is breached. Recorded in the audit.")
    boolean proceed;

    DecisionAction value() {
      return retry
          ? DecisionAction.RETRY
          : skip
              ? DecisionAction.SKIP
              : force ? DecisionAction.FORCE : proceed ? DecisionAction.CONTINUE : DecisionAction.ABORT;
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    OperatorDecision decision = new OperatorDecision(step, action.value(), temporal.identity, comment, TemporalOptions.clientIdentity());
    try (TemporalConnection connection = temporal.connect()) {
      String answer = connection.update(cluster.ref(), upgrade -> upgrade.decideStep(decision));
      if (json) {
        ObjectNode doc = CliJson.object();
        doc.put("workflowId", WorkflowIds.clusterUpgrade(cluster.ref()));
        doc.put("action", "decide");
        doc.put("accepted", true);
        doc.set("decision", CliJson.tree(decision));
        doc.put("answer", answer);
        out.println(CliJson.write(doc));
      } else {
        out.println(answer);
      }
      return ExitCodes.OK;
    }
  }
}
