package io.eksupgrader.cli;

import picocli.CommandLine.Command;

/** {@code fleet reject --name N --wave W}: stops the fleet before the wave. */
@Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a fleet's wave gate: the fleet stops, that wave and the later ones do not start.")
public class FleetRejectCommand extends FleetGateAnswerCommand {

  @Override
  boolean approve() {
    return false;
  }
}
