package io.eksupgrader.cli;

import picocli.CommandLine.Command;

@Command(
    name = "reject",
    description = "Reject the open gate: the upgrade stops there and changes nothing more.",
    mixinStandardHelpOptions = true)
public class RejectCommand extends GateAnswerCommand {
  @Override
  boolean approve() {
    return false;
  }
}
