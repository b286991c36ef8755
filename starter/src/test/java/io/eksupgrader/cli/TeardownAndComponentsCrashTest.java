package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fault F1 for the mutating activities that {@link WorkerCrashTest}, {@link AddonCrashTest} and
 * {@link DrainCrashTest} leave out: the worker JVM is SIGKILLed inside the teardown of a managed
 * node group and of a self-managed ASG, while Istio moves workloads to its new revision, and while
 * Karpenter's chart is upgraded. A new worker JVM resumes after the heartbeat timeout, and the
 * sandbox's call log shows each mutation's effect once.
 */
class TeardownAndComponentsCrashTest {

  private static final ClusterRef CLUSTER = new ClusterRef("eu-west-1", "crashy");
  /** In start options: the sandbox's own chart repository. */
  private static final String CHARTS = "{charts}";

  @Test
  void aWorkerKilledWhileTheOldManagedGroupIsDeletedIsReplacedAndDeletesItOnce() throws Exception {
    String scenario =
        """
        name: delete-crash
        timeScale: 60
        clusters:
          - name: crashy
            region: eu-west-1
            version: "1.33"
            nodeGroups:
              - {name: apps, version: "1.33", desiredSize: 1}
        durations:
          controlPlaneUpdate: 2m
          nodeGroupCreate: 2m
          nodeGroupDelete: 20m
          nodeJoin: 20s
          podStart: 10s
        """;
    try (CrashRun run = CrashRun.start(scenario, "delete-crash", Map.of(heartbeatTimeout("delete-node-group"), "3s"))) {
      // The kill comes while the sandbox still shows the old group DELETING (20 simulated minutes).
      run.killWhen(() -> run.env.sandbox.callLog().count("DeleteNodegroup", CallLog.Effect.CREATED) == 1);
      UpgradeResult result = run.resumeToTheEnd();

      assertThat(result.outcome()).as(run.describe(result.status())).isEqualTo(UpgradeOutcome.SUCCEEDED);
      assertThat(run.env.sandbox.callLog().entries("DeleteNodegroup"))
          .as("the resumed teardown saw the group DELETING and did not ask again")
          .extracting(e -> e.resourceId() + " " + e.effect())
          .containsExactly("apps " + CallLog.Effect.CREATED);
      assertThat(run.env.sandbox.callLog().count("CreateNodegroup", CallLog.Effect.CREATED)).isEqualTo(1);
    }
  }

  @Test
  void aWorkerKilledWhileTheOldSelfManagedAsgIsDeletedIsReplacedAndDeletesItOnce() throws Exception {
    String scenario =
        """
        name: asg-crash
        timeScale: 60
        clusters:
          - name: crashy
            region: eu-west-1
            version: "1.33"
            selfManagedGroups:
              - {name: legacy, version: "1.33", desiredSize: 1, launchTemplate: {name: legacy-nodes, version: 1}}
        durations:
          controlPlaneUpdate: 2m
          nodeJoin: 20s
          podStart: 10s
          asgDelete: 30m
        """;
    try (CrashRun run = CrashRun.start(scenario, "asg-crash", Map.of(heartbeatTimeout("delete-self-managed-node-group"), "3s"))) {
      // The kill comes while the sandbox still shows the old ASG "Delete in progress" (30 simulated minutes).
      run.killWhen(() -> run.env.sandbox.callLog().count("DeleteAutoScalingGroup", CallLog.Effect.CREATED) == 1);
      UpgradeResult result = run.resumeToTheEnd();

      assertThat(result.outcome()).as(run.describe(result.status())).isEqualTo(UpgradeOutcome.SUCCEEDED);
      assertThat(run.env.sandbox.callLog().entries("DeleteAutoScalingGroup"))
          .as("the resumed teardown saw the ASG being deleted and did not ask again")
          .extracting(e -> e.resourceId() + " " + e.effect())
          .containsExactly("legacy " + CallLog.Effect.CREATED);
      assertThat(run.env.sandbox.callLog().count("CreateAutoScalingGroup", CallLog.Effect.CREATED)).isEqualTo(1);
    }
  }

