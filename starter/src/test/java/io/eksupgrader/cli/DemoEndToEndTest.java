package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's demo command: test server, sandbox, the real worker and the CLI in one process. */
class DemoEndToEndTest {

  @Test
  void theDemoTakesTheDemoClusterItsComponentsAndItsNodeGroupsFrom132To134WithoutBreakingABudget() {
    CliRun run = CliRun.of("demo", "--auto-approve");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("Plan for us-east-1/demo: 1.32 → 1.34")
        .contains("approved gate control-plane-1.33")
        .contains("approved gate control-plane-1.34")
        .containsPattern("✔ control-plane-1\\.33 +succeeded in .* simulated\\)")
        .containsPattern("✔ control-plane-1\\.34 +succeeded in .* simulated\\)")
        .contains("approved gate data-plane")
        .containsPattern("✔ nodegroup-apps +succeeded .*: apps-1-34 created \\(3 nodes Ready")
        .containsPattern("3 old nodes cordoned and drained: \\d+ pods evicted")
        .containsPattern("✔ nodegroup-system +succeeded .*: system-1-34 created \\(2 nodes Ready")
        .containsPattern("✔ self-managed-legacy-workers +succeeded .*: legacy-workers-1-34 created \\(2 nodes Ready")
        .contains("approved gate teardown-apps")
        .containsPattern("✔ teardown-legacy-workers +succeeded .*: node group legacy-workers deleted")
        .containsPattern("✔ teardown-apps +succeeded .*: node group apps deleted")
        .containsPattern("✔ teardown-system +succeeded .*: node group system deleted after scale-in protection removed from i-")
        .containsPattern("✔ addon-vpc-cni-1\\.33 +succeeded .*: vpc-cni v1\\.19\\.2-eksbuild\\.1 → v1\\.19\\.5-eksbuild\\.3")
        .containsPattern("✔ addon-kube-proxy-1\\.34 +succeeded .*: kube-proxy v1\\.33\\.0-eksbuild\\.2 → v1\\.34\\.0-eksbuild\\.2")
        .contains("eks UpdateAddon: 6 CREATED")
        .containsPattern("✔ karpenter-drift +succeeded .*: Karpenter's 3 node\\(s\\) run 1\\.34")
        .containsPattern("✔ fargate-jobs +succeeded .*: restarted Deployment jobs/report-worker; 2 pod\\(s\\) of Fargate profile jobs run 1\\.34")
        .contains("Karpenter nodes: 3 (3 at 1.34)")
        .contains("approved gate karpenter")
        .containsPattern("✔ karpenter-storage +succeeded .*: 5 object\\(s\\) rewritten at v1; stored versions of nodepools.karpenter.sh")
        .containsPattern("✔ karpenter-crds +succeeded .*: release karpenter-crd 1\\.0\\.2 → 1\\.6\\.3 \\(revision 1 → 2\\)")
        .containsPattern("✔ karpenter-controller +succeeded .*: release karpenter 1\\.0\\.2 → 1\\.6\\.3 .*runs 1\\.6\\.3 with 2 Ready replica")
        .containsPattern("✔ karpenter-node-classes +succeeded .*: EC2NodeClass\\(es\\) default changed")
        .containsPattern("✔ istio-1\\.27-install +succeeded .*istiod: release istiod-1-27 installed at chart 1\\.27\\.0")
        .containsPattern("✔ istio-1\\.27-workloads +succeeded .*: tags switched: default → 1-27; namespaces relabelled: billing istio.io/rev=1-27")
        .containsPattern("✔ istio-1\\.27-gateways +succeeded .*gateway pods run 1\\.27\\.0")
        .containsPattern("✔ istio-1\\.26-remove +succeeded .*: nothing used revision 1-26; release istiod-1-26 uninstalled")
        .containsPattern("✔ istio-1\\.28-workloads +succeeded .*\\d+ injected pod\\(s\\) run 1-28")
        .containsPattern("✔ istio-1\\.27-remove +succeeded .*release istiod-1-27 uninstalled")
        .contains("Karpenter 1.6.3; Istio revision 1-28 (1.28.3)")
        .as("3 meshed Deployments restarted once per revision (6), the Fargate one (1), Helm's patches of"
            + " Karpenter's controller and twice of the gateway (3)")
        .contains("kubernetes PatchDeployment: 10 CREATED")
        .contains("kubernetes PatchStatefulSet: 2 CREATED")
        .contains("✔ verify")
        .contains("node groups: apps-1-34 1.34, system-1-34 1.34; self-managed: legacy-workers-1-34 1.34")
        .contains("eks-upgrade/us-east-1/demo — SUCCEEDED")
        .contains("Kubernetes 1.32 → 1.34; the cluster runs 1.34")
        .contains("eks UpdateClusterVersion: 2 CREATED")
        .contains("eks CreateNodegroup: 2 CREATED")
        .contains("autoscaling SetInstanceProtection: 1 CREATED")
        .contains("ec2 CreateLaunchTemplateVersion: 1 CREATED")
        .contains("autoscaling CreateAutoScalingGroup: 1 CREATED")
        .as("only the old self-managed ASG is deleted, after its teardown gate")
        .contains("autoscaling DeleteAutoScalingGroup: 1 CREATED")
        .doesNotContain("DeletePod")
        .containsPattern("kubernetes CreateEviction: \\d+ CREATED")
        .contains("PodDisruptionBudget breaches (a budget with fewer healthy pods than it requires):\n  none");
    String out = run.out();
    assertThat(out.indexOf("✔ karpenter-crds"))
        .as("Karpenter's CRDs before its controller, Karpenter before Istio, Istio before the control plane (seed 003)")
        .isLessThan(out.indexOf("✔ karpenter-controller"));
    assertThat(out.indexOf("✔ karpenter-node-classes")).isLessThan(out.indexOf("approved gate istio-1.27"));
    assertThat(out.indexOf("✔ istio-1.27-validate")).isLessThan(out.indexOf("approved gate istio-1.26-remove"));
    assertThat(out.indexOf("✔ istio-1.27-remove")).isLessThan(out.indexOf("approved gate control-plane-1.33"));
    assertThat(out.indexOf("✔ control-plane-1.33"))
        .as("the second gate opens only after the first minor is done")
        .isLessThan(out.indexOf("approved gate control-plane-1.34"));
    assertThat(out.indexOf("✔ control-plane-1.34"))
        .as("nodes move only after the control plane reached the target")
        .isLessThan(out.indexOf("approved gate data-plane"));
    assertThat(out.indexOf("✔ addon-vpc-cni-1.33"))
        .as("the VPC CNI leads its minor's control plane, kube-proxy follows it")
        .isLessThan(out.indexOf("✔ control-plane-1.33"));
    assertThat(out.indexOf("✔ control-plane-1.33")).isLessThan(out.indexOf("✔ addon-kube-proxy-1.33"));
    assertThat(out.indexOf("✔ self-managed-legacy-workers"))
        .as("old groups are deleted only after every group was replaced")
        .isLessThan(out.indexOf("approved gate teardown-apps"));
  }
}
