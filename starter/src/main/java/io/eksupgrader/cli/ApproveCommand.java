package io.eksupgrader.cli;

import picocli.CommandLine.Command;

@Command(name = "approve", description = "Approve the open gate of an upgrade.", mixinStandardHelpOptions = true)
public class ApproveCommand extends GateAnswerCommand {
  @Override
  boolean approve() {
    return true;
  }
}
