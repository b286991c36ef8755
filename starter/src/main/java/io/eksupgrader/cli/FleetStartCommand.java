package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.fleet.FleetIds;
import io.eksupgrader.workflows.fleet.FleetOutcome;
import io.eksupgrader.workflows.fleet.FleetRequest;
import io.eksupgrader.workflows.fleet.FleetRequestValidation;
import io.eksupgrader.workflows.fleet.FleetStatus;
import io.eksupgrader.workflows.fleet.FleetUpgradeWorkflow;
import io.eksupgrader.workflows.fleet.FleetWave;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Starts a fleet upgrade from its spec file, and optionally follows it to its end. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start upgrading a fleet of clusters in waves, from a fleet spec file.")
public class FleetStartCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--spec", required = true, description = "The fleet spec (YAML): waves of clusters, see the README's Fleets section.")
  Path specFile;

  @Option(
      names = "--auto-approve",
      description = "Approve the wave gates and every cluster's gates without a human (non-production fleets only).")
  boolean autoApprove;

  @Option(names = "--watch", description = "After starting, follow the fleet until it ends; exit 0 only if it SUCCEEDED.")
  boolean watch;

  @Option(names = "--json", description = "Print one JSON document for the start; with --watch, then the final status.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    FleetRequest request = FleetSpec.load(specFile, autoApprove, temporal.identity);
    List<String> problems = FleetRequestValidation.problems(request);
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, specFile + ": invalid fleet, nothing was started:\n  - " + String.join("\n  - ", problems));
    }
    String id = FleetIds.fleet(request.name());
    int clusters = request.waves().stream().mapToInt(w -> w.clusters().size()).sum();
    try (TemporalConnection connection = temporal.connect()) {
      String runId = start(connection, request, id);
      if (json) {
        ObjectNode doc = CliJson.object();
        doc.put("workflowId", id);
        doc.put("runId", runId);
        doc.put("waves", request.waves().size());
        doc.put("clusters", clusters);
        out.println(CliJson.write(doc));
      } else {
        out.printf("Started fleet %s (run %s): %d cluster(s) in %d wave(s): %s%n", id, runId, clusters, request.waves().size(),
            String.join(" → ", request.waves().stream().map(FleetWave::name).toList()));
        out.printf("Follow it with: eks-upgrader fleet status --name %s%n", request.name());
      }
      out.flush();
      return watch ? follow(connection, request.name(), out) : ExitCodes.OK;
    }
  }

  private String start(TemporalConnection connection, FleetRequest request, String id) {
    FleetUpgradeWorkflow fleet =
        connection.client.newWorkflowStub(
            FleetUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(connection.options.taskQueue)
                .setStaticSummary("fleet " + request.name() + ": " + request.waves().size() + " wave(s)")
                .build());
    try {
      return WorkflowClient.start(fleet::upgrade, request).getRunId();
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new CliFailure(
          ExitCodes.REFUSED,
          "fleet " + request.name() + " is already running: workflow " + id + " (run " + e.getExecution().getRunId()
              + "). Follow it with: eks-upgrader fleet status --name " + request.name());
    } catch (WorkflowServiceException e) {
      throw connection.unreachable(e);
    }
  }

  /**
   * Prints the phase each time it changes, then the final table; the exit code says how it ended.
   * A query nobody answers for a while (a worker restarting, a busy server) is waited out for
   * {@link StatusWatch#DEFAULT_PATIENCE}, as {@code status --watch} does: the fleet is durable.
   */
  private int follow(TemporalConnection connection, String name, PrintWriter out) throws InterruptedException {
    String last = null;
    long unansweredSince = 0;
    boolean answeredOnce = false;
    while (true) {
      FleetStatus status;
      try {
        status = FleetQueries.status(connection, name);
      } catch (CliFailure e) {
        if (e.exitCode() != ExitCodes.UNREACHABLE || !answeredOnce) {
          throw e;
        }
        long now = System.nanoTime();
        if (unansweredSince == 0) {
          unansweredSince = now;
          PrintWriter err = spec.commandLine().getErr();
          err.println("(no answer, still watching for up to " + StatusScreen.duration(StatusWatch.DEFAULT_PATIENCE)
              + "): " + e.getMessage());
          err.flush();
        } else if (Duration.ofNanos(now - unansweredSince).compareTo(StatusWatch.DEFAULT_PATIENCE) > 0) {
          throw e;
        }
        Thread.sleep(1000);
        continue;
      }
      unansweredSince = 0;
      answeredOnce = true;
      String line = status.phase() + " (failures " + status.failures() + ")";
      if (!json && !Objects.equals(line, last)) {
        out.println("fleet " + name + ": " + line);
        out.flush();
        last = line;
      }
      if (status.outcome() != FleetOutcome.RUNNING) {
        Map<String, String> phases = Map.of();
        out.print(json ? CliJson.write(FleetTable.json(status, phases)) + "\n" : "\n" + FleetTable.text(status, phases));
        out.flush();
        return FleetStatusCommand.exitCode(status.outcome());
      }
      Thread.sleep(1000);
    }
  }
}
