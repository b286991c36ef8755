package io.eksupgrader.workflows.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records the golden histories that {@link WorkflowReplayTest} replays. Run it only when a
 * release changes workflow code on purpose, and commit the files:
 * {@code ./mvnw -pl workflows test -Dtest=RecordHistoriesTest -Drecord.histories=true}. The
 * operator-experience release's recorder sits in {@link OperatorWorkflowTest}, which needs drains
 * that learn of a cancellation within seconds.
 */
@EnabledIfSystemProperty(named = "record.histories", matches = "true")
class RecordHistoriesTest {

  static final Path DIR = Path.of("src", "test", "resources", "histories");

  private final FakeEks eks = new FakeEks("1.32");
  private final FakeDataPlane nodes = new FakeDataPlane();
  private final FakeKarpenterFargate others = new FakeKarpenterFargate();
  private final FakeAddons addons = new FakeAddons();
  private final FakeComponents components = new FakeComponents();
  private final FakeChecks checks = new FakeChecks();

  @RegisterExtension
  final TestWorkflowExtension testWorkflow =
      ClusterUpgradeWorkflowTest.extension(eks, nodes, others, addons, components, checks);

  /**
   * Pre-flight checks since {@code preflight-checks} version 1: a blocker that stops the upgrade
   * until it is fixed and pre-flight retried, warnings approved at gate preflight, a Velero backup
   * before the first change, the checks run again before 1.34, and a node group.
   */
  @org.junit.jupiter.api.Disabled("recorded from the preflight-checks release; never re-record it")
  @Test
  void recordPreflightWithARetriedBlockerTheWarningsGateABackupAndARecheck(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    nodes.addGroup("apps", "1.32", 1);
    checks.add(
        io.eksupgrader.workflows.activities.PreflightActivities.DEPRECATED_API,
        io.eksupgrader.workflows.model.Severity.BLOCKER, "apps/jobs (CronJob)", "1.33", "batch/v1beta1 is removed");
    checks.add(
        io.eksupgrader.workflows.activities.PreflightActivities.SUBNET_FREE_IPS,
        io.eksupgrader.workflows.activities.PreflightActivities.CONTROL_PLANE_LOGGING,
        io.eksupgrader.workflows.model.Severity.WARNING, "control-plane logs", null, "logging is off for api, audit");
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(
        upgrade::upgrade,
        new io.eksupgrader.workflows.model.UpgradeRequest(
            new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"),
            "1.34",
            new io.eksupgrader.workflows.model.UpgradeOptions(
                false, 0, null, 1, null, null, false, new io.eksupgrader.workflows.model.BackupOptions(true, "velero", null, null)),
            "carol"));
    ClusterUpgradeWorkflow running = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    checks.clear(io.eksupgrader.workflows.activities.PreflightActivities.DEPRECATED_API);
    running.decideStep(new OperatorDecision("preflight", DecisionAction.RETRY, "alice", "CronJob moved to batch/v1"));
    for (String gate : new String[] {"preflight", "control-plane-1.33", "control-plane-1.34", "data-plane", "teardown-apps"}) {
      approveByUpdate(running, gate);
    }
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-preflight.json"), client.fetchHistory(id).toJson(true));
  }

  /** A dry run since {@code preflight-checks} version 1: the checks and the plan, then PLANNED. */
  @org.junit.jupiter.api.Disabled("recorded from the preflight-checks release; never re-record it")
  @Test
  void recordADryRun(WorkflowClient client, WorkflowOptions options) throws Exception {
    nodes.addGroup("apps", "1.32", 1);
    checks.add(
        io.eksupgrader.workflows.activities.PreflightActivities.INSIGHTS,
        io.eksupgrader.workflows.model.Severity.BLOCKER, "Kubelet version skew", "1.33", "ERROR: nodes too old");
    String id = "eks-plan/us-east-1/payments/20261203-120000";
    ClusterUpgradeWorkflow plan =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    UpgradeResult result =
        plan.upgrade(
            new io.eksupgrader.workflows.model.UpgradeRequest(
                new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"),
                "1.34",
                new io.eksupgrader.workflows.model.UpgradeOptions(false, 0, null, 1, null, null, true, null),
                "carol"));
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.PLANNED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-plan-dry-run.json"), client.fetchHistory(id).toJson(true));
  }

