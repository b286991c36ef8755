package io.eksupgrader.activities.preflight;

import static io.eksupgrader.activities.preflight.PreflightHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The add-on check against the sandbox's add-on catalog, whose versions run on Kubernetes 1.28 to
 * 1.35: a path to 1.36 finds none there, and CoreDNS running without its EKS add-on is self-managed.
 */
class AddonsPreflightTest {

  private PreflightHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private void start(String version, String clusterYaml) {
    harness =
        new PreflightHarness(
            """
            name: addons
            clusters:
              - name: shop
                region: us-east-1
                version: "%s"
                nodeGroups:
                  - {name: apps, desiredSize: 1}
            """
                .formatted(version)
                + clusterYaml.indent(4));
  }

  @Test
  void aMinorWithoutAnAddonVersionBlocksAndASelfManagedCoreDnsIsAWarning() {
    start(
        "1.34",
        """
        addons:
          - {name: kube-proxy}
          - {name: vpc-cni}
        kubernetes:
          workloads:
            - {namespace: kube-system, name: coredns, replicas: 2}
            - {namespace: kube-system, name: kube-proxy, kind: DaemonSet}
            - {namespace: kube-system, name: aws-node, kind: DaemonSet}
        """);
    int calls = harness.mutatingCalls();

    List<PreflightFinding> findings = harness.preflight.checkAddons(request("1.34", "1.36", List.of("1.35", "1.36")));

    assertThat(findings)
        .extracting(PreflightFinding::check, PreflightFinding::severity, PreflightFinding::subject, PreflightFinding::minor)
        .containsExactly(
            tuple(PreflightActivities.ADDON_COMPATIBILITY, Severity.INFO, "kube-proxy (EKS add-on)", "1.35"),
            tuple(PreflightActivities.ADDON_COMPATIBILITY, Severity.INFO, "vpc-cni (EKS add-on)", "1.35"),
            tuple(PreflightActivities.ADDON_COMPATIBILITY, Severity.BLOCKER, "kube-proxy (EKS add-on)", "1.36"),
            tuple(PreflightActivities.ADDON_COMPATIBILITY, Severity.BLOCKER, "vpc-cni (EKS add-on)", "1.36"),
            tuple(PreflightActivities.SELF_MANAGED_ADDON, Severity.WARNING, "kube-system/coredns (Deployment)", null));
    PreflightFinding kubeProxy135 = findings.get(0);
    assertThat(kubeProxy135.summary()).isEqualTo("kube-proxy moves from v1.34.0-eksbuild.2 to v1.35.0-eksbuild.1, the default for Kubernetes 1.35");
    assertThat(kubeProxy135.evidence()).contains("v1.34.0-eksbuild.2 does not run on 1.35");
    PreflightFinding vpcCni135 = findings.get(1);
    assertThat(vpcCni135.summary()).isEqualTo("vpc-cni v1.20.1-eksbuild.1 is the default for Kubernetes 1.35: nothing to move");
    PreflightFinding blocked = findings.get(2);
    assertThat(blocked.summary()).isEqualTo("EKS offers no kube-proxy version for Kubernetes 1.36: the add-on step cannot move it there");
    assertThat(blocked.evidence()).contains("DescribeAddonVersions(addonName=kube-proxy, kubernetesVersion=1.36): no version");
    PreflightFinding coreDns = findings.get(4);
    assertThat(coreDns.summary()).isEqualTo("CoreDNS runs without the EKS add-on coredns: the upgrade does not update it");
    assertThat(coreDns.evidence()).anyMatch(e -> e.contains("container coredns image")).contains("ListAddons: no EKS add-on coredns");
    assertThat(coreDns.remedy())
        .contains("1.35, 1.36")
        .contains("aws eks create-addon --cluster-name shop --region us-east-1 --addon-name coredns --addon-version v1.12.1-eksbuild.2 --resolve-conflicts OVERWRITE");
    assertThat(harness.mutatingCalls()).as("pre-flight only reads").isEqualTo(calls);
  }

  @Test
  void addonsWithAVersionForEveryMinorAndNoSelfManagedOnesAskForNothing() {
    start(
        "1.32",
        """
        addons:
          - {name: vpc-cni}
          - {name: coredns}
          - {name: kube-proxy}
        kubernetes:
          workloads:
            - {namespace: kube-system, name: coredns, replicas: 2}
            - {namespace: kube-system, name: kube-proxy, kind: DaemonSet}
            - {namespace: kube-system, name: aws-node, kind: DaemonSet}
        """);

    List<PreflightFinding> findings = harness.preflight.checkAddons(request("1.32", "1.34", List.of("1.33", "1.34")));

    assertThat(findings).hasSize(6).allMatch(f -> f.severity() == Severity.INFO && f.check().equals(PreflightActivities.ADDON_COMPATIBILITY));
    assertThat(findings.stream().map(f -> f.minor() + " " + f.summary()))
        .contains(
            "1.33 coredns moves from v1.11.3-eksbuild.2 to v1.11.4-eksbuild.14, the default for Kubernetes 1.33",
            "1.33 kube-proxy moves from v1.32.0-eksbuild.2 to v1.33.0-eksbuild.2, the default for Kubernetes 1.33",
            "1.34 kube-proxy moves from v1.33.0-eksbuild.2 to v1.34.0-eksbuild.2, the default for Kubernetes 1.34");
    assertThat(findings.stream().filter(f -> f.summary().startsWith("kube-proxy moves from v1.33")).findFirst().orElseThrow().evidence())
        .as("the 1.34 step starts from where the 1.33 step left it")
        .contains("installed: v1.32.0-eksbuild.2 (ACTIVE)", "before 1.34: v1.33.0-eksbuild.2, where the earlier minors' steps move it");
  }
}
