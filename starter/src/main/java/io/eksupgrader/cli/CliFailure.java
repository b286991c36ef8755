package io.eksupgrader.cli;

/** A failure the CLI reports as one clear message and an exit code, without a stack trace. */
public class CliFailure extends RuntimeException {

  private final int exitCode;

  public CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
