package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.model.CancelRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Cancels a running upgrade, as {@code temporal workflow cancel} does, after telling the workflow
 * who cancels and why so that its audit names them.
 */
@Command(
    name = "cancel",
    description =
        "Cancel a running upgrade: drains stop at their next heartbeat, old nodes still carrying pods are"
            + " uncordoned, no old node group is deleted, nothing new starts; a control-plane update in flight"
            + " cannot be stopped and is watched until EKS ends it. Follow it with status --watch.",
    mixinStandardHelpOptions = true)
public class CancelCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;
  @Mixin ClusterOptions cluster;

  @Option(names = "--reason", description = "Why; recorded in the audit and on Temporal's cancel request.")
  String reason;

  @Option(names = "--json", description = "Print the answer as one JSON document.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ClusterRef ref = cluster.ref();
    String id = WorkflowIds.clusterUpgrade(ref);
    CancelRequest cancel = new CancelRequest(temporal.identity, reason, TemporalOptions.clientIdentity());
    try (TemporalConnection connection = temporal.connect()) {
      UpgradeStatus before = connection.status(ref);
      if (before.outcome() != UpgradeOutcome.RUNNING) {
        throw new CliFailure(
            ExitCodes.REFUSED,
            "refused: no upgrade of " + ref + " runs; the last one (" + id + ") ended " + before.outcome()
                + ": nothing to cancel");
      }
      String answer = connection.update(ref, upgrade -> upgrade.announceCancel(cancel));
      try {
        connection.client
            .newUntypedWorkflowStub(id)
            .cancel("eks-upgrader cancel by " + temporal.identity + (reason == null ? "" : ": " + reason));
      } catch (WorkflowNotFoundException e) {
        throw new CliFailure(ExitCodes.NOT_FOUND, "the upgrade " + id + " ended before it could be cancelled");
      } catch (WorkflowServiceException e) {
        throw connection.unreachable(e);
      }
      String follow = "eks-upgrader status --watch --cluster " + ref.name() + " --region " + ref.region();
      if (json) {
        ObjectNode doc = CliJson.object();
        doc.put("workflowId", id);
        doc.put("action", "cancel");
        doc.put("accepted", true);
        doc.set("cancel", CliJson.tree(cancel));
        doc.put("answer", answer);
        doc.put("follow", follow);
        out.println(CliJson.write(doc));
      } else {
        out.println(answer);
        out.println(
            "Cancellation requested. Drains stop at their next heartbeat and the old nodes that still carry pods"
                + " are uncordoned; a control-plane update in flight runs to its end first. Follow it: " + follow);
      }
      return ExitCodes.OK;
    }
  }
}
