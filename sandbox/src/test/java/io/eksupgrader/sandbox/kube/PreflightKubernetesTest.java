package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;

/**
 * What the pre-flight checks and the Velero backup read and do inside a cluster, through fabric8
 * pointed where DescribeCluster says: the API server's deprecated-API metric, objects as {@code
 * kubectl apply} left them, Helm releases whose manifests hold removed APIs, and Velero Backups.
 */
class PreflightKubernetesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ResourceDefinitionContext PDBS_V1 =
      new ResourceDefinitionContext.Builder()
          .withGroup("policy")
          .withVersion("v1")
          .withPlural("poddisruptionbudgets")
          .withKind("PodDisruptionBudget")
          .withNamespaced(true)
          .build();

  private static final ResourceDefinitionContext FLOW_SCHEMAS_V1 =
      new ResourceDefinitionContext.Builder()
          .withGroup("flowcontrol.apiserver.k8s.io")
          .withVersion("v1")
          .withPlural("flowschemas")
          .withKind("FlowSchema")
          .withNamespaced(false)
          .build();

  private static final ResourceDefinitionContext BACKUPS =
      new ResourceDefinitionContext.Builder()
          .withGroup("velero.io")
          .withVersion("v1")
          .withPlural("backups")
          .withKind("Backup")
          .withNamespaced(true)
          .build();

  private static final String DEPRECATED =
      """
      name: deprecated-inside
      timeScale: 600
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          nodeGroups: [{name: apps, desiredSize: 2}]
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 2}
            deprecatedApiRequests:
              - {group: flowcontrol.apiserver.k8s.io, version: v1beta3, resource: flowschemas, removedRelease: "1.32"}
              - {group: batch, version: v1beta1, resource: cronjobs, subresource: status, removedRelease: "1.25"}
            applied:
              - storedAs: policy/v1
                manifest: {apiVersion: policy/v1beta1, kind: PodDisruptionBudget, metadata: {name: old-pdb, namespace: shop}, spec: {maxUnavailable: 0, selector: {matchLabels: {app: web}}}}
              - storedAs: flowcontrol.apiserver.k8s.io/v1
                manifest: {apiVersion: flowcontrol.apiserver.k8s.io/v1beta3, kind: FlowSchema, metadata: {name: ops}, spec: {priorityLevelConfiguration: {name: exempt}, matchingPrecedence: 10}}
            helmReleases:
              - {name: legacy-app, namespace: legacy, chart: legacy, version: 0.3.0, manifest: "---\\n# Source: legacy/templates/hpa.yaml\\napiVersion: autoscaling/v2beta2\\nkind: HorizontalPodAutoscaler\\nmetadata:\\n  name: legacy\\n"}
      """;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private SandboxServer sandbox(String yaml) {
    SandboxServer server = SandboxServer.start(Scenario.parse(yaml, "preflight-kube.yaml"), 0);
    resources.add(server);
    return server;
  }

  /** A client as an activity makes one: endpoint and CA from DescribeCluster, an EKS token. */
  private KubernetesClient client(SandboxServer sandbox, String cluster) {
    EksClient eks =
        EksClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .endpointOverride(sandbox.endpoint())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSANDBOX", "secret")))
            .region(Region.US_EAST_1)
            .build();
    resources.add(eks);
    Cluster described = eks.describeCluster(r -> r.name(cluster)).cluster();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(described.endpoint())
            .withCaCertData(described.certificateAuthority().data())
            .withOauthToken(KubeCluster.tokenFor(cluster))
            .withRequestRetryBackoffLimit(0)
            .build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    resources.add(client);
    return client;
  }

  @Test
  void metricsReportEveryDeprecatedApiClientsRequestedAsPrometheusText() throws Exception {
    SandboxServer sandbox = sandbox(DEPRECATED);
    KubernetesClient client = client(sandbox, "shop");

    List<String> lines = client.raw("/metrics").lines().toList();

    assertThat(lines)
        .contains(
            "# TYPE apiserver_requested_deprecated_apis gauge",
            "apiserver_requested_deprecated_apis{group=\"flowcontrol.apiserver.k8s.io\",removed_release=\"1.32\","
                + "resource=\"flowschemas\",subresource=\"\",version=\"v1beta3\"} 1",
            "apiserver_requested_deprecated_apis{group=\"batch\",removed_release=\"1.25\",resource=\"cronjobs\","
                + "subresource=\"status\",version=\"v1beta1\"} 1")
        .anySatisfy(l -> assertThat(l).startsWith("# HELP apiserver_requested_deprecated_apis "))
        .anySatisfy(l -> assertThat(l).startsWith("kubernetes_build_info{").contains("minor=\"32\""));

    URI metrics = URI.create(sandbox.kubernetes("us-east-1", "shop").plainApiServerUrl() + "/metrics");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> signed =
        http.send(
            HttpRequest.newBuilder(metrics).header("Authorization", "Bearer " + KubeCluster.tokenFor("shop")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signed.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(anonymous.statusCode()).as("metrics need a token like every path").isEqualTo(401);
  }

  @Test
  void aClusterWithoutDeprecatedRequestsHasNoSuchMetricFamily() {
    SandboxServer sandbox = sandbox("name: clean\nclusters:\n  - {name: shop, region: us-east-1, version: \"1.33\"}\n");

    String metrics = client(sandbox, "shop").raw("/metrics");

    assertThat(metrics).doesNotContain("apiserver_requested_deprecated_apis").contains("kubernetes_build_info{");
  }

  @Test
  void appliedObjectsAreServedAtTheirStoredVersionWithWhatKubectlApplied() throws Exception {
    SandboxServer sandbox = sandbox(DEPRECATED);
    KubernetesClient client = client(sandbox, "shop");

    List<GenericKubernetesResource> pdbs =
        client.genericKubernetesResources(PDBS_V1).inAnyNamespace().list().getItems();
    List<GenericKubernetesResource> flowSchemas =
        client.genericKubernetesResources(FLOW_SCHEMAS_V1).list().getItems();

    assertThat(pdbs).singleElement().satisfies(p -> assertThat(p.getApiVersion()).isEqualTo("policy/v1"));
    JsonNode applied =
        JSON.readTree(pdbs.get(0).getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration"));
    assertThat(applied.path("apiVersion").asText()).isEqualTo("policy/v1beta1");
    assertThat(applied.path("metadata").path("name").asText()).isEqualTo("old-pdb");
    assertThat(pdbs.get(0).getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration"))
        .as("compact, keys sorted, a newline at the end: as kubectl writes it")
        .isEqualTo(
            "{\"apiVersion\":\"policy/v1beta1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"old-pdb\",\"namespace\":\"shop\"},"
                + "\"spec\":{\"maxUnavailable\":0,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}\n");
    assertThat(pdbs.get(0).getMetadata().getUid()).isNotBlank();
    assertThat(flowSchemas)
        .extracting(f -> f.getMetadata().getName(), f -> f.getMetadata().getNamespace(), GenericKubernetesResource::getApiVersion)
        .containsExactly(tuple("ops", null, "flowcontrol.apiserver.k8s.io/v1"));
    assertThat(flowSchemas.get(0).getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration"))
        .contains("\"apiVersion\":\"flowcontrol.apiserver.k8s.io/v1beta3\"");
  }

  @Test
  void anAppliedBudgetGuardsEvictionsLikeAnyOther() {
    SandboxServer sandbox = sandbox(DEPRECATED);
    KubernetesClient client = sandbox.kubernetes("us-east-1", "shop").adminClient();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("old-pdb").get();
              return pdb.getStatus() != null && Integer.valueOf(2).equals(pdb.getStatus().getCurrentHealthy());
            });
    Pod web = client.pods().inNamespace("shop").withLabel("app", "web").list().getItems().get(0);

    boolean evicted = client.pods().inNamespace("shop").withName(web.getMetadata().getName()).evict();

    assertThat(evicted).as("maxUnavailable 0 allows no eviction").isFalse();
    assertThat(client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("old-pdb").get().getStatus().getDisruptionsAllowed())
        .isZero();
    assertThat(sandbox.callLog().entries("CreateEviction"))
        .extracting(CallLog.Entry::status, CallLog.Entry::effect)
        .containsExactly(tuple(429, Effect.REJECTED));
  }

  @Test
  void aHelmReleasesSecretHoldsItsManifestAsHelmStoresIt() throws Exception {
    SandboxServer sandbox = sandbox(DEPRECATED);
    KubernetesClient client = client(sandbox, "shop");

    Secret secret = client.secrets().inNamespace("legacy").withName("sh.helm.release.v1.legacy-app.v1").get();

    assertThat(secret.getType()).isEqualTo("helm.sh/release.v1");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("owner", "helm")
        .containsEntry("name", "legacy-app")
        .containsEntry("status", "deployed")
        .containsEntry("version", "1");
    byte[] helmValue = Base64.getDecoder().decode(secret.getData().get("release"));
    byte[] gzipped = Base64.getDecoder().decode(helmValue);
    JsonNode release = JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes());
    assertThat(release.path("manifest").asText())
        .isEqualTo("---\n# Source: legacy/templates/hpa.yaml\napiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: legacy\n");
    assertThat(release.path("chart").path("metadata").path("version").asText()).isEqualTo("0.3.0");
    assertThat(client.namespaces().withName("legacy").get()).as("the release's namespace exists").isNotNull();
    assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().list().getItems())
        .as("only the release record exists, not its objects")
        .isEmpty();
  }

  private static final String VELERO =
      """
      name: velero
      timeScale: 600
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          velero: {namespace: velero}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 2}
              - {namespace: jobs, name: runner, kind: Pod}
            pdbs:
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: 1}
      durations: {veleroBackup: 10m}
      """;

  private static GenericKubernetesResource backup(String namespace, String name, List<String> includedNamespaces) {
    GenericKubernetesResource backup =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("velero.io/v1")
            .withKind("Backup")
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .build();
    backup.setAdditionalProperty("spec", includedNamespaces == null ? Map.of() : Map.of("includedNamespaces", includedNamespaces));
    return backup;
  }

  private static String phaseOf(KubernetesClient client, String namespace, String name) {
    GenericKubernetesResource b = client.genericKubernetesResources(BACKUPS).inNamespace(namespace).withName(name).get();
    Object status = b.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m && m.get("phase") != null ? m.get("phase").toString() : "";
  }

  @Test
  void aBackupRunsAndCompletesWithTheItemsOfItsNamespaces() {
    SandboxServer sandbox = sandbox(VELERO);
    KubernetesClient client = client(sandbox, "shop");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> client.pods().inNamespace("shop").list().getItems().size() == 2);

    client.genericKubernetesResources(BACKUPS).inNamespace("velero").resource(backup("velero", "before-1-33", List.of("shop"))).create();
    client.genericKubernetesResources(BACKUPS).inNamespace("velero").resource(backup("velero", "everything", null)).create();
    client.genericKubernetesResources(BACKUPS).inNamespace("shop").resource(backup("shop", "elsewhere", null)).create();

    await().atMost(Duration.ofSeconds(5)).until(() -> phaseOf(client, "velero", "before-1-33").equals("InProgress"));
    GenericKubernetesResource running =
        client.genericKubernetesResources(BACKUPS).inNamespace("velero").withName("before-1-33").get();
    assertThat(status(running)).containsKey("startTimestamp").doesNotContainKey("completionTimestamp");
    await().atMost(Duration.ofSeconds(10)).until(() -> phaseOf(client, "velero", "before-1-33").equals("Completed"));
    await().atMost(Duration.ofSeconds(10)).until(() -> phaseOf(client, "velero", "everything").equals("Completed"));

    Map<String, Object> done = status(client.genericKubernetesResources(BACKUPS).inNamespace("velero").withName("before-1-33").get());
    Map<String, Object> all = status(client.genericKubernetesResources(BACKUPS).inNamespace("velero").withName("everything").get());
    // shop: the Deployment, its ReplicaSet, two pods and the budget; jobs: one pod.
    assertThat(done.get("progress")).isEqualTo(Map.of("itemsBackedUp", 5, "totalItems", 5));
    assertThat(all.get("progress")).isEqualTo(Map.of("itemsBackedUp", 6, "totalItems", 6));
    assertThat(Duration.between(
            Instant.parse(done.get("startTimestamp").toString()),
            Instant.parse(done.get("completionTimestamp").toString())))
        .as("simulated durations.veleroBackup")
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(11));
    assertThat(phaseOf(client, "shop", "elsewhere")).as("Velero runs the Backups of its own namespace only").isEmpty();
    assertThat(sandbox.callLog().entries("CreateBackup"))
        .extracting(CallLog.Entry::service, CallLog.Entry::resourceId, CallLog.Entry::effect)
        .containsExactly(
            tuple("kubernetes", "velero/before-1-33", Effect.CREATED),
            tuple("kubernetes", "velero/everything", Effect.CREATED),
            tuple("kubernetes", "shop/elsewhere", Effect.CREATED));
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("backups.velero.io").get().getStatus().getConditions())
        .anySatisfy(c -> assertThat(List.of(c.getType(), c.getStatus())).containsExactly("Established", "True"));
  }

  @Test
  void aBackupFailsWhenItsStorageLocationIsUnavailable() {
    SandboxServer sandbox = sandbox(VELERO + "faults: {veleroBackupFails: true}\n");
    KubernetesClient client = client(sandbox, "shop");

    client.genericKubernetesResources(BACKUPS).inNamespace("velero").resource(backup("velero", "doomed", null)).create();

    await().atMost(Duration.ofSeconds(5)).until(() -> phaseOf(client, "velero", "doomed").equals("Failed"));
    Map<String, Object> status = status(client.genericKubernetesResources(BACKUPS).inNamespace("velero").withName("doomed").get());
    assertThat(status)
        .containsEntry("failureReason", "error getting backup store: BackupStorageLocation \"default\" is unavailable")
        .containsKey("completionTimestamp");
  }

  @Test
  void withoutVeleroItsApiIsNotServed() {
    SandboxServer sandbox = sandbox("name: plain\nclusters:\n  - {name: shop, region: us-east-1, version: \"1.32\"}\n");
    KubernetesClient client = client(sandbox, "shop");

    assertThatThrownBy(
            () -> client.genericKubernetesResources(BACKUPS).inNamespace("velero").resource(backup("velero", "b", null)).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("backups.velero.io").get()).isNull();
    assertThat(sandbox.callLog().entries("CreateBackup"))
        .extracting(CallLog.Entry::status, CallLog.Entry::effect)
        .containsExactly(tuple(404, Effect.REJECTED));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("status");
  }
}
