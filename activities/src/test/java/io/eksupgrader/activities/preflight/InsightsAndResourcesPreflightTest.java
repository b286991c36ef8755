package io.eksupgrader.activities.preflight;

import static io.eksupgrader.activities.preflight.PreflightHarness.ofSeverity;
import static io.eksupgrader.activities.preflight.PreflightHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.activities.PreflightActivities.PreflightRequest;
import io.eksupgrader.workflows.model.BackupOptions;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EKS upgrade insights and the account's resources, read from the sandbox's EKS, EC2, IAM and KMS
 * with the real SDK clients: each check trips on the scenario that breaks it and only tells on one
 * that does not, and neither makes a call that changes anything.
 */
class InsightsAndResourcesPreflightTest {

  private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  private PreflightHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private void start(String clusterKeys) {
    harness =
        new PreflightHarness(
            """
            name: insights-and-resources
            clusters:
              - name: shop
                region: us-east-1
                version: "1.32"
            """
                + clusterKeys.indent(4));
  }

  @Test
  void passingInsightsForTheNextMinorAreInfo() {
    start("");

    List<PreflightFinding> findings = harness.preflight.checkUpgradeInsights(request("1.32", "1.34", List.of("1.33", "1.34")));

    assertThat(findings).hasSize(3).allSatisfy(f -> {
      assertThat(f.check()).isEqualTo(PreflightActivities.INSIGHTS);
      assertThat(f.severity()).isEqualTo(Severity.INFO);
      assertThat(f.minor()).isEqualTo("1.33");
      assertThat(f.summary()).startsWith("PASSING: ");
      assertThat(f.remedy()).isNull();
    });
    assertThat(harness.mutatingCalls()).isZero();
  }

  @Test
  void anErrorInsightBlocksWithItsResourcesClientsAndRecommendation() {
    start(
        """
        insights:
          - name: Deprecated APIs removed in Kubernetes v1.33
            kubernetesVersion: "1.33"
            status: ERROR
            reason: Deprecated API usage detected within last 30 days
            recommendation: Update manifests and API clients to use newer Kubernetes APIs before upgrading.
            resources: [{uri: /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas, status: ERROR}]
            deprecations:
              - {usage: /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas, replacedWith: /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas,
                 stopServingVersion: "1.32", startServingReplacementVersion: "1.29",
                 clientStats: [{userAgent: kubectl/v1.31.0, numberOfRequestsLast30Days: 12, lastRequestTime: 2026-11-22T18:00:00Z}]}
          - name: Kubelet version skew
            kubernetesVersion: "1.33"
            status: WARNING
            reason: Nodes near the end of the skew policy
            recommendation: Upgrade the nodes first.
          - name: Amazon Linux 2 compatibility
            kubernetesVersion: "1.33"
            status: ERROR
            category: MISCONFIGURATION
        """);

    List<PreflightFinding> findings = harness.preflight.checkUpgradeInsights(request("1.32", "1.33", List.of("1.33")));

    assertThat(findings).extracting(PreflightFinding::subject)
        .as("only upgrade-readiness insights")
        .containsExactly("Deprecated APIs removed in Kubernetes v1.33", "Kubelet version skew");
    PreflightFinding deprecated = findings.get(0);
    assertThat(deprecated.severity()).isEqualTo(Severity.BLOCKER);
    assertThat(deprecated.minor()).isEqualTo("1.33");
    assertThat(deprecated.evidence())
        .anyMatch(e -> e.endsWith(": ERROR (Deprecated API usage detected within last 30 days)"))
        .contains(
            "resource /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas: ERROR",
            "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas is served until 1.32; use"
                + " /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
            "client kubectl/v1.31.0: 12 request(s) in 30 days, last 2026-11-22T18:00:00Z");
    assertThat(deprecated.remedy())
        .startsWith("Update manifests and API clients to use newer Kubernetes APIs before upgrading.")
        .contains("aws eks describe-insight --region us-east-1 --cluster-name shop --id ");
    assertThat(findings.get(1).severity()).isEqualTo(Severity.WARNING);
    assertThat(findings.get(1).remedy()).startsWith("Upgrade the nodes first.");
    assertThat(harness.mutatingCalls()).isZero();
  }

