package io.eksupgrader.workflows.upgrade;

import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.awaitStatus;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.detail;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.start;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.stepState;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.AddonOptions;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DecisionAction;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** EKS add-ons moved with each minor: the VPC CNI before the control plane, the others after it. */
class AddonsWorkflowTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);

  private final FakeEks eks = new FakeEks("1.32");
  private final FakeAddons addons = new FakeAddons(eks);

  @RegisterExtension
  final TestWorkflowExtension testWorkflow = ClusterUpgradeWorkflowTest.extension(eks, new FakeDataPlane(), addons);

  private static UpgradeRequest request(AddonOptions addonOptions) {
    return new UpgradeRequest(CLUSTER, "1.34", new UpgradeOptions(false, 0, null, 0, addonOptions), "carol");
  }

  @Test
  void eachMinorMovesTheVpcCniFirstThenTheControlPlaneThenKubeProxyCoreDnsAndTheRest(
      WorkflowClient client, WorkflowOptions options) {
    addons.add("aws-ebs-csi-driver", "ebs-old");
    addons.add("coredns", "coredns-old");
    addons.add("kube-proxy", "kube-proxy-for-1.32");
    addons.add("vpc-cni", "vpc-cni-old");
    var upgrade = start(client, options, request(new AddonOptions(null, Map.of("coredns", "v1.12.1-pinned", "vpc-cni", "v9"))));

    UpgradeStatus atFirstGate = awaitStatus(client, s -> s.openGate() != null);
    assertThat(atFirstGate.steps())
        .extracting(StepStatus::id)
        .containsExactly(
            "preflight",
            "addon-vpc-cni-1.33",
            "control-plane-1.33",
            "addon-kube-proxy-1.33",
            "addon-coredns-1.33",
            "addon-aws-ebs-csi-driver-1.33",
            "addon-vpc-cni-1.34",
            "control-plane-1.34",
            "addon-kube-proxy-1.34",
            "addon-coredns-1.34",
            "addon-aws-ebs-csi-driver-1.34",
            "verify");
    assertThat(atFirstGate.steps()).filteredOn(s -> s.gate() != null).extracting(s -> s.id() + " gate " + s.gate())
        .as("each minor's gate opens before its first change, the VPC CNI")
        .containsExactly("addon-vpc-cni-1.33 gate control-plane-1.33", "addon-vpc-cni-1.34 gate control-plane-1.34");
    assertThat(atFirstGate.openGate().gate()).isEqualTo("control-plane-1.33");
    assertThat(atFirstGate.openGate().summary())
        .startsWith("update add-on vpc-cni (vpc-cni-old) to its version for 1.33, before the control plane; then control plane 1.32 → 1.33; then update add-on kube-proxy");
    assertThat(detail(atFirstGate, "preflight"))
        .contains("EKS add-ons: aws-ebs-csi-driver ebs-old (ACTIVE), coredns coredns-old (ACTIVE)");
    assertThat(eks.calls()).as("nothing changes before the gate").containsExactly("InspectCluster", "ListAddons");

    upgrade.approveGate(new Approval("control-plane-1.33", "alice", null));
    awaitStatus(client, s -> s.openGate() != null && s.openGate().gate().equals("control-plane-1.34"));
    upgrade.approveGate(new Approval("control-plane-1.34", "alice", null));
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);

    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(eks.calls())
        .as("pinned versions apply to the target minor only; PRESERVE unless the spec says otherwise")
        .containsSubsequence(
            "StartAddonUpdate vpc-cni vpc-cni-for-1.33 PRESERVE",
            "AwaitAddonUpdate vpc-cni",
            "StartVersionUpdate 1.33",
            "StartAddonUpdate kube-proxy kube-proxy-for-1.33 PRESERVE",
            "AwaitAddonUpdate kube-proxy",
            "StartAddonUpdate coredns coredns-for-1.33 PRESERVE",
            "StartAddonUpdate aws-ebs-csi-driver aws-ebs-csi-driver-for-1.33 PRESERVE",
            "StartAddonUpdate vpc-cni v9 PRESERVE",
            "StartVersionUpdate 1.34",
            "StartAddonUpdate kube-proxy kube-proxy-for-1.34 PRESERVE",
            "StartAddonUpdate coredns v1.12.1-pinned PRESERVE",
            "StartAddonUpdate aws-ebs-csi-driver aws-ebs-csi-driver-for-1.34 PRESERVE");
    assertThat(detail(result.status(), "addon-vpc-cni-1.33")).isEqualTo("vpc-cni vpc-cni-old → vpc-cni-for-1.33, ACTIVE after 3 polls");
    assertThat(detail(result.status(), "verify"))
        .contains("add-ons: aws-ebs-csi-driver aws-ebs-csi-driver-for-1.34, coredns v1.12.1-pinned, kube-proxy kube-proxy-for-1.34, vpc-cni v9");
  }

  @Test
  void aDegradedAddonWaitsForADecisionAndASkippedOneIsNamedByVerify(WorkflowClient client, WorkflowOptions options) {
    eks.version = "1.33";
    addons.add("coredns", "coredns-old");
    addons.degrade("coredns", 2);
    var upgrade = start(client, options, request(new AddonOptions("OVERWRITE", Map.of())));
    awaitStatus(client, s -> s.openGate() != null);
    upgrade.approveGate(new Approval("control-plane-1.34", "alice", null));

    UpgradeStatus failed = awaitStatus(client, s -> s.pendingDecision() != null);
    assertThat(failed.pendingDecision().step()).isEqualTo("addon-coredns-1.34");
    assertThat(failed.pendingDecision().error()).contains("AddonUpdateFailed").contains("DEGRADED");
    upgrade.decideStep(new OperatorDecision("addon-coredns-1.34", DecisionAction.RETRY, "alice", null));
    awaitStatus(client, s -> s.pendingDecision() != null && s.steps().stream()
        .anyMatch(st -> st.id().equals("addon-coredns-1.34") && st.attempts() == 2));
    upgrade.decideStep(new OperatorDecision("addon-coredns-1.34", DecisionAction.SKIP, "alice", "AWS case 123"));

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(stepState(result.status(), "addon-coredns-1.34")).isEqualTo(StepState.SKIPPED);
    assertThat(detail(result.status(), "verify")).contains("kept behind by an operator's decision: add-on coredns (DEGRADED)");
    assertThat(eks.calls()).contains("StartAddonUpdate coredns coredns-for-1.34 OVERWRITE");
  }
}
