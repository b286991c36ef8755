package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * {@code status --watch}: reads the upgrade every interval until it ends, then prints the final
 * status and returns the outcome's exit code.
 *
 * <ul>
 *   <li>On a terminal the screen is redrawn in place each interval, in colour, with ticking clocks.
 *   <li>Anywhere else (a pipe, CI, {@code NO_COLOR}) no ANSI at all: a block is printed only when
 *       something changed, so a log shows each change once, and at the end the whole status in
 *       markdown.
 *   <li>While nobody answers (a worker restarting, Temporal away) it says so once and keeps
 *       trying for {@link #DEFAULT_PATIENCE}, then fails with exit 5.
 *   <li>With {@code --json}: a JSON document each time something changed (clocks aside), the last
 *       one with the outcome; documents follow each other as {@code jq} reads them.
 * </ul>
 */
final class StatusWatch {

  /** Sleeps between two reads; tests pass one that does not. */
  interface Pause {
    void sleep(Duration interval) throws InterruptedException;
  }

  enum Format {
    TEXT,
    JSON
  }

  /** Long enough for a worker to restart. */
  static final Duration DEFAULT_PATIENCE = Duration.ofMinutes(2);

  private final Supplier<UpgradeSnapshot> source;
  private final PrintWriter out;
  private final Terminal terminal;
  private final Format format;
  private final Duration interval;
  private final Clock clock;
  private final Pause pause;
  private final PrintWriter err;
  private final Duration patience;

  StatusWatch(
      Supplier<UpgradeSnapshot> source,
      PrintWriter out,
      Terminal terminal,
      Format format,
      Duration interval,
      Clock clock,
      Pause pause) {
    this(source, out, out, terminal, format, interval, clock, pause, DEFAULT_PATIENCE);
  }

  /**
   * @param err where a JSON watch says that nobody answers (stdout holds only documents)
   * @param patience how long the upgrade may not answer before the watch gives up (exit 5)
   */
  StatusWatch(
      Supplier<UpgradeSnapshot> source,
      PrintWriter out,
      PrintWriter err,
      Terminal terminal,
      Format format,
      Duration interval,
      Clock clock,
      Pause pause,
      Duration patience) {
    this.err = err;
    this.patience = patience;
    this.source = source;
    this.out = out;
    this.terminal = terminal;
    this.format = format;
    this.interval = interval;
    this.clock = clock;
    this.pause = pause;
  }

  int run() {
    boolean redraw = format == Format.TEXT && terminal.isAnsi();
    StatusScreen screen = new StatusScreen(terminal, redraw);
    String last = null;
    int drawnLines = 0;
    Instant unansweredSince = null;
    boolean answeredOnce = false;
    while (true) {
      UpgradeSnapshot snapshot;
      try {
        snapshot = source.get();
      } catch (CliFailure e) {
        // A worker restarting (nobody answers the query) or Temporal away for a moment: the
        // upgrade is durable, so the watch waits for it a while instead of ending.
        if (e.exitCode() != ExitCodes.UNREACHABLE || !answeredOnce) {
          throw e;
        }
        Instant now = clock.instant();
        if (unansweredSince == null) {
          unansweredSince = now;
          String note = "(no answer, still watching for up to " + StatusScreen.duration(patience) + "): " + e.getMessage();
          (format == Format.JSON ? err : out).println(terminal.paint(note, Terminal.Colour.YELLOW));
          (format == Format.JSON ? err : out).flush();
          drawnLines = 0;
        } else if (!Duration.between(unansweredSince, now).minus(patience).isNegative()) {
          throw e;
        }
        pause(interval);
        continue;
      }
      unansweredSince = null;
      answeredOnce = true;
      boolean ended = snapshot.status().outcome() != UpgradeOutcome.RUNNING;
      if (format == Format.JSON) {
        String key = CliJson.write(snapshot.toJson(false));
        if (!key.equals(last) || ended) {
          out.println(CliJson.write(snapshot.toJson(true)));
          last = key;
        }
      } else if (redraw) {
        String block = screen.render(snapshot, clock.instant());
        out.print(terminal.erase(drawnLines));
        out.println(block);
        drawnLines = (int) block.lines().count();
      } else if (!ended) {
        String block = screen.render(snapshot, null);
        if (!block.equals(last)) {
          out.println(last == null ? block : "\n" + block);
          last = block;
        }
      }
      out.flush();
      if (ended) {
        if (format == Format.TEXT) {
          if (!redraw) {
            // A log ends with the whole status, as the Temporal UI shows it.
            out.println();
            out.println(StatusMarkdown.render(snapshot.status()));
          }
          int code = UpgradeWatcher.exitCode(snapshot.status().outcome());
          out.println(
              terminal.paint(
                  "Upgrade " + snapshot.status().outcome() + " (exit " + code + ")",
                  code == ExitCodes.OK ? Terminal.Colour.GREEN : Terminal.Colour.RED));
          out.flush();
        }
        return UpgradeWatcher.exitCode(snapshot.status().outcome());
      }
      pause(interval);
    }
  }

  private void pause(Duration d) {
    try {
      pause.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UPGRADE_NOT_SUCCEEDED, "interrupted");
    }
  }
}
