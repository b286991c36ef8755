package io.eksupgrader.activities.preflight;

import static io.eksupgrader.activities.preflight.PreflightHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.sandbox.kube.HelmReleases;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deprecated-API check against a sandbox cluster: objects last applied with a removed
 * apiVersion, a Helm release whose stored manifest has one, and the API server's metric, which the
 * sandbox does not serve yet (a 404, told as info).
 */
class DeprecatedApisPreflightTest {

  private static final String LAST_APPLIED = DeprecatedApiCheck.LAST_APPLIED;
  private static final ResourceDefinitionContext FLOW_SCHEMAS_V1 =
      new ResourceDefinitionContext.Builder()
          .withGroup("flowcontrol.apiserver.k8s.io")
          .withVersion("v1")
          .withPlural("flowschemas")
          .withKind("FlowSchema")
          .withNamespaced(false)
          .build();

  private PreflightHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private void start(String version) {
    start(version, "");
  }

  /** @param kubernetesKeys more keys under the cluster's {@code kubernetes:}, indented by two */
  private void start(String version, String kubernetesKeys) {
    harness =
        new PreflightHarness(
            """
            name: deprecated-apis
            clusters:
              - name: shop
                region: us-east-1
                version: "%s"
                nodeGroups:
                  - {name: apps, desiredSize: 1}
                kubernetes:
                  workloads:
                    - {namespace: shop, name: web, replicas: 2}
            """
                .formatted(version)
                + kubernetesKeys.indent(6));
  }

