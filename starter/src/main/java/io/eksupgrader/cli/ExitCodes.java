package io.eksupgrader.cli;

/** The CLI's exit codes; the README lists them. */
public final class ExitCodes {

  /** The command did what was asked; for a watched upgrade, it SUCCEEDED. */
  public static final int OK = 0;
  /** The upgrade ended without success: rejected, aborted or failed. */
  public static final int UPGRADE_NOT_SUCCEEDED = 1;
  /** Bad input: a usage error or an invalid request, refused before anything was sent. */
  public static final int BAD_INPUT = 2;
  /** Refused: an upgrade already runs, pre-flight refused it, or an approval/decision was refused. */
  public static final int REFUSED = 3;
  /** No upgrade exists for that cluster. */
  public static final int NOT_FOUND = 4;
  /** Temporal, a worker or the sandbox could not be reached. */
  public static final int UNREACHABLE = 5;
  /** {@code plan}: pre-flight found warnings, and no blocker. */
  public static final int PLAN_WARNINGS = 6;
  /** {@code plan}: pre-flight found blockers; the upgrade would stop before any change. */
  public static final int PLAN_BLOCKERS = 7;

  private ExitCodes() {}
}
