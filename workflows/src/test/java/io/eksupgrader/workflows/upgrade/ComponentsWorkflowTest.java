package io.eksupgrader.workflows.upgrade;

import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.awaitStatus;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.detail;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.start;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.stepState;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.OperatorDecision;
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
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Karpenter and Istio move before the control plane, as seed 003 orders it: Karpenter's CRDs
 * before its controller, then Istio one canary revision per minor, the old revision removed only
 * behind its own gate; an abort puts back what its phase changed.
 */
class ComponentsWorkflowTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);

  private final FakeEks eks = new FakeEks("1.32");
  private final FakeComponents components = new FakeComponents(eks);

  @RegisterExtension
  final TestWorkflowExtension testWorkflow =
      ClusterUpgradeWorkflowTest.extension(eks, new FakeDataPlane(), components);

  private static UpgradeRequest request(ComponentOptions options) {
    return new UpgradeRequest(CLUSTER, "1.34", new UpgradeOptions(false, 0, null, 0, null, options), "carol");
  }

  private static UpgradeRequest request() {
    return request(null);
  }

  private static void approve(WorkflowClient client, ClusterUpgradeWorkflow upgrade, String gate) {
    awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals(gate));
    upgrade.approveGate(new Approval(gate, "alice", null));
  }

  private static UpgradeResult result(WorkflowClient client) {
    return client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
  }

  @Test
  void karpenterThenIstioOneRevisionPerMinorThenTheControlPlane(WorkflowClient client, WorkflowOptions options) {
    components.karpenter("1.0.2", List.of("v1beta1", "v1"), "al2@latest", List.of("1.6.3"));
    components.istio("1-26", "1.26.2", List.of("1.27.0", "1.28.3"));
    var upgrade = start(client, options, request());

    UpgradeStatus atKarpenterGate = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atKarpenterGate.steps())
        .extracting(StepStatus::id)
        .containsExactly(
            "preflight",
            "karpenter-storage",
            "karpenter-crds",
            "karpenter-controller",
            "karpenter-node-classes",
            "istio-1.27-install",
            "istio-1.27-workloads",
            "istio-1.27-gateways",
            "istio-1.27-validate",
            "istio-1.26-remove",
            "istio-1.28-install",
            "istio-1.28-workloads",
            "istio-1.28-gateways",
            "istio-1.28-validate",
            "istio-1.27-remove",
            "control-plane-1.33",
            "control-plane-1.34",
            "verify");
    assertThat(atKarpenterGate.steps())
        .filteredOn(s -> s.gate() != null)
        .extracting(s -> s.id() + " gate " + s.gate())
        .containsExactly(
            "karpenter-storage gate karpenter",
            "istio-1.27-install gate istio-1.27",
            "istio-1.26-remove gate istio-1.26-remove",
            "istio-1.28-install gate istio-1.28",
            "istio-1.27-remove gate istio-1.27-remove",
            "control-plane-1.33 gate control-plane-1.33",
            "control-plane-1.34 gate control-plane-1.34");
    assertThat(atKarpenterGate.openGate().gate()).isEqualTo("karpenter");
    assertThat(atKarpenterGate.openGate().summary())
        .contains("Karpenter 1.0.2 → 1.6.3 (Karpenter 1.0.2 does not support 1.34")
        .contains("rewrite stored v1beta1 objects of ec2nodeclasses.karpenter.k8s.aws, nodepools.karpenter.sh at v1")
        .contains("EC2NodeClass default: alias al2@latest → al2023@latest")
        .contains("rollback point recorded: release karpenter revision 1, release karpenter-crd revision 1, spec of EC2NodeClass(es) default");
    assertThat(detail(atKarpenterGate, "preflight"))
        .contains("Karpenter 1.0.2 (Karpenter 1.0.2 does not support 1.34)")
        .contains("Istio revisions 1-26 1.26.2");
    assertThat(eks.calls()).as("pre-flight only looks").containsExactly("InspectCluster", "InspectKarpenterInstallation", "InspectIstio");

    upgrade.approveGate(new Approval("karpenter", "alice", "CHG-7"));
    UpgradeStatus atIstioGate = awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals("istio-1.27"));
    assertThat(atIstioGate.openGate().summary())
        .startsWith("Istio 1.26.2 → 1.27.0: Istio 1.26.2 does not support 1.34")
        .contains("Install revision 1-27 beside 1-26")
        .contains("1-26 is removed only behind gate istio-1.26-remove");
    upgrade.approveGate(new Approval("istio-1.27", "alice", null));
    UpgradeStatus atRemoval = awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals("istio-1.26-remove"));
    assertThat(atRemoval.openGate().summary())
        .contains("Validation of 1-27: istiod: 1 of 1 replicas Ready; istioctl analyze: istioctl is not installed on the worker");
    assertThat(components.calls()).doesNotContain("UninstallHelmRelease istiod-1-26");
    upgrade.approveGate(new Approval("istio-1.26-remove", "bob", null));
    for (String gate : List.of("istio-1.28", "istio-1.27-remove", "control-plane-1.33", "control-plane-1.34")) {
      approve(client, upgrade, gate);
    }
    UpgradeResult result = result(client);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(eks.calls())
        .as("CRDs before the controller; each revision installed, moved to, validated, then the old one checked and removed")
        .containsSubsequence(
            "MigrateKarpenterStorage [ec2nodeclasses.karpenter.k8s.aws, nodepools.karpenter.sh]",
            "UpgradeHelmRelease karpenter-crd karpenter-crd 1.6.3",
            "AwaitKarpenterReady crds",
            "UpgradeHelmRelease karpenter karpenter 1.6.3",
            "AwaitKarpenterReady 1.6.3",
            "UpdateNodeClasses [default]",
            "UpgradeHelmRelease istio-base base 1.27.0",
            "UpgradeHelmRelease istiod-1-27 istiod 1.27.0 {revision=1-27} valuesFrom=istiod-1-26",
            "AwaitIstioRevision 1-27 1.27.0",
            "MoveWorkloadsToRevision 1-27 namespaces [payments(rev=1-27), shop(injection=enabled)] tags [default→1-27] batch 5",
            "UpgradeHelmRelease istio-ingressgateway gateway 1.27.0 {revision=1-27}",
            "AwaitIstioGateways 1-27",
            "ValidateIstioRevision 1-27",
            "CheckIstioRevisionUsage 1-26",
            "UninstallHelmRelease istiod-1-26",
            "UpgradeHelmRelease istio-base base 1.28.3",
            "UpgradeHelmRelease istiod-1-28 istiod 1.28.3 {revision=1-28} valuesFrom=istiod-1-27",
            "MoveWorkloadsToRevision 1-28 namespaces [payments(rev=1-28), shop(injection=enabled)] tags [default→1-28] batch 5",
            "UninstallHelmRelease istiod-1-27",
            "StartVersionUpdate 1.33",
            "StartVersionUpdate 1.34");
    assertThat(detail(result.status(), "karpenter-controller"))
        .isEqualTo("release karpenter 1.0.2 → 1.6.3 (revision 1 → 2); controller kube-system/karpenter runs 1.6.3 with 2 Ready replica(s)");
    assertThat(detail(result.status(), "istio-1.26-remove"))
        .isEqualTo("nothing used revision 1-26; release istiod-1-26 uninstalled");
    assertThat(detail(result.status(), "verify")).contains("Karpenter 1.6.3; Istio revision 1-28 (1.28.3)");
  }

  @Test
  void anAbortedKarpenterStepRollsItsReleasesBackToTheRecordedRevisions(WorkflowClient client, WorkflowOptions options) {
    components.karpenter("1.0.2", List.of("v1"), "al2023@latest", List.of("1.6.3"));
    components.fail(ActivityTypes.AWAIT_KARPENTER_READY, 2);
    var upgrade = start(client, options, request());
    approve(client, upgrade, "karpenter");

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("karpenter-crds");
    assertThat(failed.pendingDecision().error()).contains("ComponentNotReady").contains("CrashLoopBackOff");
    upgrade.decideStep(new OperatorDecision("karpenter-crds", DecisionAction.RETRY, "alice", null));
    awaitStatus(client, s -> s.pendingDecision() != null && s.steps().stream()
        .anyMatch(st -> st.id().equals("karpenter-crds") && st.attempts() == 2));
    assertThat(components.calls())
        .as("the retry found the CRD release already at 1.6.3")
        .containsSubsequence("UpgradeHelmRelease karpenter-crd karpenter-crd 1.6.3", "UpgradeHelmRelease karpenter-crd karpenter-crd 1.6.3");
    upgrade.decideStep(new OperatorDecision("karpenter-crds", DecisionAction.ABORT, "alice", "roll back"));
    UpgradeResult result = result(client);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(components.calls())
        .as("only the CRD chart had been touched: the controller and node classes stay as they were")
        .contains("RollbackHelmRelease karpenter-crd to revision 1")
        .doesNotContain("RollbackHelmRelease karpenter to revision 1", "UpgradeHelmRelease karpenter karpenter 1.6.3")
        .noneMatch(c -> c.startsWith("RestoreNodeClasses"));
    assertThat(detail(result.status(), "karpenter-crds"))
        .isEqualTo("aborted; rollback: release karpenter-crd rolled back to chart 1.0.2 (revision 3)");
    assertThat(eks.mutatingCalls()).as("the control plane never moved").isEmpty();
  }

  @Test
  void anAbortInTheSecondIstioStepMovesTheMeshBackToTheFirstNewRevision(WorkflowClient client, WorkflowOptions options) {
    components.istio("1-26", "1.26.2", List.of("1.27.0", "1.28.3"));
    var upgrade = start(client, options, request(new ComponentOptions(null, new IstioOptions(null, null, null, 2))));
    for (String gate : List.of("istio-1.27", "istio-1.26-remove")) {
      approve(client, upgrade, gate);
    }
    awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals("istio-1.28"));
    components.fail(ActivityTypes.MOVE_WORKLOADS_TO_REVISION, 1);
    upgrade.approveGate(new Approval("istio-1.28", "alice", null));

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("istio-1.28-workloads");
    assertThat(failed.pendingDecision().error()).contains("IstioWorkloadsNotMoved").contains("shop/web-abc");
    upgrade.decideStep(new OperatorDecision("istio-1.28-workloads", DecisionAction.ABORT, "alice", null));
    UpgradeResult result = result(client);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(components.calls())
        .as("back to 1-27, with the labels it had (tag moved back, payments relabelled 1-27)")
        .endsWith(
            "MoveWorkloadsToRevision 1-28 namespaces [payments(rev=1-28), shop(injection=enabled)] tags [default→1-28] batch 2",
            "MoveWorkloadsToRevision 1-27 namespaces [payments(rev=1-27), shop(injection=enabled)] tags [default→1-27] batch 2");
    assertThat(components.meshRevision()).isEqualTo("1-27");
    assertThat(detail(result.status(), "istio-1.28-workloads"))
        .startsWith("aborted; rollback: mesh back on 1-27")
        .endsWith("revision 1-28 stays installed, unused (helm uninstall istiod-1-28 -n istio-system removes it)");
  }

  @Test
  void anAbortInTheFirstIstioStepRestoresTheLabelsPreflightRecorded(WorkflowClient client, WorkflowOptions options) {
    components.istio("1-26", "1.26.2", List.of("1.27.0", "1.28.3"));
    // The gateways' pods never come up at the new version, after the mesh moved.
    components.fail(ActivityTypes.AWAIT_ISTIO_GATEWAYS, 1);
    var upgrade = start(client, options, request());
    approve(client, upgrade, "istio-1.27");
    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("istio-1.27-gateways");
    upgrade.decideStep(new OperatorDecision("istio-1.27-gateways", DecisionAction.ABORT, "alice", null));
    UpgradeResult result = result(client);

    assertThat(components.calls())
        .containsSubsequence(
            "RollbackHelmRelease istio-ingressgateway to revision 1",
            "MoveWorkloadsToRevision 1-26 namespaces [payments(rev=1-26), shop(injection=enabled)] tags [default→1-26] batch 5");
    assertThat(components.meshRevision()).isEqualTo("1-26");
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
  }

  @Test
  void theOldRevisionIsNotRemovedWhileSidecarsStillRunIt(WorkflowClient client, WorkflowOptions options) {
    components.istio("1-26", "1.26.2", List.of("1.27.0"));
    var upgrade = start(client, options, request(new ComponentOptions(null, new IstioOptions(null, "1.27.0", null, 0))));
    approve(client, upgrade, "istio-1.27");
    awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals("istio-1.26-remove"));
    // Something moved a workload back to the old revision after the move.
    components.moveWorkloads(
        new io.eksupgrader.workflows.activities.IstioActivities.MoveRequest(
            CLUSTER, "istio-system", "1-26", "1.26.2", List.of(new MeshNamespace("shop", "enabled", null, "1-26")), List.of(), 1));
    upgrade.approveGate(new Approval("istio-1.26-remove", "alice", null));

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("istio-1.26-remove");
    assertThat(failed.pendingDecision().error())
        .startsWith("refusing to remove Istio revision 1-26: still used by pods shop/web-abc");
    assertThat(components.calls()).noneMatch(c -> c.startsWith("UninstallHelmRelease"));
    upgrade.decideStep(new OperatorDecision("istio-1.26-remove", DecisionAction.SKIP, "alice", "keep it for now"));
    for (String gate : List.of("control-plane-1.33", "control-plane-1.34")) {
      approve(client, upgrade, gate);
    }
    UpgradeResult result = result(client);
    assertThat(stepState(result.status(), "istio-1.26-remove")).isEqualTo(StepState.SKIPPED);
    assertThat(components.calls()).noneMatch(c -> c.startsWith("UninstallHelmRelease"));
    assertThat(detail(result.status(), "verify"))
        .contains("kept behind by an operator's decision: sidecars not on Istio revision 1-27: shop/web-abc (1-26)");
  }

  @Test
  void withTheExternalStrategyTheGateSaysWhatToChangeAndTheStepVerifiesIt(WorkflowClient client, WorkflowOptions options) {
    components.karpenter("1.0.2", List.of("v1"), "al2@latest", List.of("1.6.3"));
    var upgrade =
        start(client, options, request(new ComponentOptions(new KarpenterOptions(ComponentStrategy.EXTERNAL, null, null), null)));
    UpgradeStatus atGate = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atGate.steps()).extracting(StepStatus::id).startsWith("preflight", "karpenter", "control-plane-1.33");
    assertThat(atGate.openGate().summary())
        .contains("apply these through your GitOps (chart karpenter-crd 1.6.3 before chart karpenter 1.6.3), then approve");
    upgrade.approveGate(new Approval("karpenter", "alice", "applied in git before the GitOps sync"));

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().error()).contains("Karpenter controller runs 1.0.2, not 1.6.3");
    components.operatorAppliesKarpenter("1.6.3");
    upgrade.decideStep(new OperatorDecision("karpenter", DecisionAction.RETRY, "alice", "synced"));
    for (String gate : List.of("control-plane-1.33", "control-plane-1.34")) {
      approve(client, upgrade, gate);
    }
    UpgradeResult result = result(client);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(components.calls()).noneMatch(c -> c.startsWith("UpgradeHelmRelease") || c.startsWith("UpdateNodeClasses"));
    assertThat(detail(result.status(), "karpenter"))
        .isEqualTo("Karpenter runs 1.6.3 with 2 Ready replica(s); CRDs Established; every EC2NodeClass is as the target needs");
  }

  @Test
  void aMeshOnTwoRevisionsOrASkippedIncompatibleComponentStopsPreflightUntilFixed(
      WorkflowClient client, WorkflowOptions options) {
    components.karpenter("1.0.2", List.of("v1"), "al2023@latest", List.of("1.6.3"));
    components.istio("1-26", "1.26.2", List.of("1.27.0", "1.28.3"));
    components.istioNamespaces(
        List.of(new MeshNamespace("shop", "enabled", null, "1-26"), new MeshNamespace("payments", null, "1-25", "1-25")));
    var upgrade =
        start(client, options, request(new ComponentOptions(new KarpenterOptions(ComponentStrategy.SKIP, null, null), null)));

    UpgradeStatus stopped = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(stopped.pendingDecision().step()).isEqualTo("preflight");
    assertThat(stopped.pendingDecision().allowed()).containsExactly(DecisionAction.RETRY, DecisionAction.ABORT);
    assertThat(stopped.pendingDecision().error())
        .contains("2 pre-flight blocker(s)")
        .contains("[istio-version] Istio 1.26.2: namespaces select more than one Istio revision (shop → 1-26, payments → 1-25)")
        .contains("[karpenter-version] Karpenter 1.0.2: Karpenter 1.0.2 must change for this upgrade (Karpenter 1.0.2 does not support 1.34) but karpenter.strategy is skip");
    assertThat(stopped.findings()).filteredOn(f -> f.severity() == io.eksupgrader.workflows.model.Severity.BLOCKER).hasSize(2);
    assertThat(components.calls()).containsExactly("InspectKarpenterInstallation", "InspectIstio");

    upgrade.decideStep(new OperatorDecision("preflight", DecisionAction.ABORT, "alice", "fix the mesh first"));
    UpgradeResult result = result(client);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.ABORTED);
    assertThat(result.message()).isEqualTo("aborted by an operator during pre-flight; nothing was changed");
    assertThat(components.calls()).as("nothing but looks").containsExactly("InspectKarpenterInstallation", "InspectIstio");
  }
}