  /** kubectl's annotation on shop/web, as if it was last applied with {@code apiVersion}. */
  private void lastAppliedWeb(String apiVersion) {
    String applied =
        "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"}}";
    // A merge patch: the sandbox's controllers update the Deployment's status meanwhile.
    String patch = "{\"metadata\":{\"annotations\":{\"" + LAST_APPLIED + "\":" + quoted(applied) + "}}}";
    harness.admin().apps().deployments().inNamespace("shop").withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private void flowSchemaLastAppliedAs(String apiVersion) {
    harness.admin().genericKubernetesResources(FLOW_SCHEMAS_V1)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("flowcontrol.apiserver.k8s.io/v1")
                .withKind("FlowSchema")
                .withNewMetadata()
                .withName("legacy-controllers")
                .withAnnotations(
                    Map.of(
                        LAST_APPLIED,
                        "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"FlowSchema\",\"metadata\":{\"name\":\"legacy-controllers\"}}"))
                .endMetadata()
                .build())
        .create();
  }

  private void helmRelease(int revision, String status, String manifest) {
    harness.admin().secrets().inNamespace("shop")
        .resource(
            HelmReleases.releaseSecret(
                "legacy-app", "shop", revision, "legacy", "0.3." + revision, "1.0", Map.of(), manifest, status,
                Instant.parse("2026-01-01T00:00:00Z")))
        .create();
  }

  private static PreflightFinding about(List<PreflightFinding> findings, String subject) {
    return findings.stream().filter(f -> subject.equals(f.subject())).findFirst().orElseThrow(() -> new AssertionError("no finding about " + subject + " in " + findings));
  }

  @Test
  void removedApisInAppliedObjectsAndTheNewestHelmRevisionBlockTheMinorThatNoLongerServesThem() {
    start("1.31");
    lastAppliedWeb("apps/v1beta1");
    flowSchemaLastAppliedAs("flowcontrol.apiserver.k8s.io/v1beta3");
    // Revision 1 rendered an apps/v1beta1 Deployment; only the newest revision is what Helm upgrades from.
    helmRelease(1, "superseded", "---\n# Source: legacy/templates/deploy.yaml\napiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: legacy\n");
    helmRelease(
        2,
        "deployed",
        "---\n# Source: legacy/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: legacy\n"
            + "---\n# Source: legacy/templates/hpa.yaml\napiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: legacy\n");
    int calls = harness.mutatingCalls();

    List<PreflightFinding> findings = harness.preflight.checkDeprecatedApis(request("1.31", "1.32", List.of("1.32")));

    assertThat(findings).allMatch(f -> f.check().equals(PreflightActivities.DEPRECATED_API));
    PreflightFinding web = about(findings, "shop/web (Deployment)");
    assertThat(web.severity()).isEqualTo(Severity.BLOCKER);
    assertThat(web.minor()).as("already removed: the first minor of the path").isEqualTo("1.32");
    assertThat(web.summary())
        .isEqualTo("last applied as apps/v1beta1 Deployment, which Kubernetes 1.16 stopped serving: 1.31 does not serve it now, nor will 1.32");
    assertThat(web.evidence().get(0))
        .isEqualTo("shop/web (Deployment): annotation " + LAST_APPLIED + " has apiVersion apps/v1beta1 (stored at apps/v1)");
    assertThat(web.remedy()).startsWith("change the manifest to apps/v1 (served since 1.9) and apply it again");

    PreflightFinding flowSchema = about(findings, "legacy-controllers (FlowSchema)");
    assertThat(flowSchema.severity()).isEqualTo(Severity.BLOCKER);
    assertThat(flowSchema.minor()).isEqualTo("1.32");
    assertThat(flowSchema.summary())
        .isEqualTo("last applied as flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema, which Kubernetes 1.32 no longer serves (deprecated since 1.29)");

    PreflightFinding release = about(findings, "shop/legacy-app (Helm release)");
    assertThat(release.severity()).isEqualTo(Severity.BLOCKER);
    assertThat(release.summary()).startsWith("its stored manifest has 1 object(s) in autoscaling/v2beta2 HorizontalPodAutoscaler, which Kubernetes 1.26 stopped serving");
    assertThat(release.evidence().get(0))
        .isEqualTo("revision 2 (deployed) of chart legacy 0.3.2: HorizontalPodAutoscaler legacy in autoscaling/v2beta2, from legacy/templates/hpa.yaml");
    assertThat(release.remedy()).contains("autoscaling/v2").contains("helm mapkubeapis legacy-app --namespace shop");
    assertThat(findings).noneMatch(f -> f.summary().contains("apps/v1beta1 Deployment") && f.subject().contains("Helm"));

    // The other v1beta3 kind is removed at 1.32 too, and nothing uses it: said, with what was searched.
    PreflightFinding unused = about(findings, "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration");
    assertThat(unused.severity()).isEqualTo(Severity.INFO);
    assertThat(unused.minor()).isEqualTo("1.32");
    assertThat(unused.evidence()).anyMatch(e -> e.startsWith("the manifests of 1 Helm release(s)"));

    List<String> expectedOrder =
        List.of(
            "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration",
            "legacy-controllers (FlowSchema)",
            "shop/legacy-app (Helm release)",
            "shop/web (Deployment)");
    assertThat(findings.stream().map(PreflightFinding::subject))
        .as("by check, minor (none first), subject; the metric was read and names nothing")
        .containsExactlyElementsOf(expectedOrder);
    assertThat(harness.mutatingCalls()).as("pre-flight only reads").isEqualTo(calls);
  }

  @Test
  void anApiDeprecatedButServedThroughTheTargetIsAWarningNamingItsReplacement() {
    start("1.29");
    flowSchemaLastAppliedAs("flowcontrol.apiserver.k8s.io/v1beta3");

    List<PreflightFinding> findings = harness.preflight.checkDeprecatedApis(request("1.29", "1.30", List.of("1.30")));

    PreflightFinding flowSchema = about(findings, "legacy-controllers (FlowSchema)");
    assertThat(flowSchema.severity()).isEqualTo(Severity.WARNING);
    assertThat(flowSchema.minor()).isNull();
    assertThat(flowSchema.summary())
        .isEqualTo("last applied as flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema, deprecated since 1.29, removed in 1.32; still served through 1.30");
    assertThat(flowSchema.remedy()).contains("flowcontrol.apiserver.k8s.io/v1 (served since 1.29)");
    assertThat(PreflightHarness.ofSeverity(findings, Severity.BLOCKER)).isEmpty();
  }

  @Test
  void aClusterWhoseObjectsAndReleasesUseServedApisHasNothingToFix() {
    start("1.32");
    lastAppliedWeb("apps/v1");
    helmRelease(1, "deployed", "---\n# Source: legacy/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: legacy\n");

    List<PreflightFinding> findings = harness.preflight.checkDeprecatedApis(request("1.32", "1.34", List.of("1.33", "1.34")));

    assertThat(findings).as("nothing in the table is served from 1.32 on, and the metric names nothing").isEmpty();
  }

  @Test
  void clientsStillRequestingARemovedApiAreFoundInTheApiServersMetric() {
    start(
        "1.31",
        """
        deprecatedApiRequests:
          - {group: flowcontrol.apiserver.k8s.io, version: v1beta3, resource: flowschemas, removedRelease: "1.32"}
        """);

    List<PreflightFinding> findings = harness.preflight.checkDeprecatedApis(request("1.31", "1.32", List.of("1.32")));

    PreflightFinding clients = about(findings, "flowcontrol.apiserver.k8s.io/v1beta3 flowschemas (API requests)");
    assertThat(clients.severity()).isEqualTo(Severity.BLOCKER);
    assertThat(clients.minor()).isEqualTo("1.32");
    assertThat(clients.evidence().get(0))
        .isEqualTo("apiserver_requested_deprecated_apis{group=\"flowcontrol.apiserver.k8s.io\",version=\"v1beta3\","
            + "resource=\"flowschemas\",removed_release=\"1.32\"} 1: requested since this API server started");
    assertThat(clients.remedy()).contains("flowcontrol.apiserver.k8s.io/v1");
  }
}