  /**
   * Karpenter and Istio since {@code components} version 1: stored versions, both Karpenter charts
   * (the CRD step retried by decision), the node class, then two Istio revision steps with their
   * removals, then both control-plane minors.
   */
  @org.junit.jupiter.api.Disabled("recorded from the components release; never re-record it")
  @Test
  void recordKarpenterAndIstioWithARetriedKarpenterStep(WorkflowClient client, WorkflowOptions options) throws Exception {
    components.karpenter("1.0.2", java.util.List.of("v1beta1", "v1"), "al2@latest", java.util.List.of("1.6.3"));
    components.istio("1-26", "1.26.2", java.util.List.of("1.27.0", "1.28.3"));
    components.fail(io.eksupgrader.workflows.activities.ActivityTypes.AWAIT_KARPENTER_READY, 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow running = startTo134(client, options, id);
    approveByUpdate(running, "karpenter");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    running.decideStep(new OperatorDecision("karpenter-crds", DecisionAction.RETRY, "alice", "controller pod rescheduled"));
    for (String gate :
        new String[] {"istio-1.27", "istio-1.26-remove", "istio-1.28", "istio-1.27-remove", "control-plane-1.33", "control-plane-1.34"}) {
      approveByUpdate(running, gate);
    }
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-components.json"), client.fetchHistory(id).toJson(true));
  }

  /** An Istio workload move that fails and is aborted: the mesh is moved back to the old revision. */
  @org.junit.jupiter.api.Disabled("recorded from the components release; never re-record it")
  @Test
  void recordAnAbortedIstioMoveThatMovesTheMeshBack(WorkflowClient client, WorkflowOptions options) throws Exception {
    components.istio("1-26", "1.26.2", java.util.List.of("1.27.0", "1.28.3"));
    components.fail(io.eksupgrader.workflows.activities.ActivityTypes.MOVE_WORKLOADS_TO_REVISION, 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow running = startTo134(client, options, id);
    approveByUpdate(running, "istio-1.27");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    client.newUntypedWorkflowStub(id).signal("decide", Map.of("step", "istio-1.27-workloads", "action", "abort", "by", "bob"));
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-components-abort.json"), client.fetchHistory(id).toJson(true));
  }

  /**
   * Karpenter's external strategy: its gate says what to apply through GitOps, the verifying step
   * fails until the operator has applied it, and {@code decide --retry} verifies it again.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (components 1); never re-record it")
  @Test
  void recordKarpenterExternalStrategyVerifiedAfterARetry(WorkflowClient client, WorkflowOptions options) throws Exception {
    components.karpenter("1.0.2", java.util.List.of("v1"), "al2@latest", java.util.List.of("1.6.3"));
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(
        upgrade::upgrade,
        new io.eksupgrader.workflows.model.UpgradeRequest(
            new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"),
            "1.34",
            new io.eksupgrader.workflows.model.UpgradeOptions(
                false, 0, null, 1, null,
                new io.eksupgrader.workflows.model.ComponentOptions(
                    new io.eksupgrader.workflows.model.KarpenterOptions(
                        io.eksupgrader.workflows.model.ComponentStrategy.EXTERNAL, null, null),
                    null)),
            "carol"));
    ClusterUpgradeWorkflow running = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
    approveByUpdate(running, "karpenter");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    components.operatorAppliesKarpenter("1.6.3");
    running.decideStep(new OperatorDecision("karpenter", DecisionAction.RETRY, "alice", "synced"));
    for (String gate : new String[] {"control-plane-1.33", "control-plane-1.34"}) {
      approveByUpdate(running, gate);
    }
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(components.calls()).noneMatch(c -> c.startsWith("UpgradeHelmRelease") || c.startsWith("UpdateNodeClasses"));

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-karpenter-external.json"), client.fetchHistory(id).toJson(true));
  }

  /**
   * Istio's external strategy: each gate says what to change through GitOps and the step after it
   * only verifies; gate {@code istio-1.27-gateways} asks for the gateways' in-place upgrade. The
   * upgrader itself moves the namespaces and never calls Helm.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (operator-cancel 1); never re-record it")
  @Test
  void recordIstioExternalStrategyWithTheGatewaysGate(WorkflowClient client, WorkflowOptions options) throws Exception {
    components.istio("1-26", "1.26.2", java.util.List.of("1.27.0"));
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(
        upgrade::upgrade,
        new io.eksupgrader.workflows.model.UpgradeRequest(
            new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"),
            "1.34",
            new io.eksupgrader.workflows.model.UpgradeOptions(
                false, 0, null, 1, null,
                new io.eksupgrader.workflows.model.ComponentOptions(
                    null,
                    new io.eksupgrader.workflows.model.IstioOptions(
                        io.eksupgrader.workflows.model.ComponentStrategy.EXTERNAL, "1.27.0", null, 0))),
            "carol"));
    ClusterUpgradeWorkflow running = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
    approveByUpdate(running, "istio-1.27");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        && running.status().openGate().gate().equals("istio-1.27-gateways"));
    assertThat(running.status().openGate().summary())
        .contains("upgrade the gateways istio-ingress/istio-ingressgateway in place through your GitOps: chart gateway 1.27.0 with revision=1-27");
    assertThat(components.calls()).as("the gateways are not looked at before their gate").noneMatch(c -> c.startsWith("AwaitIstioGateways"));
    approveByUpdate(running, "istio-1.27-gateways");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        && running.status().openGate().gate().equals("istio-1.26-remove"));
    components.operatorRemovesIstioRevision("1-26");
    for (String gate : new String[] {"istio-1.26-remove", "control-plane-1.33", "control-plane-1.34"}) {
      approveByUpdate(running, gate);
    }
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(components.calls())
        .containsSubsequence("AwaitIstioRevision 1-27 1.27.0 once", "AwaitIstioGateways 1-27 once", "CheckIstioRevisionUsage 1-26")
        .noneMatch(c -> c.contains("HelmRelease"));

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-istio-external.json"), client.fetchHistory(id).toJson(true));
  }

  /**
   * A control-plane step skipped by {@code decide --skip} after EKS refused its start: no second
   * StartVersionUpdate, the verification finds the cluster still at 1.33, and the operator aborts
   * there.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (operator-cancel 1, activity-summaries 1); never re-record it")
  @Test
  void recordAControlPlaneStepSkippedThenTheVerificationAborted(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    eks.version = "1.33";
    eks.failStarts("1.34", 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow running = startTo134(client, options, id);
    approveByUpdate(running, "control-plane-1.34");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    assertThat(running.status().pendingDecision().step()).isEqualTo("control-plane-1.34");
    running.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.SKIP, "alice", "EKS refuses it; later"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null
        && running.status().pendingDecision().step().equals("verify"));
    assertThat(running.status().pendingDecision().error()).contains("the cluster reports 1.33 and ACTIVE, expected 1.34");
    running.decideStep(new OperatorDecision("verify", DecisionAction.ABORT, "alice", "stays at 1.33 for now"));
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(result.message()).isEqualTo("aborted by an operator at step verify; the cluster runs 1.33");
    assertThat(result.status().steps())
        .filteredOn(s -> s.id().equals("control-plane-1.34"))
        .extracting(io.eksupgrader.workflows.model.StepStatus::state)
        .containsExactly(io.eksupgrader.workflows.model.StepState.SKIPPED);
    assertThat(eks.mutatingCalls()).as("the skipped step is not started again").containsExactly("StartVersionUpdate 1.34");
    assertThat(eks.calls()).noneMatch(c -> c.startsWith("AwaitVersionUpdate"));

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-control-plane-skipped.json"), client.fetchHistory(id).toJson(true));
    Files.writeString(
        DIR.resolve("control-plane-1.34-start-refused.json"),
        client.fetchHistory(id + "/control-plane-1.34").toJson(true));
  }

  /**
   * An add-on step skipped by {@code decide --skip}: CoreDNS ends DEGRADED after the control plane,
   * is not updated again, and the verification counts it as kept behind by that decision.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (operator-cancel 1); never re-record it")
  @Test
  void recordAnAddonStepSkipped(WorkflowClient client, WorkflowOptions options) throws Exception {
    eks.version = "1.33";
    addons.add("coredns", "coredns-old");
    addons.add("vpc-cni", "vpc-cni-old");
    addons.degrade("coredns", 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow running = startTo134(client, options, id);
    approveByUpdate(running, "control-plane-1.34");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    assertThat(running.status().pendingDecision().step()).isEqualTo("addon-coredns-1.34");
    running.decideStep(new OperatorDecision("addon-coredns-1.34", DecisionAction.SKIP, "alice", "CoreDNS is ours to fix"));
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(result.status().steps())
        .filteredOn(s -> s.id().equals("addon-coredns-1.34"))
        .extracting(io.eksupgrader.workflows.model.StepStatus::state)
        .containsExactly(io.eksupgrader.workflows.model.StepState.SKIPPED);
    assertThat(result.status().steps())
        .filteredOn(s -> s.id().equals("verify"))
        .extracting(io.eksupgrader.workflows.model.StepStatus::detail)
        .singleElement()
        .asString()
        .contains("kept behind by an operator's decision: add-on coredns (DEGRADED)");
    assertThat(addons.calls()).as("the skipped add-on is not updated again").filteredOn(c -> c.startsWith("StartAddonUpdate coredns")).hasSize(1);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-addon-skipped.json"), client.fetchHistory(id).toJson(true));
  }

  /**
   * Since {@code node-skew-guard} version 1: a skipped control-plane step keeps the node group from
   * being replaced with nodes newer than the control plane, so neither the data-plane gate nor the
   * teardown opens; the verification finds the cluster at the old minor and is aborted.
   */
  @org.junit.jupiter.api.Disabled("recorded from the code of 2026-12-07 (node-skew-guard 1); never re-record it")
  @Test
  void recordASkippedControlPlaneStepThatKeepsTheNodeGroup(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    eks.version = "1.33";
    eks.failStarts("1.34", 1);
    nodes.addGroup("apps", "1.33", 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow running = startTo134(client, options, id);
    approveByUpdate(running, "control-plane-1.34");
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    running.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.SKIP, "alice", "EKS refuses it; later"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null
        && running.status().pendingDecision().step().equals("verify"));
    running.decideStep(new OperatorDecision("verify", DecisionAction.ABORT, "alice", "stays at 1.33 for now"));
    UpgradeResult result = client.newUntypedWorkflowStub(id).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(result.status().steps())
        .filteredOn(s -> s.id().equals("nodegroup-apps") || s.id().equals("teardown-apps"))
        .extracting(io.eksupgrader.workflows.model.StepStatus::state)
        .containsOnly(io.eksupgrader.workflows.model.StepState.SKIPPED);
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("CreateReplacementNodeGroup") || c.startsWith("DrainNode"));

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-node-skew-guard.json"), client.fetchHistory(id).toJson(true));
  }

  private static ClusterUpgradeWorkflow startTo134(WorkflowClient client, WorkflowOptions options, String id) {
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(
        upgrade::upgrade,
        new io.eksupgrader.workflows.model.UpgradeRequest(
            new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"),
            "1.34",
            new io.eksupgrader.workflows.model.UpgradeOptions(false, 0, null, 1, null, null),
            "carol"));
    return client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
  }

  private static void approveByUpdate(ClusterUpgradeWorkflow running, String gate) {
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        && running.status().openGate().gate().equals(gate));
    running.approveGate(new Approval(gate, "bob", null));
  }

