package io.eksupgrader.cli;

import io.eksupgrader.workflows.fleet.FleetOutcome;
import io.eksupgrader.workflows.fleet.FleetStatus;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Shows a fleet: its waves, each cluster's state and phase, the soak timer and the open gate. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a fleet upgrade: a table per wave, the soak timer and the open gate.")
public class FleetStatusCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--name", required = true, description = "The fleet's name (its spec's 'name').")
  String name;

  @Option(names = "--json", description = "Print the fleet's status as one JSON document.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      FleetStatus status = FleetQueries.status(connection, name);
      Map<String, String> phases = FleetQueries.runningPhases(connection, status);
      out.print(json ? CliJson.write(FleetTable.json(status, phases)) + "\n" : FleetTable.text(status, phases));
      out.flush();
      return exitCode(status.outcome());
    }
  }

  /** 0 while it runs or after it succeeded; 1 once it ended otherwise. */
  static int exitCode(FleetOutcome outcome) {
    return outcome == FleetOutcome.RUNNING || outcome == FleetOutcome.SUCCEEDED ? ExitCodes.OK : ExitCodes.UPGRADE_NOT_SUCCEEDED;
  }
}
