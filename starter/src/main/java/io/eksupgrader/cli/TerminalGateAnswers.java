package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OpenGate;
import io.eksupgrader.workflows.model.PendingDecision;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/** Asks the person at the terminal. End of input means "nobody here": no answer. */
final class TerminalGateAnswers implements GateAnswers {

  private final BufferedReader in;
  private final PrintWriter out;
  private boolean closed;

  TerminalGateAnswers(BufferedReader in, PrintWriter out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public Boolean approve(OpenGate gate) {
    while (!closed) {
      out.printf("Approve gate %s (%s)? [y]es / [n]o, reject: ", gate.gate(), gate.summary());
      out.flush();
      String answer = readLine();
      if (answer == null) {
        return null;
      }
      switch (answer.trim().toLowerCase()) {
        case "y", "yes" -> {
          return true;
        }
        case "n", "no" -> {
          return false;
        }
        default -> out.println("Please answer y or n.");
      }
    }
    return null;
  }

  @Override
  public DecisionAction decide(PendingDecision pending) {
    while (!closed) {
      out.printf(
          "Step %s failed. [r]etry / [s]kip / [a]bort%s? ",
          pending.step(),
          pending.allowed().contains(DecisionAction.FORCE) ? " / [f]orce (delete the named pods)" : "");
      out.flush();
      String answer = readLine();
      if (answer == null) {
        return null;
      }
      DecisionAction action =
          switch (answer.trim().toLowerCase()) {
            case "r", "retry" -> DecisionAction.RETRY;
            case "s", "skip" -> DecisionAction.SKIP;
            case "a", "abort" -> DecisionAction.ABORT;
            case "f", "force" -> DecisionAction.FORCE;
            default -> null;
          };
      if (action != null && pending.allowed().contains(action)) {
        return action;
      }
      out.println("Please answer one of " + pending.allowed() + ".");
    }
    return null;
  }

  private String readLine() {
    try {
      String line = in.readLine();
      if (line == null) {
        closed = true;
        out.println();
      }
      return line;
    } catch (IOException e) {
      closed = true;
      return null;
    }
  }
}
