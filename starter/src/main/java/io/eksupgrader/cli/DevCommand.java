package io.eksupgrader.cli;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Keeps a local Temporal, the sandbox and (unless --no-worker) a worker running for other commands. */
@Command(
    name = "dev",
    description = "Run a local Temporal test server, the sandbox and a worker until Ctrl-C, for the other commands to use.",
    mixinStandardHelpOptions = true)
public class DevCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;

  @Option(names = "--scenario", description = "A scenario file instead of the built-in demo world.")
  Path scenarioFile;

  @Option(names = "--port", defaultValue = "7233", description = "Temporal frontend port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--sandbox-port", defaultValue = "4566", description = "Sandbox port (default ${DEFAULT-VALUE}).")
  int sandboxPort;

  @Option(names = "--task-queue", defaultValue = "eks-upgrader", description = "Task queue (default ${DEFAULT-VALUE}).")
  String taskQueue;

  @Option(names = "--no-worker", description = "Start no worker here; run workers as separate processes (and kill them).")
  boolean noWorker;

  @Option(
      names = "--json",
      description = "Print where everything runs as one JSON document (temporal, namespace, taskQueue, sandbox,"
          + " workerCommand), then keep running.")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Scenario scenario = Scenarios.load(scenarioFile);
    LocalEnvironment env = LocalEnvironment.start(scenario, port, sandboxPort, taskQueue);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      env.close();
      stopped.countDown();
    }));
    if (!noWorker) {
      env.startWorker();
    }
    ClusterRef first = Scenarios.cluster(scenario, null);
    StringBuilder command = new StringBuilder("java");
    for (Map.Entry<String, Object> p : env.workerProperties().entrySet()) {
      command.append(" -D").append(p.getKey()).append('=').append(p.getValue());
    }
    command.append(" -jar worker/target/eks-upgrader-worker.jar");
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode doc = CliJson.object();
      doc.put("temporal", env.temporalTarget());
      doc.put("namespace", LocalEnvironment.NAMESPACE);
      doc.put("taskQueue", taskQueue);
      doc.put("sandbox", env.sandbox.endpoint().toString());
      doc.put("scenario", scenario.name());
      doc.put("timeScale", scenario.timeScale());
      doc.put("worker", noWorker ? "none" : "in this process");
      doc.put("workerCommand", command.toString());
      doc.put("chartSource", env.chartSource());
      doc.set("cluster", CliJson.tree(first));
      out.println(CliJson.write(doc));
      out.flush();
      stopped.await();
      return ExitCodes.OK;
    }
    out.printf("Temporal test server: %s (namespace %s, task queue %s)%n", env.temporalTarget(), LocalEnvironment.NAMESPACE, taskQueue);
    out.printf("Sandbox (EKS stand-in): %s, scenario '%s', simulated time %.0f× faster%n",
        env.sandbox.endpoint(), scenario.name(), scenario.timeScale());
    out.println(noWorker ? "Worker: none here (--no-worker). Start one with:" : "Worker: running in this process. Another one can join with:");
    out.println("  " + command);
    out.println("Try, from another terminal:");
    String where = " --temporal " + env.temporalTarget() + " --cluster " + first.name() + " --region " + first.region();
    String charts = " --karpenter-chart-source " + env.chartSource() + " --istio-chart-source " + env.chartSource();
    out.println("  eks-upgrader start" + where + " --to 1.34" + charts);
    out.println("  eks-upgrader status" + where + " --watch");
    out.println("  eks-upgrader approve" + where + " --gate karpenter");
    out.println("  eks-upgrader calls --sandbox " + env.sandbox.endpoint());
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
