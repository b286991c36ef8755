package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Shows an upgrade's plan, step states, what runs now, open gate, refused approvals and last error. */
@Command(name = "status", description = "Show an upgrade's status.", mixinStandardHelpOptions = true)
public class StatusCommand implements Callable<Integer>, JsonOutput {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;
  @Mixin ClusterOptions cluster;

  @Option(
      names = "--watch",
      description =
          "Follow the upgrade until it ends: redrawn in place on a terminal; elsewhere (pipe, CI) a new block only"
              + " when something changed. Exits with the outcome's code.")
  boolean watch;

  @Option(
      names = "--json",
      description = "Print the status as JSON, with what the running activities heartbeat under \"progress\";"
          + " with --watch one document per change.")
  boolean json;

  @Option(
      names = "--interval",
      defaultValue = "1s",
      description = "How often --watch reads the upgrade, e.g. 500ms, 2s, 1m (default ${DEFAULT-VALUE}).")
  String interval;

  @Option(
      names = "--color",
      defaultValue = "auto",
      description = "auto (default: colours on a terminal unless NO_COLOR is set), always or never.")
  String color;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration every = interval(interval);
    Terminal terminal = Terminal.detect(colorMode(color));
    try (TemporalConnection connection = temporal.connect()) {
      PendingActivities pending = PendingActivities.of(connection);
      if (watch) {
        return new StatusWatch(
                () -> snapshot(connection, pending),
                out,
                spec.commandLine().getErr(),
                terminal,
                json ? StatusWatch.Format.JSON : StatusWatch.Format.TEXT,
                every,
                Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()),
                StatusWatch.DEFAULT_PATIENCE)
            .run();
      }
      UpgradeSnapshot snapshot = snapshot(connection, pending);
      out.println(json ? CliJson.write(snapshot.toJson(true)) : text(snapshot));
      return ExitCodes.OK;
    }
  }

  /** The status query, and while the upgrade runs what its activities heartbeat. */
  UpgradeSnapshot snapshot(TemporalConnection connection, PendingActivities pending) {
    return snapshot(connection, pending, cluster.ref());
  }

  static UpgradeSnapshot snapshot(TemporalConnection connection, PendingActivities pending, ClusterRef ref) {
    UpgradeStatus status = connection.status(ref);
    if (status.outcome() != UpgradeOutcome.RUNNING) {
      return new UpgradeSnapshot(status, List.of());
    }
    String id = status.workflowId() != null ? status.workflowId() : WorkflowIds.clusterUpgrade(ref);
    try {
      return new UpgradeSnapshot(status, pending.of(id, status.phase()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE
          || e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
        throw connection.unreachable(e);
      }
      // Progress is extra: a describe refused (permissions) or gone leaves the status as it is.
      return new UpgradeSnapshot(status, List.of());
    }
  }

  /** The markdown status (as the Temporal UI shows it) and, below, what runs right now. */
  static String text(UpgradeSnapshot snapshot) {
    StringBuilder text = new StringBuilder(StatusMarkdown.render(snapshot.status()));
    if (!snapshot.activities().isEmpty()) {
      text.append("\nRunning now:\n");
      for (ActivityProgress activity : snapshot.activities()) {
        text.append("- `").append(activity.step()).append("` ").append(activity.reading().text());
        if (activity.reading().counted()) {
          text.append(' ').append(activity.reading().bar(10));
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  static Duration interval(String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--interval '" + text + "' is not a duration such as 500ms, 2s or 1m");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2) == null ? "s" : m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofSeconds(n);
        };
    if (d.toMillis() < 100) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--interval '" + text + "' is below 100ms");
    }
    return d;
  }

  static Terminal.ColorMode colorMode(String text) {
    try {
      return Terminal.ColorMode.valueOf(text.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--color '" + text + "' is not one of auto, always, never");
    }
  }
}