  @Test
  void aWorkerKilledWhileIstioMovesWorkloadsIsReplacedAndRestartsEachWorkloadOnce() throws Exception {
    String scenario =
        """
        name: mesh-crash
        timeScale: 20
        clusters:
          - name: crashy
            region: eu-west-1
            version: "1.33"
            nodeGroups:
              - {name: system, version: "1.33", desiredSize: 2}
            istio:
              revisions:
                - {name: 1-27, version: 1.27.0}
              tags:
                - {name: default, revision: 1-27}
              namespaces:
                - {name: shop, injection: enabled}
                - {name: billing, rev: 1-27}
            kubernetes:
              workloads:
                - {namespace: shop, name: web, replicas: 2}
                - {namespace: shop, name: cart, replicas: 2}
                - {namespace: billing, name: invoicer, replicas: 2}
        durations:
          controlPlaneUpdate: 2m
          podStart: 20s
        """;
    // 1.33 → 1.34 needs one Istio revision step, 1-27 → 1-28.
    try (CrashRun run =
        CrashRun.start(
            scenario, "mesh-crash", "1.34", Map.of(heartbeatTimeout("move-workloads-to-revision"), "3s"),
            "--no-data-plane", "--no-addons", "--istio-restart-batch", "1", "--delete-emptydir-data",
            "--istio-chart-source", CHARTS)) {
      // Restarted one at a time, each waiting for its pods: the kill comes after the first of three.
      run.killWhen(() -> workloadRestarts(run.env).size() == 1);
      UpgradeResult result = run.resumeToTheEnd();

      assertThat(result.outcome()).as(run.describe(result.status())).isEqualTo(UpgradeOutcome.SUCCEEDED);
      assertThat(workloadRestarts(run.env))
          .as("each workload restarted once for revision 1-28, the one in flight at the kill included")
          .containsExactlyInAnyOrder("shop/web", "shop/cart", "billing/invoicer");
      assertThat(run.env.sandbox.callLog().entries("PatchNamespace"))
          .filteredOn(e -> e.effect() == CallLog.Effect.CREATED)
          .extracting(CallLog.Entry::resourceId)
          .as("billing relabelled to istio.io/rev=1-28 once; shop follows the default tag")
          .containsExactly("billing");
      assertThat(run.env.sandbox.kubernetes(CLUSTER.region(), CLUSTER.name()).adminClient()
              .namespaces().withName("billing").get().getMetadata().getLabels())
          .containsEntry("istio.io/rev", "1-28");
    }
  }

