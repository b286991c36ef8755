package io.eksupgrader.cli;

/** A failure the CLI reports as one clear message and an exit code, without a stack trace. */
public class CliFailure extends RuntimeException {

  private final int exitCode;
  private final transient Object details;

  public CliFailure(int exitCode, String message) {
    this(exitCode, message, null);
  }

  /**
   * @param details what a JSON answer carries besides the message, e.g. the status whose
   *     pre-flight stopped the upgrade; null when there is nothing more
   */
  public CliFailure(int exitCode, String message, Object details) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
  }

  public int exitCode() {
    return exitCode;
  }

  public Object details() {
    return details;
  }
}
