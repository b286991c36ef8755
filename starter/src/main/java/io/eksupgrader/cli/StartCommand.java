package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.planning.UpgradeRequestValidation;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowServiceException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
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
public class StartCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Mixin UpgradeRequestOptions upgrade;

  @Option(names = "--no-wait", description = "Return as soon as the workflow started, without waiting for the plan.")
  boolean noWait;

  @Option(names = "--watch", description = "After starting, follow the upgrade until it ends (like status --watch).")
  boolean watch;

  @Option(
      names = "--json",
      description = "Print one JSON document: the workflow started and, unless --no-wait, the status with the plan;"
          + " with --watch, then a status document per change until the upgrade ends.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

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
      if (!json) {
        startUpgrade(connection, request, out);
        if (noWait) {
          return ExitCodes.OK;
        }
        UpgradeWatcher watcher = new UpgradeWatcher(connection, ref, out, null, 1);
        return watch ? watcher.followToEnd() : watcher.awaitPlan();
      }
      String runId = startUpgrade(connection, request, null);
      ObjectNode doc = CliJson.object();
      doc.put("workflowId", WorkflowIds.clusterUpgrade(ref));
      doc.put("runId", runId);
      doc.set("cluster", CliJson.tree(ref));
      doc.put("targetVersion", request.targetVersion());
      doc.put("summary", StartSummary.summary(request));
      if (!noWait) {
        try {
          doc.set("status", CliJson.tree(new UpgradeWatcher(connection, ref, out, null, 1).waitForPlan(false)));
        } catch (CliFailure stopped) {
          // The error document still says what was started.
          ObjectNode details = doc.deepCopy();
          details.set("status", CliJson.tree(stopped.details()));
          throw new CliFailure(stopped.exitCode(), stopped.getMessage(), details);
        }
      }
      out.println(CliJson.write(doc));
      out.flush();
      if (!watch) {
        return ExitCodes.OK;
      }
      PendingActivities pending = PendingActivities.of(connection);
      return new StatusWatch(
              () -> StatusCommand.snapshot(connection, pending, ref),
              out,
              spec.commandLine().getErr(),
              Terminal.plain(),
              StatusWatch.Format.JSON,
              Duration.ofSeconds(1),
              Clock.systemUTC(),
              d -> Thread.sleep(d.toMillis()),
              StatusWatch.DEFAULT_PATIENCE)
          .run();
    }
  }

  /** The request from the spec file, with every flag given overriding it. */
  UpgradeRequest request() {
    return upgrade.request(temporal.identity);
  }

  /**
   * Starts the workflow, with its static summary and details for the Temporal UI; a second upgrade of the same cluster is refused, naming the running one. Prints
   * what started unless {@code out} is null.
   */
  static String startUpgrade(TemporalConnection connection, UpgradeRequest request, PrintWriter out) {
    ClusterRef ref = request.cluster();
    String id = WorkflowIds.clusterUpgrade(ref);
    ClusterUpgradeWorkflow upgrade =
        connection.client.newWorkflowStub(
            ClusterUpgradeWorkflow.class,
            StartSummary.workflowOptions(connection, id, request));
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
    if (out != null) {
      out.printf("Started upgrade %s (run %s): %s → %s%n", id, runId, ref, request.targetVersion());
      out.flush();
    }
    return runId;
  }
}
