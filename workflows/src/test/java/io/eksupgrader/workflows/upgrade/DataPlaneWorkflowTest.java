package io.eksupgrader.workflows.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The data plane of an upgrade: node groups replaced blue/green, drained, then torn down. */
class DataPlaneWorkflowTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);

  private final FakeEks eks = new FakeEks("1.33");
  private final FakeDataPlane nodes = new FakeDataPlane();

  @RegisterExtension
  final TestWorkflowExtension testWorkflow = ClusterUpgradeWorkflowTest.extension(eks, nodes);

  @Test
  void replacesEachGroupBeforeTouchingItsNodesAndDeletesOldGroupsOnlyAfterTheirGates(
      WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 2);
    nodes.addGroup("batch", "1.33", 1);
    nodes.addGroup("system-1-34", "1.34", 2);
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));

    UpgradeStatus atControlPlane = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atControlPlane.steps())
        .extracting(StepStatus::id)
        .as("groups already at the target are not replaced; old groups are deleted after all replacements")
        .containsExactly(
            "preflight",
            "control-plane-1.34",
            "nodegroup-apps",
            "nodegroup-batch",
            "teardown-apps",
            "teardown-batch",
            "verify");
    assertThat(atControlPlane.plan().steps())
        .filteredOn(s -> s.kind() == StepKind.NODE_GROUP)
        .extracting(s -> s.nodeGroup() + "->" + s.target() + " gate " + s.gate())
        .containsExactly("apps->apps-1-34 gate data-plane", "batch->batch-1-34 gate null");
    upgrade.approveGate(new Approval("control-plane-1.34", "alice", null));

    UpgradeStatus atDataPlane = awaitGate(client, "data-plane");
    assertThat(nodes.calls())
        .as("nothing on the data plane moves before its gate")
        .containsExactly("ListNodeGroups", "ListSelfManagedNodeGroups");
    assertThat(atDataPlane.openGate().summary()).contains("replace node group apps (1.33, 2 nodes) with apps-1-34");
    upgrade.approveGate(new Approval("data-plane", "alice", null));

    UpgradeStatus atTeardown = awaitGate(client, "teardown-apps");
    assertThat(atTeardown.openGate().summary())
        .as("the 'check the service' gate shows what the drain left")
        .contains("0 pods left on the old nodes, 0 pods not Ready in the cluster");
    assertThat(stepState(atTeardown, "nodegroup-apps")).isEqualTo(StepState.SUCCEEDED);
    assertThat(detail(atTeardown, "nodegroup-apps"))
        .contains("apps-1-34 created (2 nodes Ready, joined in 90–90 s)")
        .contains("2 old nodes cordoned and drained: 8 pods evicted");
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("DeleteNodeGroup"));
    upgrade.approveGate(new Approval("teardown-apps", "bob", "dashboards green"));
    awaitGate(client, "teardown-batch");
    upgrade.approveGate(new Approval("teardown-batch", "bob", null));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls())
        .as("per group: new capacity Ready, then every old node cordoned, then drained node by node")
        .containsExactly(
            "ListNodeGroups",
            "ListSelfManagedNodeGroups",
            "CreateReplacementNodeGroup apps -> apps-1-34",
            "AwaitNodeGroupReady apps-1-34",
            "CordonNodes apps",
            "DrainNode apps-node-1",
            "DrainNode apps-node-2",
            "CheckNodesDrained apps",
            "CreateReplacementNodeGroup batch -> batch-1-34",
            "AwaitNodeGroupReady batch-1-34",
            "CordonNodes batch",
            "DrainNode batch-node-1",
            "CheckNodesDrained batch",
            "CheckNodesDrained apps",
            "DeleteNodeGroup apps",
            "CheckNodesDrained batch",
            "DeleteNodeGroup batch",
            "ListNodeGroups",
            "ListSelfManagedNodeGroups");
    assertThat(detail(result.status(), "verify"))
        .contains("node groups: apps-1-34 1.34, batch-1-34 1.34, system-1-34 1.34");
  }

  @Test
  void aBlockedDrainNamesThePodAndItsBudgetAndForceDeletesExactlyThatPodOnlyWhenDecided(
      WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 2);
    nodes.blockDrain("apps-node-2", "web-7d9f-abcde", "uid-web-2");
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 2));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("nodegroup-apps");
    assertThat(failed.pendingDecision().allowed())
        .containsExactly(DecisionAction.RETRY, DecisionAction.SKIP, DecisionAction.ABORT, DecisionAction.FORCE);
    assertThat(failed.pendingDecision().blockedPods())
        .singleElement()
        .satisfies(
            pod -> {
              assertThat(pod.name()).isEqualTo("web-7d9f-abcde");
              assertThat(pod.uid()).isEqualTo("uid-web-2");
              assertThat(pod.pdbs()).extracting(p -> p.name() + " allows " + p.disruptionsAllowed()).containsExactly("web allows 0");
            });
    assertThat(failed.pendingDecision().error()).contains("shop/web-7d9f-abcde on apps-node-2");
    assertThat(currentDetails(client))
        .contains("| shop/web-7d9f-abcde | apps-node-2 |")
        .contains("shop/web: 0 disruptions allowed, 3 healthy of 3 needed (3 expected)")
        .contains("`force` deletes exactly these pods");
    assertThat(nodes.forcedUidsSeen).as("no attempt forces anything before the decision").allMatch(List::isEmpty);

    upgrade.decideStep(new OperatorDecision("nodegroup-apps", DecisionAction.FORCE, "alice", "INC-42: stuck pod"));
    awaitGate(client, "teardown-apps");

    assertThat(nodes.forcedUidsSeen.get(nodes.forcedUidsSeen.size() - 1))
        .as("the retried attempt deletes exactly the named pod")
        .containsExactly("uid-web-2");
    assertThat(nodes.calls())
        .as("the second attempt reuses the new group and cordons again (a no-op) before draining")
        .containsSubsequence(
            "CreateReplacementNodeGroup apps -> apps-1-34",
            "CordonNodes apps",
            "DrainNode apps-node-1",
            "DrainNode apps-node-2",
            "CreateReplacementNodeGroup apps -> apps-1-34",
            "CordonNodes apps",
            "DrainNode apps-node-1",
            "DrainNode apps-node-2",
            "CheckNodesDrained apps");
    UpgradeStatus afterForce = client.newWorkflowStub(ClusterUpgradeWorkflow.class, ID).status();
    assertThat(afterForce.audit())
        .filteredOn(a -> a.kind().equals("decide"))
        .extracting(AuditEntry::by, AuditEntry::target, AuditEntry::comment, AuditEntry::accepted)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", "nodegroup-apps", "INC-42: stuck pod", true));
    assertThat(detail(afterForce, "nodegroup-apps")).contains("1 deleted by decision");
  }

  @Test
  void forceIsRefusedForAFailureThatNamesNoPods(WorkflowClient client, WorkflowOptions options) {
    eks.failStarts("1.34", 1);
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    awaitStatus(client, s -> s.pendingDecision() != null);

    assertThatThrownBy(
            () -> upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.FORCE, "alice", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("FORCE is not possible for step control-plane-1.34");
    client.newUntypedWorkflowStub(ID).signal("decide", Map.of("step", "control-plane-1.34", "action", "force", "by", "eve"));
    UpgradeStatus status = awaitStatus(client, s -> s.audit().size() >= 3);
    assertThat(status.pendingDecision()).as("still waiting: force was refused both ways").isNotNull();
    assertThat(status.refused()).hasSize(2);
  }

  @Test
  void abortingABlockedDrainUncordonsTheOldNodesAndDeletesNothing(WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 2);
    nodes.blockDrain("apps-node-1", "db-0", "uid-db-0");
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");
    awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(nodes.isCordoned("apps-node-1")).isTrue();

    upgrade.decideStep(new OperatorDecision("nodegroup-apps", DecisionAction.ABORT, "alice", "roll back"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(nodes.isCordoned("apps-node-1")).as("the old capacity takes pods again").isFalse();
    assertThat(nodes.isCordoned("apps-node-2")).isFalse();
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("DeleteNodeGroup") || c.startsWith("ForceDelete"));
    assertThat(detail(result.status(), "nodegroup-apps")).contains("old nodes of apps uncordoned: 2 of 2");
    assertThat(stepState(result.status(), "teardown-apps")).isEqualTo(StepState.CANCELLED);
  }

  @Test
  void skippingAGroupUncordonsItKeepsItsOldGroupAndVerifySaysSo(WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 1);
    nodes.blockDrain("apps-node-1", "db-0", "uid-db-0");
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");
    awaitStatus(client, s -> s.pendingDecision() != null);

    upgrade.decideStep(new OperatorDecision("nodegroup-apps", DecisionAction.SKIP, "alice", "later"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(stepState(result.status(), "teardown-apps")).isEqualTo(StepState.SKIPPED);
    assertThat(nodes.isCordoned("apps-node-1")).isFalse();
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("DeleteNodeGroup"));
    assertThat(detail(result.status(), "verify")).contains("kept behind by an operator's decision: apps (1.33)");
  }

  @Test
  void theTeardownRefusesToDeleteAGroupWhoseNodesStillCarryPods(WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 1);
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");
    awaitGate(client, "teardown-apps");
    nodes.leavePodOn("apps");
    upgrade.approveGate(new Approval("teardown-apps", "bob", null));

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("teardown-apps");
    assertThat(failed.pendingDecision().error()).contains("refusing to delete node group apps").contains("shop/stray");
    assertThat(failed.pendingDecision().allowed()).doesNotContain(DecisionAction.FORCE);
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("DeleteNodeGroup"));
  }

  @Test
  void anAsgThatBlocksDeletionIsForceDeletedOnlyAfterItsOwnGate(WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 1);
    nodes.asgBlocks("apps");
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");
    approve(client, upgrade, "teardown-apps");

    UpgradeStatus atAsgGate = awaitGate(client, "delete-asg-apps");
    assertThat(atAsgGate.steps())
        .extracting(StepStatus::id)
        .containsSubsequence("teardown-apps", "delete-asg-apps", "verify");
    assertThat(atAsgGate.openGate().summary()).contains("force-delete Auto Scaling group eks-apps-asg");
    assertThat(detail(atAsgGate, "teardown-apps")).contains("deleting the ASG waits for gate delete-asg-apps");
    assertThat(nodes.calls()).noneMatch(c -> c.startsWith("ForceDeleteAutoScalingGroup"));

    upgrade.approveGate(new Approval("delete-asg-apps", "bob", "approved in CHG-7"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls()).containsSubsequence("DeleteNodeGroup apps", "ForceDeleteAutoScalingGroup eks-apps-asg");
  }

  @Test
  void withConcurrencyTwoTheSecondGroupIsCreatedWhileTheFirstStillWaits(
      WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 1);
    nodes.addGroup("batch", "1.33", 1);
    // The wait for apps' new nodes holds until batch's creation has started: only concurrency gets past it.
    nodes.heldGroup = "apps";
    nodes.holdAwaitUntilCreate = new CountDownLatch(1);
    start(client, options, new UpgradeRequest(CLUSTER, "1.34", new UpgradeOptions(true, 0, drain(1), 2), "carol"));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls()).noneMatch(c -> c.contains("gave up waiting"));
    assertThat(nodes.calls())
        .containsSubsequence("CreateReplacementNodeGroup batch -> batch-1-34", "CordonNodes apps");
  }

  @Test
  void aSelfManagedGroupIsReplacedBesideAManagedOneAndItsNodesAreFoundByInstance(
      WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 1);
    nodes.addSelfManagedGroup("legacy", "1.33", 2);
    nodes.blockDrain("legacy-node-2", "db-0", "uid-db-0");
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");

    UpgradeStatus atDataPlane = awaitGate(client, "data-plane");
    assertThat(atDataPlane.steps())
        .extracting(StepStatus::id)
        .containsExactly(
            "preflight", "control-plane-1.34", "nodegroup-apps", "self-managed-legacy", "teardown-apps",
            "teardown-legacy", "verify");
    upgrade.approveGate(new Approval("data-plane", "alice", null));

    UpgradeStatus blocked = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(blocked.pendingDecision().step()).isEqualTo("self-managed-legacy");
    assertThat(blocked.pendingDecision().allowed()).contains(DecisionAction.FORCE);
    upgrade.decideStep(new OperatorDecision("self-managed-legacy", DecisionAction.ABORT, "alice", "not today"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(nodes.calls())
        .containsSubsequence(
            "CreateReplacementNodeGroup apps -> apps-1-34",
            "CordonNodes apps",
            "CreateReplacementAutoScalingGroup legacy -> legacy-1-34",
            "AwaitAutoScalingGroupReady legacy-1-34",
            "CordonNodes legacy [i-legacy-1, i-legacy-2]",
            "DrainNode legacy-node-1",
            "DrainNode legacy-node-2",
            "UncordonNodes legacy")
        .noneMatch(c -> c.startsWith("DeleteSelfManagedNodeGroup") || c.startsWith("DeleteNodeGroup"));
    assertThat(nodes.isCordoned("legacy-node-1")).as("the self-managed group's rollback uncordons it").isFalse();
    assertThat(nodes.isCordoned("apps-node-1")).as("the managed group that moved stays drained").isTrue();
  }

  @Test
  void aReplacedSelfManagedGroupIsDeletedAfterItsTeardownGate(WorkflowClient client, WorkflowOptions options) {
    nodes.addSelfManagedGroup("legacy", "1.33", 1);
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");
    approve(client, upgrade, "teardown-legacy");

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls())
        .containsSubsequence("CheckNodesDrained legacy", "DeleteSelfManagedNodeGroup legacy")
        .noneMatch(c -> c.startsWith("DeleteNodeGroup"));
    assertThat(detail(result.status(), "verify")).contains("self-managed: legacy-1-34 1.34");
  }

  @Test
  void aSkippedControlPlaneStepKeepsTheNodesFromOutrunningTheControlPlane(WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 2);
    eks.failStarts("1.34", 1);
    ClusterUpgradeWorkflow upgrade = start(client, options, options(1, 1));
    approve(client, upgrade, "control-plane-1.34");
    awaitStatus(client, s -> s.pendingDecision() != null);
    upgrade.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.SKIP, "alice", "EKS refuses it; later"));

    UpgradeStatus atVerify =
        awaitStatus(client, s -> s.pendingDecision() != null && s.pendingDecision().step().equals("verify"));

    assertThat(stepState(atVerify, "nodegroup-apps")).isEqualTo(StepState.SKIPPED);
    assertThat(detail(atVerify, "nodegroup-apps"))
        .contains("its nodes would run 1.34 while the control plane runs 1.33")
        .contains("the old group stays");
    assertThat(stepState(atVerify, "teardown-apps")).isEqualTo(StepState.SKIPPED);
    assertThat(atVerify.audit()).noneMatch(a -> "data-plane".equals(a.target()));
    assertThat(nodes.calls())
        .as("no node group created, cordoned, drained or deleted")
        .noneMatch(c -> c.startsWith("CreateReplacementNodeGroup") || c.startsWith("CordonNodes")
            || c.startsWith("DrainNode") || c.startsWith("DeleteNodeGroup"));
    upgrade.decideStep(new OperatorDecision("verify", DecisionAction.ABORT, "alice", "stays at 1.33 for now"));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
  }

  static UpgradeRequest options(int drainConcurrency, int nodeGroupConcurrency) {
    return new UpgradeRequest(
        CLUSTER, "1.34", new UpgradeOptions(false, 0, drain(drainConcurrency), nodeGroupConcurrency), "carol");
  }

  private static DrainOptions drain(int concurrency) {
    return new DrainOptions(true, true, false, -1, 60, concurrency);
  }

  static ClusterUpgradeWorkflow start(WorkflowClient client, WorkflowOptions options, UpgradeRequest request) {
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(
            ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(ID).build());
    WorkflowClient.start(upgrade::upgrade, request);
    return client.newWorkflowStub(ClusterUpgradeWorkflow.class, ID);
  }

  static void approve(WorkflowClient client, ClusterUpgradeWorkflow upgrade, String gate) {
    awaitGate(client, gate);
    upgrade.approveGate(new Approval(gate, "alice", null));
  }

  static UpgradeStatus awaitGate(WorkflowClient client, String gate) {
    return awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals(gate));
  }

  static UpgradeStatus awaitStatus(WorkflowClient client, Predicate<UpgradeStatus> condition) {
    ClusterUpgradeWorkflow upgrade = client.newWorkflowStub(ClusterUpgradeWorkflow.class, ID);
    UpgradeStatus[] last = new UpgradeStatus[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> condition.test(last[0] = upgrade.status()));
    return last[0];
  }

  private static String currentDetails(WorkflowClient client) {
    return client
        .newUntypedWorkflowStub(ID)
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }

  private static StepStatus step(UpgradeStatus status, String id) {
    return status.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  static StepState stepState(UpgradeStatus status, String id) {
    return step(status, id).state();
  }

  static String detail(UpgradeStatus status, String id) {
    return step(status, id).detail();
  }
}
