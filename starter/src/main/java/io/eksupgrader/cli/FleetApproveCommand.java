package io.eksupgrader.cli;

import picocli.CommandLine.Command;

/** {@code fleet approve --name N --wave W}: lets the wave start. */
@Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a fleet's wave gate, so that the wave starts.")
public class FleetApproveCommand extends FleetGateAnswerCommand {

  @Override
  boolean approve() {
    return true;
  }
}