  /**
   * EKS add-ons since {@code addons} version 1: two minors with the VPC CNI before each control
   * plane and CoreDNS after it, a DEGRADED CoreDNS retried by decision, and a node group.
   */
  @org.junit.jupiter.api.Disabled("recorded from the addons release; never re-record it")
  @Test
  void recordAddonsAroundEachMinorWithARetriedDegradedAddon(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    nodes.addGroup("apps", "1.32", 1);
    addons.add("coredns", "coredns-old");
    addons.add("vpc-cni", "vpc-cni-old");
    addons.degrade("coredns", 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(
        upgrade::upgrade,
        new io.eksupgrader.workflows.model.UpgradeRequest(
            new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"),
            "1.34",
            new io.eksupgrader.workflows.model.UpgradeOptions(
                false, 0, null, 1, new io.eksupgrader.workflows.model.AddonOptions("OVERWRITE", Map.of("vpc-cni", "v9"))),
            "carol"));
    ClusterUpgradeWorkflow running = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
    var untyped = client.newUntypedWorkflowStub(id);
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null);
    untyped.signal("approve", Map.of("gate", "control-plane-1.33", "by", "alice"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    running.decideStep(new OperatorDecision("addon-coredns-1.33", DecisionAction.RETRY, "alice", "replicas back"));
    for (String gate : new String[] {"control-plane-1.34", "data-plane", "teardown-apps"}) {
      await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
          && running.status().openGate().gate().equals(gate));
      running.approveGate(new Approval(gate, "bob", null));
    }
    UpgradeResult result = untyped.getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-addons.json"), client.fetchHistory(id).toJson(true));
  }

  /**
   * Karpenter and Fargate since {@code karpenter-fargate} version 1: a drift that stalls into a
   * retry, and two Fargate profiles restarted.
   */
  @org.junit.jupiter.api.Disabled("recorded from the karpenter-fargate release; never re-record it")
  @Test
  void recordKarpenterDriftRetriedAndFargateProfiles(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    eks.version = "1.33";
    nodes.addGroup("apps", "1.33", 1);
    others.addKarpenterNode("ip-10-0-200-2", "general", "1.33");
    others.addFargateProfile("jobs", "cron");
    others.addFargateProfile("serverless", "batch");
    others.stallDrift(1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow running = startTo134ThroughTheDataPlaneGate(client, options, id, 1);
    var untyped = client.newUntypedWorkflowStub(id);
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    running.decideStep(new OperatorDecision("karpenter-drift", DecisionAction.RETRY, "alice", "budget raised"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        && running.status().openGate().gate().equals("teardown-apps"));
    running.approveGate(new Approval("teardown-apps", "bob", null));
    UpgradeResult result = untyped.getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-karpenter-fargate.json"), client.fetchHistory(id).toJson(true));
  }

  /**
   * The data plane since {@code data-plane} version 1: a blocked drain forced by decision, a
   * teardown whose ASG needs its own gate, a second group skipped, and a self-managed group.
   */
  @org.junit.jupiter.api.Disabled("recorded from the data-plane release; never re-record it")
  @Test
  void recordTheDataPlaneWithAForcedDrainAnAsgGateAndASkippedGroup(WorkflowClient client, WorkflowOptions options)
      throws Exception {
    eks.version = "1.33";
    nodes.addGroup("apps", "1.33", 2);
    nodes.addGroup("batch", "1.33", 1);
    nodes.blockDrain("apps-node-2", "web-7d9f-abcde", "uid-web-2");
    nodes.blockDrain("batch-node-1", "db-0", "uid-db-0");
    nodes.asgBlocks("apps");
    nodes.addSelfManagedGroup("legacy", "1.33", 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow running = startTo134ThroughTheDataPlaneGate(client, options, id, 2);
    var untyped = client.newUntypedWorkflowStub(id);
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    running.decideStep(new OperatorDecision("nodegroup-apps", DecisionAction.FORCE, "alice", "INC-42"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null
        && running.status().pendingDecision().step().equals("nodegroup-batch"));
    untyped.signal("decide", Map.of("step", "nodegroup-batch", "action", "skip", "by", "bob"));
    for (String gate : new String[] {"teardown-apps", "delete-asg-apps", "teardown-legacy"}) {
      await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
          && running.status().openGate().gate().equals(gate));
      running.approveGate(new Approval(gate, "bob", null));
    }
    UpgradeResult result = untyped.getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-data-plane.json"), client.fetchHistory(id).toJson(true));
    Files.writeString(
        DIR.resolve("node-group-apps-attempt-2.json"),
        client.fetchHistory(id + "/nodegroup-apps/attempt-2").toJson(true));
  }

  /** Starts an upgrade to 1.34 and approves its control-plane and data-plane gates by signal. */
  private static ClusterUpgradeWorkflow startTo134ThroughTheDataPlaneGate(
      WorkflowClient client, WorkflowOptions options, String id, int drainConcurrency) {
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(
        upgrade::upgrade,
        new io.eksupgrader.workflows.model.UpgradeRequest(
            new io.eksupgrader.workflows.model.ClusterRef("us-east-1", "payments"),
            "1.34",
            new io.eksupgrader.workflows.model.UpgradeOptions(
                false, 0, new io.eksupgrader.workflows.model.DrainOptions(true, true, false, -1, 60, drainConcurrency), 1),
            "carol"));
    ClusterUpgradeWorkflow running = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
    var untyped = client.newUntypedWorkflowStub(id);
    for (String gate : new String[] {"control-plane-1.34", "data-plane"}) {
      await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
          && running.status().openGate().gate().equals(gate));
      untyped.signal("approve", Map.of("gate", gate, "by", "alice"));
    }
    return running;
  }

  /**
   * Recorded from the code released with the walking skeleton (before {@code data-plane}).
   * Running it now would record today's code over it and lose what the replay test proves.
   */
  @org.junit.jupiter.api.Disabled("recorded from the first release; never re-record it")
  @Test
  void recordGatesSignalsUpdatesAndARetriedStep(WorkflowClient client, WorkflowOptions options) throws Exception {
    eks.failStarts("1.34", 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(upgrade::upgrade, ClusterUpgradeWorkflowTest.request("1.34", false));
    ClusterUpgradeWorkflow running = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
    var untyped = client.newUntypedWorkflowStub(id);

    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null);
    untyped.signal("approve", "malformed");
    running.approveGate(new Approval("control-plane-1.33", "alice", "CHG-1"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        && running.status().openGate().gate().equals("control-plane-1.34"));
    untyped.signal("approve", Map.of("gate", "control-plane-1.34", "by", "bob"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    running.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "alice", "transient"));
    UpgradeResult result = untyped.getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-1.32-to-1.34.json"), client.fetchHistory(id).toJson(true));
    Files.writeString(
        DIR.resolve("control-plane-1.33.json"), client.fetchHistory(id + "/control-plane-1.33").toJson(true));
  }
}