  @Test
  void aHealthyAccountIsToldAndOnlyMissingLogsWarn() {
    start("secretsEncryptionKey: {arn: \"" + KEY + "\"}");

    List<PreflightFinding> findings = harness.preflight.checkClusterResources(request("1.32", "1.33", List.of("1.33")));

    assertThat(ofSeverity(findings, Severity.BLOCKER)).isEmpty();
    assertThat(ofSeverity(findings, Severity.WARNING))
        .singleElement()
        .satisfies(f -> {
          assertThat(f.check()).isEqualTo(PreflightActivities.CONTROL_PLANE_LOGGING);
          assertThat(f.summary()).startsWith("control-plane logging is off for api, audit");
          assertThat(f.remedy()).contains("aws eks update-cluster-config --region us-east-1 --name shop --logging");
        });
    assertThat(findings).extracting(PreflightFinding::check)
        .contains(PreflightActivities.SUBNET_FREE_IPS, PreflightActivities.CLUSTER_ROLE, PreflightActivities.KMS_KEY);
    assertThat(findings)
        .filteredOn(f -> f.check().equals(PreflightActivities.SUBNET_FREE_IPS))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).isEqualTo("400 free address(es) in the control plane's subnets"));
    assertThat(harness.mutatingCalls()).isZero();
  }

  @Test
  void tooFewFreeAddressesAMissingRoleAndADisabledKeyEachBlock() {
    start(
        """
        roleMissing: true
        subnets:
          - {id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 1}
          - {id: subnet-0a1b2c3e, availabilityZone: us-east-1b, availableIps: 2}
        secretsEncryptionKey: {arn: "%s", state: Disabled}
        logging: [api, audit, authenticator]
        """
            .formatted(KEY));

    List<PreflightFinding> findings = harness.preflight.checkClusterResources(request("1.32", "1.33", List.of("1.33")));

    assertThat(ofSeverity(findings, Severity.BLOCKER)).extracting(PreflightFinding::check)
        .containsExactlyInAnyOrder(
            PreflightActivities.SUBNET_FREE_IPS, PreflightActivities.CLUSTER_ROLE, PreflightActivities.KMS_KEY);
    assertThat(ofSeverity(findings, Severity.BLOCKER))
        .filteredOn(f -> f.check().equals(PreflightActivities.SUBNET_FREE_IPS))
        .singleElement()
        .satisfies(f -> {
          assertThat(f.summary()).startsWith("the control plane's subnets have 3 free address(es) in all");
          assertThat(f.evidence())
              .containsExactly("subnet-0a1b2c3d (us-east-1a, 10.0.0.0/20): 1 free", "subnet-0a1b2c3e (us-east-1b, 10.0.16.0/20): 2 free");
        });
    assertThat(ofSeverity(findings, Severity.BLOCKER))
        .filteredOn(f -> f.check().equals(PreflightActivities.KMS_KEY))
        .singleElement()
        .satisfies(f -> assertThat(f.remedy()).contains("aws kms enable-key --key-id " + KEY));
    assertThat(ofSeverity(findings, Severity.WARNING)).extracting(PreflightFinding::subject)
        .as("each subnet short of five addresses, and logging is on")
        .containsExactlyInAnyOrder("subnet-0a1b2c3d", "subnet-0a1b2c3e");
    assertThat(harness.mutatingCalls()).isZero();
  }

  @Test
  void oneSubnetShortOfAddressesWarnsWhileTheOthersHaveEnough() {
    start(
        """
        subnets:
          - {id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 3}
          - {id: subnet-0a1b2c3e, availabilityZone: us-east-1b, availableIps: 250, cidrBlock: 10.1.0.0/24}
        logging: [api, audit]
        """);

    List<PreflightFinding> findings = harness.preflight.checkClusterResources(request("1.32", "1.33", List.of("1.33")));

    assertThat(ofSeverity(findings, Severity.BLOCKER)).isEmpty();
    assertThat(ofSeverity(findings, Severity.WARNING))
        .singleElement()
        .satisfies(f -> {
          assertThat(f.subject()).isEqualTo("subnet-0a1b2c3d");
          assertThat(f.summary()).isEqualTo("subnet subnet-0a1b2c3d has 3 free address(es), fewer than the 5 EKS may need in one subnet");
        });
  }

  private static PreflightRequest withBackup() {
    return new PreflightRequest(
        PreflightHarness.SHOP, "1.32", "1.33", List.of("1.33"), DrainOptions.defaults(), List.of(), List.of(),
        new BackupOptions(true, null, null, null));
  }

  @Test
  void aBackupWithoutVeleroBlocksBeforeAnythingIsChanged() {
    start("logging: [api, audit]");

    assertThat(harness.preflight.checkClusterResources(request("1.32", "1.33", List.of("1.33"))))
        .as("no backup asked for, no Velero finding")
        .noneMatch(f -> f.check().equals(PreflightActivities.VELERO_BACKUP));
    List<PreflightFinding> findings = harness.preflight.checkClusterResources(withBackup());

    assertThat(ofSeverity(findings, Severity.BLOCKER))
        .singleElement()
        .satisfies(f -> {
          assertThat(f.check()).isEqualTo(PreflightActivities.VELERO_BACKUP);
          assertThat(f.summary()).contains("serves no velero.io/v1 Backups");
          assertThat(f.remedy()).contains("--no-velero-backup");
        });
    assertThat(harness.mutatingCalls()).isZero();
  }

  @Test
  void aBackupWithVeleroInItsNamespaceIsTold() {
    start("logging: [api, audit]\nvelero: {namespace: velero}");

    List<PreflightFinding> findings = harness.preflight.checkClusterResources(withBackup());

    assertThat(ofSeverity(findings, Severity.BLOCKER)).isEmpty();
    assertThat(findings)
        .filteredOn(f -> f.check().equals(PreflightActivities.VELERO_BACKUP))
        .singleElement()
        .satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.INFO);
          assertThat(f.evidence()).containsExactly("0 Backup(s) in velero; newest Completed: none");
        });
  }
}
