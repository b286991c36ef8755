package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.StepStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Benchmarks on the sandbox, in this process: each upgrade runs like {@code demo --auto-approve}
 * (Temporal test server, sandbox, worker), and the table holds ratios and counts measured in this
 * one run, never absolute times, since the machine and the time scale decide those.
 *
 * <ul>
 *   <li>{@code r1}: the reference cluster's wall time (real × time scale) over its critical-path
 *       lower bound ({@link CriticalPathBound}).
 *   <li>{@code rolling}: the same cluster replaced one node at a time (one node group at a time,
 *       drain concurrency 1), over {@code r1}'s time. Also the data plane's alone.
 *   <li>{@code drain}: 50 nodes × 30 pods: pods evicted per real second of the drain, Kubernetes
 *       requests per evicted pod.
 *   <li>{@code aws}: AWS requests per API during {@code r1}'s upgrade, and throttles.
 *   <li>{@code history}: history events of the largest execution for a 500-node cluster (and for
 *       {@code r1} whenever it ran) (Temporal's hard limit is 51,200, its warning 10,240).
 * </ul>
 *
 * Any PodDisruptionBudget breach the sandbox recorded in any run makes the command exit 1.
 */
@Command(
    name = "bench",
    description = "Run benchmark upgrades on the built-in sandbox, in this process, and print a table of ratios.",
    mixinStandardHelpOptions = true)
public class BenchCommand implements Callable<Integer> {

  static final List<String> ALL = List.of("r1", "rolling", "drain", "aws", "history");

  @Spec CommandSpec spec;

  @Option(
      names = "--only",
      split = ",",
      description = "Which benchmarks: r1, rolling, drain, aws, history (default: all).")
  List<String> only = new ArrayList<>(ALL);

  @Option(
      names = "--time-scale",
      defaultValue = "60",
      description = "Simulated seconds per real second (default ${DEFAULT-VALUE}). Lower is closer to real polling, and slower.")
  double timeScale;

  @Option(
      names = "--throttling-rate",
      defaultValue = "0",
      description = "Share of AWS requests the sandbox throttles (default ${DEFAULT-VALUE}).")
  double throttlingRate;

  @Option(
      names = "--small",
      description = "R1 with 5 nodes and 5 Deployments per group (300 pods, the same budgets and waves) and the drain"
          + " benchmark on 10 nodes, for machines whose sandbox cannot simulate 1,200 pods at speed.")
  boolean small;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Set<String> wanted = new LinkedHashSet<>(only);
    for (String name : wanted) {
      if (!ALL.contains(name)) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "unknown benchmark '" + name + "'; choose from " + String.join(", ", ALL));
      }
    }
    if (timeScale < 1) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--time-scale must be at least 1");
    }
    BenchRun.Strategy fast = new BenchRun.Strategy("3 groups at once, 2 nodes of each drained at once", 3, 2);
    BenchRun.Strategy oneAtATime = new BenchRun.Strategy("1 group at a time, 1 node at a time", 1, 1);
    out.printf("eks-upgrader bench: %s at time scale %.0f%n", String.join(", ", wanted), timeScale);
    List<BenchRun.Measurement> runs = new ArrayList<>();
    BenchWorld r1 = (small ? BenchWorld.r1(5, 5) : BenchWorld.r1()).withThrottlingRate(throttlingRate);
    BenchRun.Measurement reference = null;
    if (wanted.contains("r1") || wanted.contains("rolling") || wanted.contains("aws")) {
      reference = BenchRun.run(r1, fast, timeScale, out);
      runs.add(reference);
    }
    BenchRun.Measurement rolling = null;
    if (wanted.contains("rolling")) {
      rolling = BenchRun.run(r1, oneAtATime, timeScale, out);
      runs.add(rolling);
    }
    BenchRun.Measurement drain = null;
    if (wanted.contains("drain")) {
      drain = BenchRun.run(
          (small ? BenchWorld.drain(10) : BenchWorld.drain()).withThrottlingRate(throttlingRate), new BenchRun.Strategy("10 nodes drained at once", 1, 10),
          timeScale, out);
      runs.add(drain);
    }
    BenchRun.Measurement large = null;
    if (wanted.contains("history")) {
      large = BenchRun.run(
          BenchWorld.large().withThrottlingRate(throttlingRate), new BenchRun.Strategy("10 groups at once, 5 nodes of each at once", 10, 5),
          timeScale, out);
      runs.add(large);
    }

    Table table = new Table();
    if (wanted.contains("r1")) {
      r1Rows(table, reference);
    }
    if (rolling != null) {
      Duration ours = reference.simulated(reference.wall());
      Duration theirs = rolling.simulated(rolling.wall());
      table.row("rolling", "whole upgrade, one node at a time ÷ R1", ratio(theirs, ours), "target ≥ 4");
      table.row("rolling", "data plane alone, one node at a time ÷ R1", ratio(dataPlane(rolling), dataPlane(reference)),
          "node-group, teardown and drift steps");
    }
    if (drain != null) {
      double seconds = drain.drainWindow().toMillis() / 1000.0;
      table.row("drain", "pods evicted per real second", String.format("%.1f", drain.evictions() / Math.max(seconds, 0.001)),
          drain.evictions() + " pods in " + String.format("%.1f", seconds) + " s (first DrainNode scheduled → last closed)");
      table.row("drain", "Kubernetes requests per evicted pod, whole upgrade",
          perPod(drain.kubernetesRequestsTotal(), drain.evictions()), drain.kubernetesRequestsTotal() + " requests");
      for (Map.Entry<String, Long> e : top(drain.kubernetesRequests(), 6)) {
        table.row("drain", "  " + e.getKey() + " per evicted pod", perPod(e.getValue(), drain.evictions()), e.getValue() + "");
      }
    }
    if (wanted.contains("aws")) {
      table.row("aws", "AWS requests per upgrade (R1)", reference.awsCallsTotal() + "",
          reference.awsStats().throttled() + " throttled, " + reference.awsStats().serverErrors() + " 5xx injected");
      for (Map.Entry<String, Long> e : top(reference.awsCalls(), 40)) {
        table.row("aws", "  " + e.getKey(), e.getValue() + "", "");
      }
    }
    if (reference != null) {
      historyRow(table, reference);
    }
    if (large != null) {
      historyRow(table, large);
    }
    out.println();
    out.print(table.render());
    if (reference != null) {
      BenchRun.Measurement ref = reference;
      out.println();
      out.println("Where R1's time went: activity types by summed time (real × time scale), and time queued before a worker took them:");
      Table profile = new Table();
      ref.activities().entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue().totalMillis(), a.getValue().totalMillis()))
          .limit(12)
          .forEach(e -> profile.row(e.getKey(), e.getValue().count() + "×",
              minutes(ref.simulated(Duration.ofMillis(e.getValue().totalMillis()))),
              "queued " + minutes(ref.simulated(Duration.ofMillis(e.getValue().queuedMillis())))));
      out.print(profile.render());
    }
    out.println();
    int breaches = 0;
    for (BenchRun.Measurement run : runs) {
      breaches += run.breaches().size();
      String outcome = run.outcome();
      out.printf("%s (%s): outcome %s, PodDisruptionBudget breaches %d%n", run.world().name(), run.strategy().name(), outcome,
          run.breaches().size());
    }
    out.flush();
    if (breaches > 0) {
      spec.commandLine().getErr().println("eks-upgrader bench: the sandbox recorded PodDisruptionBudget breaches");
      return ExitCodes.UPGRADE_NOT_SUCCEEDED;
    }
    boolean allSucceeded = runs.stream().allMatch(r -> r.outcome().equals("SUCCEEDED"));
    return allSucceeded ? ExitCodes.OK : ExitCodes.UPGRADE_NOT_SUCCEEDED;
  }

  private static void r1Rows(Table table, BenchRun.Measurement run) {
    CriticalPathBound.Bound bound = CriticalPathBound.of(run.world());
    Duration measured = run.simulated(run.wall());
    table.row("r1", "wall × scale ÷ lower bound (add-ons in sequence)", ratio(measured, bound.sequential()),
        minutes(measured) + " ÷ " + minutes(bound.sequential()) + ", target ≤ 1.05");
    table.row("r1", "wall × scale ÷ lower bound (add-ons in parallel)", ratio(measured, bound.parallel()),
        minutes(measured) + " ÷ " + minutes(bound.parallel()));
    table.row("r1", "  bound parts", "",
        "control plane " + minutes(bound.controlPlane()) + ", add-ons " + minutes(bound.addons()) + ", Karpenter/Istio "
            + minutes(bound.components()) + ", data plane " + minutes(bound.dataPlane()) + " (drain waves "
            + minutes(bound.drainWaves()) + "), drift " + minutes(bound.drift()));
    for (String phase : List.of("pre-flight", "components", "control plane and add-ons", "data plane", "verification")) {
      table.row("r1", "  measured " + phase, minutes(run.simulated(phaseSpan(run, phase))), "first step started → last ended");
    }
  }

  private static void historyRow(Table table, BenchRun.Measurement run) {
    Map.Entry<String, Long> largest =
        run.historyEvents().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    long total = run.historyEvents().values().stream().mapToLong(Long::longValue).sum();
    table.row("history", run.world().name() + " (" + run.world().nodes() + " nodes): largest execution", largest.getValue() + "",
        largest.getKey() + "; " + run.historyEvents().size() + " executions, " + total + " events in all; target < 10,240");
  }

  /** The data plane's steps, from the first one's start to the last one's end. */
  static Duration dataPlane(BenchRun.Measurement run) {
    return run.simulated(phaseSpan(run, "data plane"));
  }

  private static Duration phaseSpan(BenchRun.Measurement run, String phase) {
    Instant first = null;
    Instant last = null;
    for (StepStatus step : run.steps()) {
      if (step.startedAt() == null || step.finishedAt() == null || !phaseOf(step.kind()).equals(phase)) {
        continue;
      }
      first = first == null || step.startedAt().isBefore(first) ? step.startedAt() : first;
      last = last == null || step.finishedAt().isAfter(last) ? step.finishedAt() : last;
    }
    return first == null ? Duration.ZERO : Duration.between(first, last);
  }

  private static String phaseOf(StepKind kind) {
    return switch (kind) {
      case NODE_GROUP, SELF_MANAGED_GROUP, TEARDOWN, ASG_DELETE, KARPENTER_DRIFT, FARGATE_PROFILE -> "data plane";
      case CONTROL_PLANE, ADDON -> "control plane and add-ons";
      case KARPENTER_STORAGE, KARPENTER_CRDS, KARPENTER_CONTROLLER, KARPENTER_NODE_CLASSES, KARPENTER_EXTERNAL,
          ISTIO_INSTALL, ISTIO_WORKLOADS, ISTIO_GATEWAYS, ISTIO_VALIDATE, ISTIO_REMOVE -> "components";
      case PREFLIGHT, PREFLIGHT_REVIEW, BACKUP -> "pre-flight";
      default -> "verification";
    };
  }

  private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
    return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n).toList();
  }

  private static String ratio(Duration a, Duration b) {
    return b.isZero() ? "n/a" : String.format("%.2f", a.toMillis() / (double) b.toMillis());
  }

  private static String perPod(long count, long pods) {
    return pods == 0 ? "n/a" : String.format("%.2f", count / (double) pods);
  }

  private static String minutes(Duration d) {
    return String.format("%.1f min", d.toMillis() / 60000.0);
  }

  /** A plain text table whose columns are as wide as their widest cell. */
  private static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    void row(String... cells) {
      rows.add(cells);
    }

    String render() {
      int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
      int[] widths = new int[columns];
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      StringBuilder text = new StringBuilder();
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          line.append(String.format("%-" + Math.max(1, widths[i]) + "s", row[i])).append("  ");
        }
        text.append(line.toString().stripTrailing()).append('\n');
      }
      return text.toString();
    }
  }
}
