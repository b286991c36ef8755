package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.Scenario.AppliedSpec;
import io.eksupgrader.sandbox.Scenario.ClientStatSpec;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.DeprecatedApiRequestSpec;
import io.eksupgrader.sandbox.Scenario.DeprecationSpec;
import io.eksupgrader.sandbox.Scenario.EncryptionKeySpec;
import io.eksupgrader.sandbox.Scenario.HelmReleaseSpec;
import io.eksupgrader.sandbox.Scenario.InsightResourceSpec;
import io.eksupgrader.sandbox.Scenario.InsightSpec;
import io.eksupgrader.sandbox.Scenario.SubnetSpec;
import io.eksupgrader.sandbox.Scenario.VeleroSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scenario keys the pre-flight checks need, read strictly. */
class PreflightScenarioTest {

  private static final String CLUSTER =
      "name: x\nclusters:\n  - name: a\n    region: us-east-1\n    version: \"1.32\"\n";

  private static ClusterSpec parse(String clusterKeys) {
    return Scenario.parse(CLUSTER + clusterKeys, "ok.yaml").clusters().get(0);
  }

  private static void assertRefused(String clusterKeys, String messageStart) {
    assertThatThrownBy(() -> Scenario.parse(CLUSTER + clusterKeys, "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(messageStart);
  }

  @Test
  void insightsReadAsWrittenAndLeftOutKeysTakeDefaults() {
    List<InsightSpec> insights =
        parse(
                """
                    insights:
                      - id: 8a2c-1
                        name: Deprecated APIs removed in Kubernetes v1.33
                        kubernetesVersion: "1.33"
                        status: ERROR
                        reason: Deprecated API usage detected within last 30 days
                        description: Checks for usage of deprecated APIs.
                        recommendation: Update manifests.
                        additionalInfo: {guide: "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"}
                        resources: [{uri: /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas, status: ERROR, reason: in use}]
                        deprecations:
                          - usage: /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas
                            replacedWith: /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas
                            stopServingVersion: "1.32"
                            startServingReplacementVersion: "1.29"
                            clientStats: [{userAgent: kubectl/v1.31.0, numberOfRequestsLast30Days: 3, lastRequestTime: 2026-11-01T00:00:00Z}]
                      - {name: Kubelet version skew, kubernetesVersion: "1.33", status: WARNING, resources: [{arn: "arn:aws:eks:us-east-1:1:nodegroup/a/b/c"}]}
                """)
            .insights();

    assertThat(insights.get(0))
        .isEqualTo(
            new InsightSpec(
                "8a2c-1",
                "Deprecated APIs removed in Kubernetes v1.33",
                "UPGRADE_READINESS",
                "1.33",
                "ERROR",
                "Deprecated API usage detected within last 30 days",
                "Checks for usage of deprecated APIs.",
                "Update manifests.",
                Map.of("guide", "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"),
                List.of(new InsightResourceSpec("/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas", null, "ERROR", "in use")),
                List.of(
                    new DeprecationSpec(
                        "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas",
                        "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
                        "1.32",
                        "1.29",
                        List.of(new ClientStatSpec("kubectl/v1.31.0", 3, Instant.parse("2026-11-01T00:00:00Z")))))));
    assertThat(insights.get(1))
        .isEqualTo(
            new InsightSpec(
                UpgradeInsights.idFor("us-east-1", "a", "Kubelet version skew"),
                "Kubelet version skew",
                "UPGRADE_READINESS",
                "1.33",
                "WARNING",
                "Issues detected that may affect the upgrade.",
                "Kubelet version skew",
                null,
                UpgradeInsights.DEFAULT_ADDITIONAL_INFO,
                List.of(new InsightResourceSpec(null, "arn:aws:eks:us-east-1:1:nodegroup/a/b/c", "WARNING", null)),
                List.of()));
    assertThat(parse("").insights()).as("left out: EKS's own passing insights").isNull();
    assertThat(parse("    insights: []\n").insights()).as("an empty list: no insights at all").isEmpty();
  }

  @Test
  void subnetsRoleKeyLoggingAndVeleroReadAsWrittenOrTakeDefaults() {
    ClusterSpec c =
        parse(
            """
                subnets:
                  - {id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 3}
                  - {id: subnet-0a1b2c3e, availabilityZone: us-east-1c, availableIps: 10, cidrBlock: 10.1.2.0/28}
                roleArn: arn:aws:iam::111122223333:role/eks-cluster
                roleMissing: true
                secretsEncryptionKey: {arn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", state: Disabled}
                logging: [api, audit]
                velero: {namespace: backups}
            """);

    assertThat(c.subnets())
        .containsExactly(
            new SubnetSpec("subnet-0a1b2c3d", "us-east-1a", 3, "10.0.0.0/20"),
            new SubnetSpec("subnet-0a1b2c3e", "us-east-1c", 10, "10.1.2.0/28"));
    assertThat(c.roleMissing()).isTrue();
    assertThat(c.secretsEncryptionKey())
        .isEqualTo(new EncryptionKeySpec("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "Disabled"));
    assertThat(c.secretsEncryptionKey().keyId()).isEqualTo("1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(c.logging()).containsExactly("api", "audit");
    assertThat(c.velero()).isEqualTo(new VeleroSpec("backups"));

    ClusterSpec plain = parse("    secretsEncryptionKey: {arn: \"arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef\"}\n    velero: {}\n");
    assertThat(plain.subnets())
        .extracting(SubnetSpec::availabilityZone, SubnetSpec::availableIps)
        .containsExactly(
            tuple("us-east-1a", 200), tuple("us-east-1b", 200));
    assertThat(plain.subnets()).allSatisfy(s -> assertThat(s.id()).matches("subnet-0[0-9a-f]{16}"));
    assertThat(plain.roleMissing()).isFalse();
    assertThat(plain.secretsEncryptionKey().state()).isEqualTo("Enabled");
    assertThat(plain.logging()).isEmpty();
    assertThat(plain.velero()).isEqualTo(new VeleroSpec("velero"));
    assertThat(parse("").velero().installed()).isFalse();
    assertThat(parse("").secretsEncryptionKey()).isNull();
  }

  @Test
  void deprecatedApiRequestsAppliedObjectsAndHelmReleasesReadAsWritten() {
    ClusterSpec c =
        parse(
            """
                kubernetes:
                  deprecatedApiRequests:
                    - {group: flowcontrol.apiserver.k8s.io, version: v1beta3, resource: flowschemas, removedRelease: "1.32"}
                    - {version: v1, resource: componentstatuses, removedRelease: "1.35"}
                  applied:
                    - storedAs: policy/v1
                      manifest: {apiVersion: policy/v1beta1, kind: PodDisruptionBudget, metadata: {name: old-pdb, namespace: shop}, spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}}
                    - storedAs: flowcontrol.apiserver.k8s.io/v1
                      manifest: {kind: FlowSchema, apiVersion: flowcontrol.apiserver.k8s.io/v1beta3, metadata: {name: exempt-ops}}
                    - storedAs: autoscaling/v2
                      manifest: {apiVersion: autoscaling/v2beta2, kind: HorizontalPodAutoscaler, metadata: {name: web}}
                  helmReleases:
                    - {name: legacy-app, namespace: shop, chart: legacy, version: 0.3.0, manifest: "---\\n# Source: legacy/templates/hpa.yaml\\napiVersion: autoscaling/v2beta2\\nkind: HorizontalPodAutoscaler\\nmetadata:\\n  name: legacy\\n"}
                    - {name: other, chart: other, version: 1.2.3-rc.1, appVersion: "2.0", revision: 4, status: failed, manifest: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}\\n"}
            """);

    assertThat(c.kubernetes().deprecatedApiRequests())
        .containsExactly(
            new DeprecatedApiRequestSpec("flowcontrol.apiserver.k8s.io", "v1beta3", "flowschemas", "", "1.32"),
            new DeprecatedApiRequestSpec("", "v1", "componentstatuses", "", "1.35"));
    assertThat(c.kubernetes().applied())
        .containsExactly(
            new AppliedSpec(
                "policy/v1",
                "policy/v1beta1",
                "PodDisruptionBudget",
                "poddisruptionbudgets",
                "shop",
                "old-pdb",
                "{\"apiVersion\":\"policy/v1beta1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"old-pdb\",\"namespace\":\"shop\"},"
                    + "\"spec\":{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}\n"),
            new AppliedSpec(
                "flowcontrol.apiserver.k8s.io/v1",
                "flowcontrol.apiserver.k8s.io/v1beta3",
                "FlowSchema",
                "flowschemas",
                null,
                "exempt-ops",
                "{\"apiVersion\":\"flowcontrol.apiserver.k8s.io/v1beta3\",\"kind\":\"FlowSchema\",\"metadata\":{\"name\":\"exempt-ops\"}}\n"),
            new AppliedSpec(
                "autoscaling/v2",
                "autoscaling/v2beta2",
                "HorizontalPodAutoscaler",
                "horizontalpodautoscalers",
                "default",
                "web",
                "{\"apiVersion\":\"autoscaling/v2beta2\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web\"}}\n"));
    assertThat(c.kubernetes().helmReleases())
        .containsExactly(
            new HelmReleaseSpec(
                "legacy-app",
                "shop",
                "legacy",
                "0.3.0",
                "0.3.0",
                1,
                "deployed",
                "---\n# Source: legacy/templates/hpa.yaml\napiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: legacy\n"),
            new HelmReleaseSpec("other", "default", "other", "1.2.3-rc.1", "2.0", 4, "failed", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));
  }

  @Test
  void veleroDurationAndFaultReadAsWritten() {
    Scenario s =
        Scenario.parse(
            CLUSTER + "    velero: {}\ndurations: {veleroBackup: 5m}\nfaults: {veleroBackupFails: true}\n", "ok.yaml");
    assertThat(s.durations().veleroBackup()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.faults().veleroBackupFails()).isTrue();

    Scenario defaults = Scenario.parse(CLUSTER, "ok.yaml");
    assertThat(defaults.durations().veleroBackup()).isEqualTo(Duration.ofMinutes(2));
    assertThat(defaults.faults().veleroBackupFails()).isFalse();
  }

  @Test
  void badInsightsAreRefusedNamingTheKeyAndTheValue() {
    assertRefused("    insights: [{name: n, kubernetesVersion: \"1.33\"}]\n", "bad.yaml: clusters[0].insights[0].status: is required");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: FAILING}]\n",
        "bad.yaml: clusters[0].insights[0].status: 'FAILING' is not one of");
    assertRefused("    insights: [{name: n, kubernetesVersion: 1.30, status: ERROR}]\n", "bad.yaml: clusters[0].insights[0].kubernetesVersion: 1.30 is a number");
    assertRefused("    insights: [{name: n, status: ERROR}]\n", "bad.yaml: clusters[0].insights[0].kubernetesVersion: is required");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: ERROR, category: SECURITY}]\n",
        "bad.yaml: clusters[0].insights[0].category: 'SECURITY' is not one of MISCONFIGURATION, UPGRADE_READINESS");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: ERROR, severity: high}]\n",
        "bad.yaml: clusters[0].insights[0]: unknown key 'severity'");
    assertRefused(
        "    insights:\n      - {name: n, kubernetesVersion: \"1.33\", status: ERROR}\n      - {name: n, kubernetesVersion: \"1.34\", status: PASSING}\n",
        "bad.yaml: clusters[0].insights[1].name: insight id '");
    assertRefused(
        "    insights: [{id: \"a b\", name: n, kubernetesVersion: \"1.33\", status: ERROR}]\n",
        "bad.yaml: clusters[0].insights[0].id: 'a b' is not an insight id");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: ERROR, resources: [{status: ERROR}]}]\n",
        "bad.yaml: clusters[0].insights[0].resources[0]: set uri");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: ERROR, resources: [{uri: flowschemas}]}]\n",
        "bad.yaml: clusters[0].insights[0].resources[0].uri: 'flowschemas' is not a Kubernetes resource URI");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: ERROR, deprecations: [{usage: /apis/x/v1beta1/ys}]}]\n",
        "bad.yaml: clusters[0].insights[0].deprecations[0].stopServingVersion: is required");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: ERROR, deprecations: [{usage: /apis/x/v1beta1/ys, stopServingVersion: \"1.29\", startServingReplacementVersion: \"1.30\"}]}]\n",
        "bad.yaml: clusters[0].insights[0].deprecations[0].startServingReplacementVersion: '1.30' is after stopServingVersion 1.29");
    assertRefused(
        "    insights: [{name: n, kubernetesVersion: \"1.33\", status: ERROR, deprecations: [{usage: /apis/x/v1beta1/ys, stopServingVersion: \"1.29\", clientStats: [{numberOfRequestsLast30Days: 1}]}]}]\n",
        "bad.yaml: clusters[0].insights[0].deprecations[0].clientStats[0].userAgent: is required");
  }

  @Test
  void badSubnetsRolesKeysLoggingAndVeleroAreRefused() {
    assertRefused("    subnets: []\n", "bad.yaml: clusters[0].subnets: list at least one subnet");
    assertRefused(
        "    subnets: [{id: sn-1, availabilityZone: us-east-1a, availableIps: 3}]\n",
        "bad.yaml: clusters[0].subnets[0].id: 'sn-1' is not a subnet id");
    assertRefused(
        "    subnets: [{id: subnet-0a1b2c3d, availabilityZone: eu-west-1a, availableIps: 3}]\n",
        "bad.yaml: clusters[0].subnets[0].availabilityZone: 'eu-west-1a' is not an availability zone of us-east-1");
    assertRefused(
        "    subnets: [{id: subnet-0a1b2c3d, availabilityZone: us-east-1a}]\n",
        "bad.yaml: clusters[0].subnets[0].availableIps: is required");
    assertRefused(
        "    subnets: [{id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 300, cidrBlock: 10.0.0.0/24}]\n",
        "bad.yaml: clusters[0].subnets[0].availableIps: 300 is out of range: 10.0.0.0/24 has 251 usable addresses");
    assertRefused(
        "    subnets: [{id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 3, cidrBlock: 10.0.0.0/8}]\n",
        "bad.yaml: clusters[0].subnets[0].cidrBlock: '10.0.0.0/8' is not an IPv4 CIDR block from /16 to /28");
    assertRefused(
        "    subnets:\n      - {id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 3}\n      - {id: subnet-0a1b2c3d, availabilityZone: us-east-1b, availableIps: 3}\n",
        "bad.yaml: clusters[0].subnets[1].id: subnet 'subnet-0a1b2c3d' is listed twice");
    assertThatThrownBy(
            () ->
                Scenario.parse(
                    """
                    name: x
                    clusters:
                      - {name: a, region: us-east-1, version: "1.32", subnets: [{id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 3}]}
                      - {name: b, region: us-east-1, version: "1.32", subnets: [{id: subnet-0a1b2c3d, availabilityZone: us-east-1a, availableIps: 9}]}
                    """,
                    "bad.yaml"))
        .hasMessageStartingWith("bad.yaml: clusters[1].subnets: subnet 'subnet-0a1b2c3d' is described differently by another cluster");
    assertRefused("    roleMissing: yes please\n", "bad.yaml: clusters[0].roleMissing: expected true or false");
    assertRefused(
        "    secretsEncryptionKey: {arn: \"arn:aws:kms:us-east-1:111122223333:alias/eks\"}\n",
        "bad.yaml: clusters[0].secretsEncryptionKey.arn: 'arn:aws:kms:us-east-1:111122223333:alias/eks' is not a KMS key ARN");
    assertRefused(
        "    secretsEncryptionKey: {arn: \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"}\n",
        "bad.yaml: clusters[0].secretsEncryptionKey.arn: the key is in eu-west-1; EKS needs a key in the cluster's region us-east-1");
    assertRefused(
        "    secretsEncryptionKey: {arn: \"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\", state: Deleted}\n",
        "bad.yaml: clusters[0].secretsEncryptionKey.state: 'Deleted' is not one of Disabled, Enabled, PendingDeletion");
    assertRefused("    logging: [api, kubelet]\n", "bad.yaml: clusters[0].logging[1]: 'kubelet' is not a control-plane log type (api, audit, authenticator, controllerManager, scheduler)");
    assertRefused("    logging: [api, api]\n", "bad.yaml: clusters[0].logging[1]: 'api' is listed twice");
    assertRefused("    velero: {namespace: Velero}\n", "bad.yaml: clusters[0].velero.namespace: 'Velero' is not a Kubernetes name");
    assertRefused("    velero: {version: 1.14.0}\n", "bad.yaml: clusters[0].velero: unknown key 'version'");
  }

  @Test
  void badDeprecatedApiRequestsAppliedObjectsAndHelmReleasesAreRefused() {
    String k = "    kubernetes:\n      ";
    assertRefused(
        k + "deprecatedApiRequests: [{group: flowcontrol.apiserver.k8s.io, version: v1beta3, resource: flowschemas}]\n",
        "bad.yaml: clusters[0].kubernetes.deprecatedApiRequests[0].removedRelease: is required");
    assertRefused(
        k + "deprecatedApiRequests: [{group: x.io, version: beta3, resource: things, removedRelease: \"1.32\"}]\n",
        "bad.yaml: clusters[0].kubernetes.deprecatedApiRequests[0].version: 'beta3' is not an API version");
    assertRefused(
        k + "deprecatedApiRequests: [{group: x.io, version: v1beta3, resource: Things, removedRelease: \"1.32\"}]\n",
        "bad.yaml: clusters[0].kubernetes.deprecatedApiRequests[0].resource: 'Things' is not a resource name");
    assertRefused(
        k + "deprecatedApiRequests: [{group: x.io, version: v1, resource: things, removedRelease: \"1.32\"}, {group: x.io, version: v1, resource: things, removedRelease: \"1.33\"}]\n",
        "bad.yaml: clusters[0].kubernetes.deprecatedApiRequests[1]: the request of x.io/v1 things is listed twice");
    assertRefused(
        k + "applied: [{manifest: {apiVersion: policy/v1beta1, kind: PodDisruptionBudget, metadata: {name: p}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].storedAs: is required");
    assertRefused(
        k + "applied: [{storedAs: policy, manifest: {apiVersion: policy/v1beta1, kind: PodDisruptionBudget, metadata: {name: p}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].storedAs: 'policy' is not a group/version");
    assertRefused(
        k + "applied: [{storedAs: policy/v1}]\n", "bad.yaml: clusters[0].kubernetes.applied[0].manifest: is required");
    assertRefused(
        k + "applied: [{storedAs: policy/v1, manifest: {kind: PodDisruptionBudget, metadata: {name: p}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].manifest.apiVersion: is required");
    assertRefused(
        k + "applied: [{storedAs: example.com/v1, manifest: {apiVersion: example.com/v1alpha1, kind: Widget, metadata: {name: p}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].manifest.kind: 'Widget' is not a kind the sandbox stores (");
    assertRefused(
        k + "applied: [{storedAs: policy/v1, manifest: {apiVersion: policy/v1beta1, kind: PodDisruptionBudget, metadata: {namespace: shop}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].manifest.metadata.name: is required");
    assertRefused(
        k + "applied: [{storedAs: flowcontrol.apiserver.k8s.io/v1, manifest: {apiVersion: flowcontrol.apiserver.k8s.io/v1beta3, kind: FlowSchema, metadata: {name: f, namespace: shop}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].manifest.metadata.namespace: a FlowSchema is cluster-scoped");
    assertRefused(
        k + "applied: [{storedAs: apps/v1, manifest: {apiVersion: extensions/v1beta1, kind: Deployment, metadata: {name: d}, spec: {replicas: 1}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].manifest.spec.template.metadata.labels: is required");
    assertRefused(
        k + "pdbs: [{namespace: shop, name: web, selector: {app: web}, maxUnavailable: 1}]\n      applied: [{storedAs: policy/v1, manifest: {apiVersion: policy/v1beta1, kind: PodDisruptionBudget, metadata: {name: web, namespace: shop}}}]\n",
        "bad.yaml: clusters[0].kubernetes.applied[0].manifest.metadata.name: PodDisruptionBudget 'shop/web' is listed twice");
    assertRefused(
        k + "helmReleases: [{name: Legacy, chart: c, version: 1.0.0, manifest: \"apiVersion: v1\\nkind: ConfigMap\\n\"}]\n",
        "bad.yaml: clusters[0].kubernetes.helmReleases[0].name: 'Legacy' is not a Helm release name");
    assertRefused(
        k + "helmReleases: [{name: l, chart: c, version: \"1.0\", manifest: \"apiVersion: v1\\nkind: ConfigMap\\n\"}]\n",
        "bad.yaml: clusters[0].kubernetes.helmReleases[0].version: '1.0' is not a chart version");
    assertRefused(
        k + "helmReleases: [{name: l, chart: c, version: 1.0.0}]\n", "bad.yaml: clusters[0].kubernetes.helmReleases[0].manifest: is required");
    assertRefused(
        k + "helmReleases: [{name: l, chart: c, version: 1.0.0, manifest: \"kind: [unclosed\\n\"}]\n",
        "bad.yaml: clusters[0].kubernetes.helmReleases[0].manifest: is not YAML documents");
    assertRefused(
        k + "helmReleases: [{name: l, chart: c, version: 1.0.0, manifest: \"apiVersion: v1\\nkind: ConfigMap\\n---\\nname: x\\n\"}]\n",
        "bad.yaml: clusters[0].kubernetes.helmReleases[0].manifest: document 2 is not an object with apiVersion and kind");
    assertRefused(
        k + "helmReleases: [{name: l, chart: c, version: 1.0.0, status: installed, manifest: \"apiVersion: v1\\nkind: ConfigMap\\n\"}]\n",
        "bad.yaml: clusters[0].kubernetes.helmReleases[0].status: 'installed' is not one of");
    assertRefused(
        k + "helmReleases: [{name: l, chart: c, version: 1.0.0, revision: 0, manifest: \"apiVersion: v1\\nkind: ConfigMap\\n\"}]\n",
        "bad.yaml: clusters[0].kubernetes.helmReleases[0].revision: 0 is out of range");
    assertRefused(
        "    karpenter: {version: \"1.0.2\"}\n"
            + k
            + "helmReleases: [{name: karpenter, namespace: kube-system, chart: c, version: 1.0.0, manifest: \"apiVersion: v1\\nkind: ConfigMap\\n\"}]\n",
        "bad.yaml: clusters[0].kubernetes.helmReleases[0].name: release 'kube-system/karpenter' is one the sandbox installs");
    assertRefused("durations: {veleroBackup: soon}\n", "bad.yaml: durations.veleroBackup: 'soon' is not a duration");
    assertRefused(
        "faults: {veleroBackupFails: sometimes}\n", "bad.yaml: faults.veleroBackupFails: expected true or false");
  }
}
