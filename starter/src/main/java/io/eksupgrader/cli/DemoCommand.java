package io.eksupgrader.cli;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.HealthGateOptions;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One process, one command: a Temporal test server, the sandbox and the worker, then a whole
 * upgrade of the demo cluster with its gates answered at the terminal.
 */
@Command(
    name = "demo",
    description = "Run a whole upgrade (1.32 → 1.34) on the built-in sandbox, in this process.",
    mixinStandardHelpOptions = true)
public class DemoCommand implements Callable<Integer>, JsonOutput {

  /**
   * Seed 001's drain: {@code kubectl drain --ignore-daemonsets --delete-emptydir-data --force}, two
   * nodes at a time; PodDisruptionBudgets are always honoured. Karpenter and Istio move with the
   * embedded Helm, from the sandbox's own charts. The health gates ask the sandbox's Prometheus
   * every 5 seconds during waits, since the demo's simulated hours pass in minutes.
   */
  static UpgradeOptions demoOptions(String chartSource, String prometheusUrl) {
    return new UpgradeOptions(
        false,
        UpgradeOptions.DEFAULT_GATE_REMINDER_MINUTES,
        new DrainOptions(true, true, true, -1, DrainOptions.DEFAULT_TIMEOUT_SECONDS, 2),
        1,
        null,
        new ComponentOptions(
            new KarpenterOptions(ComponentStrategy.HELM, null, chartSource),
            new IstioOptions(ComponentStrategy.HELM, null, chartSource, 0)),
        false,
        null,
        null,
        new HealthGateOptions(prometheusUrl, 5, java.util.Map.of(), java.util.List.of(), java.util.List.of()),
        null);
  }

  @Spec CommandSpec spec;

  @Option(names = "--auto-approve", description = "Approve every gate instead of asking at the terminal.")
  boolean autoApprove;

  @Option(names = "--scenario", description = "A scenario file instead of the built-in demo world.")
  Path scenarioFile;

  @Option(names = "--cluster", description = "Cluster of the scenario to upgrade (default: its first).")
  String clusterName;

  @Option(names = "--to", defaultValue = "1.34", description = "Target version (default ${DEFAULT-VALUE}).")
  String targetVersion;

  @Option(
      names = "--json",
      description = "Print the progress and questions on stderr and, at the end, one JSON document on stdout: the"
          + " outcome, exit code, final status and the sandbox's mutating calls.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    // With --json stdout holds one document; what people read goes to stderr.
    PrintWriter out = json ? spec.commandLine().getErr() : stdout;
    Scenario scenario = Scenarios.load(scenarioFile);
    ClusterRef cluster = Scenarios.cluster(scenario, clusterName);
    TemporalOptions temporal = new TemporalOptions();
    temporal.namespace = LocalEnvironment.NAMESPACE;
    temporal.taskQueue = "eks-upgrader";
    temporal.identity = System.getProperty("user.name", "operator");
    out.printf(
        "eks-upgrader demo: upgrading %s to %s on the sandbox (scenario '%s', simulated time runs %.0f× faster).%n",
        cluster, targetVersion, scenario.name(), scenario.timeScale());
    try (LocalEnvironment env = LocalEnvironment.start(scenario, 0, 0, temporal.taskQueue)) {
      env.startWorker();
      temporal.target = env.temporalTarget();
      out.printf("Temporal test server on %s, sandbox on %s, worker started.%n", env.temporalTarget(), env.sandbox.endpoint());
      try (TemporalConnection connection = temporal.connect()) {
        StartCommand.startUpgrade(
            connection, new UpgradeRequest(cluster, targetVersion, demoOptions(env.chartSource(), env.sandbox.prometheusUrl().toString()), temporal.identity), out);
        GateAnswers answers =
            autoApprove
                ? GateAnswers.autoApprove()
                : new TerminalGateAnswers(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        int code = new UpgradeWatcher(connection, cluster, out, answers, scenario.timeScale()).stopWhenUnanswered().followToEnd();
        if (json) {
          com.fasterxml.jackson.databind.node.ObjectNode doc = CliJson.object();
          io.eksupgrader.workflows.model.UpgradeStatus status = connection.status(cluster);
          doc.put("outcome", status.outcome().name());
          doc.put("exitCode", code);
          doc.set("status", CliJson.tree(status));
          doc.set("calls", CliJson.tree(env.sandbox.callLog().entries()));
          doc.put("pdbBreaches", env.pdbBreachSummary().strip());
          stdout.println(CliJson.write(doc));
          stdout.flush();
          return code;
        }
        out.println("Mutating AWS and Kubernetes calls the sandbox received:");
        out.println(env.callSummary());
        out.println("PodDisruptionBudget breaches (a budget with fewer healthy pods than it requires):");
        out.println(env.pdbBreachSummary());
        return code;
      }
    }
  }
}