  @Test
  void aWorkerKilledDuringKarpentersHelmUpgradeLeavesItPendingForTheOperatorAndNothingIsAppliedTwice() throws Exception {
    String scenario =
        """
        name: chart-crash
        timeScale: 60
        clusters:
          - name: crashy
            region: eu-west-1
            version: "1.33"
            nodeGroups:
              - {name: system, version: "1.33", desiredSize: 2}
            karpenter:
              version: "1.5.4"
              nodePools:
                - {name: general, nodes: 1, driftBudget: "1"}
        durations:
          controlPlaneUpdate: 2m
        """;
    // A Helm run does not heartbeat: a dead one is retried after its start-to-close timeout.
    try (CrashRun run =
        CrashRun.start(
            scenario, "chart-crash", "1.34", Map.of("eks-upgrader.activities.upgrade-helm-release.start-to-close-timeout", "30s"),
            "--no-data-plane", "--no-addons", "--karpenter-chart-source", CHARTS)) {
      String releases = "kube-system/sh.helm.release.v1.";
      // Helm records revision 2 of the controller's release as pending-upgrade, then applies the
      // chart: the sandbox holds its next request, and the worker dies inside the Helm run.
      try (var hold = run.env.sandbox.kubernetes(CLUSTER.region(), CLUSTER.name()).holdRequestsAfter("CreateSecret", releases + "karpenter.v")) {
        run.killWhen(() -> hold.awaitHolding(Duration.ofMillis(100)));
      }
      long killedAt = run.env.sandbox.callLog().entries().stream().mapToLong(CallLog.Entry::sequence).max().orElseThrow();
      var kube = run.env.sandbox.kubernetes(CLUSTER.region(), CLUSTER.name()).adminClient();
      assertThat(kube.secrets().inNamespace("kube-system").withName("sh.helm.release.v1.karpenter.v2").get().getMetadata().getLabels())
          .containsEntry("status", "pending-upgrade");

      // The retry refuses the pending release, by design: only a person decides how to recover.
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).ignoreExceptionsInstanceOf(CliFailure.class).untilAsserted(() ->
          assertThat(StatusMarkdown.render(run.connection.status(CLUSTER)))
              .contains("Step `karpenter-controller` FAILED", "HelmReleaseFailed", "is pending-upgrade at revision 2"));
      assertThat(releaseRecords(run.env, releases))
          .as("the CRD chart upgraded once before the kill; the controller's chart was not run a second time")
          .containsExactly(releases + "karpenter-crd.v2", releases + "karpenter.v2");

      // The operator removes the interrupted revision (its chart was never applied), so that
      // revision 1 is the release's newest again, and retries the step.
      kube.secrets().inNamespace("kube-system").withName("sh.helm.release.v1.karpenter.v2").delete();
      CliRun retried = run.cli("decide", "--step", "karpenter-controller", "--retry", "--comment", "pending revision removed");
      assertThat(retried.exitCode()).as(retried.toString()).isEqualTo(ExitCodes.OK);
      UpgradeResult result = run.resumeToTheEnd();

      assertThat(result.outcome()).as(run.describe(result.status())).isEqualTo(UpgradeOutcome.SUCCEEDED);
      assertThat(run.env.sandbox.callLog().entries())
          .filteredOn(e -> e.operation().endsWith("CustomResourceDefinition"))
          .as("the CRD chart's run (karpenter-crd.v2) came before the kill; no CRD was written again after it")
          .allMatch(e -> e.sequence() < killedAt);
      assertThat(releaseRecords(run.env, releases))
          .as("revision 2 of the controller's release made again on the operator's retry, nothing else twice")
          .containsExactly(releases + "karpenter-crd.v2", releases + "karpenter.v2", releases + "karpenter.v2");
      assertThat(kube.secrets().inNamespace("kube-system").withName("sh.helm.release.v1.karpenter.v2").get().getMetadata().getLabels())
          .containsEntry("status", "deployed");
    }
  }

  /** The Helm release records (Secrets) created, in order. */
  private static java.util.List<String> releaseRecords(LocalEnvironment env, String prefix) {
    return env.sandbox.callLog().entries("CreateSecret").stream()
        .filter(e -> e.effect() == CallLog.Effect.CREATED && e.resourceId() != null && e.resourceId().startsWith(prefix))
        .map(CallLog.Entry::resourceId)
        .toList();
  }

  private static String heartbeatTimeout(String activity) {
    return "eks-upgrader.activities." + activity + ".heartbeat-timeout";
  }

  /** The workloads of the mesh's namespaces whose pod template a PATCH changed (a rollout restart). */
  private static java.util.List<String> workloadRestarts(LocalEnvironment env) {
    return env.sandbox.callLog().entries("PatchDeployment").stream()
        .filter(e -> e.effect() == CallLog.Effect.CREATED)
        .map(CallLog.Entry::resourceId)
        .filter(id -> id.startsWith("shop/") || id.startsWith("billing/"))
        .toList();
  }

  /**
   * The sandbox, a Temporal test server, a first worker JVM and an upgrade started by the CLI; then
   * a kill at a point the test waits for, and a second worker JVM.
   */
  private static final class CrashRun implements AutoCloseable {
    final LocalEnvironment env;
    final TemporalConnection connection;
    final Map<String, Object> worker;
    final Path logs;
    final String taskQueue;
    private final WorkerProcess first;
    private WorkerProcess second;

    private CrashRun(
        LocalEnvironment env, TemporalConnection connection, Map<String, Object> worker, Path logs, String taskQueue, WorkerProcess first) {
      this.env = env;
      this.taskQueue = taskQueue;
      this.connection = connection;
      this.worker = worker;
      this.logs = logs;
      this.first = first;
    }

    /** Starts it all, the workers with {@code workerOverrides} over the environment's properties. */
    static CrashRun start(String scenarioYaml, String name, Map<String, Object> workerOverrides, String... startOptions)
        throws Exception {
      return start(scenarioYaml, name, "1.34", workerOverrides, startOptions);
    }

    static CrashRun start(
        String scenarioYaml, String name, String target, Map<String, Object> workerOverrides, String... startOptions)
        throws Exception {
      LocalEnvironment env = LocalEnvironment.start(Scenario.parse(scenarioYaml, name), 0, 0, name);
      WorkerProcess first = null;
      try {
        Map<String, Object> worker = new LinkedHashMap<>(env.workerProperties());
        worker.putAll(workerOverrides);
        worker.put("micronaut.server.port", -1);
        Path logs = Path.of("target", "teardown-components-crash-test", name);
        // The worker logs append: start each run with fresh ones.
        java.nio.file.Files.deleteIfExists(logs.resolve("worker-1.log"));
        java.nio.file.Files.deleteIfExists(logs.resolve("worker-2.log"));
        WorkerProcess starting = WorkerProcess.start(worker, logs.resolve("worker-1.log"));
        first = starting;
        // On a loaded machine a worker JVM takes up to a minute to start; the CLI's start waits less for the plan.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() ->
            starting.logText().contains("Worker polls task queue"));
        CliRun started =
            CliRun.of(
                CliRun.concat(
                    new String[] {
                      "start", "--temporal", env.temporalTarget(), "--task-queue", name, "--cluster", CLUSTER.name(),
                      "--region", CLUSTER.region(), "--to", target, "--auto-approve", "--no-wait"
                    },
                    java.util.Arrays.stream(startOptions).map(o -> o.equals(CHARTS) ? env.chartSource() : o).toArray(String[]::new)));
        assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
        return new CrashRun(env, env.connect(name + "-test"), worker, logs, name, first);
      } catch (Exception | Error e) {
        try (env) {
          if (first != null) {
            first.close();
          }
        }
        throw e;
      }
    }

    /** Waits for the kill point, SIGKILLs the first worker and starts the second. */
    void killWhen(Callable<Boolean> killPoint) throws Exception {
      // Only the sandbox is polled this often: a status query makes a worker replay the workflow.
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50)).until(killPoint);
      first.kill();
      assertThat(first.isAlive()).isFalse();
      second = WorkerProcess.start(worker, logs.resolve("worker-2.log"));
    }

    /** A command of the CLI against this run's upgrade. */
    CliRun cli(String... args) {
      return CliRun.of(
          CliRun.concat(
              args, "--temporal", env.temporalTarget(), "--task-queue", taskQueue, "--cluster", CLUSTER.name(),
              "--region", CLUSTER.region()));
    }

    /** Waits until the upgrade ended and returns its result. */
    UpgradeResult resumeToTheEnd() throws Exception {
      try {
        return connection.client
            .newUntypedWorkflowStub("eks-upgrade/" + CLUSTER.region() + "/" + CLUSTER.name())
            .getResult(240, TimeUnit.SECONDS, UpgradeResult.class);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the upgrade did not end within 240 s:\n" + describe(connection.status(CLUSTER)), e);
      }
    }

    String describe(UpgradeStatus status) {
      return StatusMarkdown.render(status) + "\nsecond worker's log: " + second.log;
    }

    @Override
    public void close() throws Exception {
      try (env; connection; first) {
        if (second != null) {
          second.close();
        }
      }
    }
  }
}
