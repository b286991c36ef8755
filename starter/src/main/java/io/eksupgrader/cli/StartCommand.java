package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.planning.UpgradeRequestValidation;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Starts the upgrade of one cluster, then shows the plan that pre-flight built. */
@Command(
    name = "start",
    description = "Start upgrading a cluster to a target Kubernetes version, one minor at a time.",
    mixinStandardHelpOptions = true)
public class StartCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Mixin UpgradeRequestOptions upgrade;

  @Option(names = "--no-wait", description = "Return as soon as the workflow started, without waiting for the plan.")
  boolean noWait;

  @Option(names = "--watch", description = "After starting, follow the upgrade until it ends (like status --watch).")
  boolean watch;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    UpgradeRequest request = request();
    ClusterRef ref = request.cluster();
    List<String> problems = UpgradeRequestValidation.problems(request);
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "invalid request, nothing was started:\n  - " + String.join("\n  - ", problems));
    }
    try (TemporalConnection connection = temporal.connect()) {
      startUpgrade(connection, request, out);
      if (noWait) {
        return ExitCodes.OK;
      }
      UpgradeWatcher watcher = new UpgradeWatcher(connection, ref, out, null, 1);
      return watch ? watcher.followToEnd() : watcher.awaitPlan();
    }
  }

  /** The request from the spec file, with every flag given overriding it. */
  UpgradeRequest request() {
    return upgrade.request(temporal.identity);
  }

  /** Starts the workflow; a second upgrade of the same cluster is refused, naming the running one. */
  static String startUpgrade(TemporalConnection connection, UpgradeRequest request, PrintWriter out) {
    ClusterRef ref = request.cluster();
    String id = WorkflowIds.clusterUpgrade(ref);
    ClusterUpgradeWorkflow upgrade =
        connection.client.newWorkflowStub(
            ClusterUpgradeWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(connection.options.taskQueue).build());
    String runId;
    try {
      runId = WorkflowClient.start(upgrade::upgrade, request).getRunId();
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new CliFailure(
          ExitCodes.REFUSED,
          "an upgrade of " + ref + " is already running: workflow " + id + " (run "
              + e.getExecution().getRunId() + "). Follow it with: eks-upgrader status --cluster "
              + ref.name() + " --region " + ref.region() + " --watch");
    } catch (WorkflowServiceException e) {
      throw connection.unreachable(e);
    }
    out.printf("Started upgrade %s (run %s): %s → %s%n", id, runId, ref, request.targetVersion());
    out.flush();
    return runId;
  }
}
