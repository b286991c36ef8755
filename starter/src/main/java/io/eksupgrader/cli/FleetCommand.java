package io.eksupgrader.cli;

import picocli.CommandLine.Command;

/** {@code eks-upgrader fleet}: upgrades of many clusters in waves. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = "Upgrade a fleet of clusters in waves (dev, then staging, then prod), with soak times and gates between waves.",
    subcommands = {FleetStartCommand.class, FleetStatusCommand.class, FleetApproveCommand.class, FleetRejectCommand.class})
public class FleetCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: start, status, approve or reject");
  }
}
