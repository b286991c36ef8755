package io.eksupgrader.activities.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.activities.compatibility.DeprecatedApiTable;
import io.eksupgrader.activities.compatibility.DeprecatedApiTable.DeprecatedApi;
import io.eksupgrader.activities.compatibility.DeprecatedApiTable.Verdict;
import io.eksupgrader.activities.helm.HelmReleaseHistory;
import io.eksupgrader.activities.helm.StoredRelease;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Deprecated and removed APIs in use, from three sources, each finding naming where the use was seen:
 *
 * <ol>
 *   <li>How objects were applied: for every replacement API of the table, the objects of that kind
 *       are listed at it (no discovery; a 404 means the cluster does not serve it, so there is
 *       nothing to list), and the apiVersion of their {@code kubectl.kubernetes.io/last-applied-configuration}
 *       is looked up in the table. An object stored at apps/v1 but last applied as apps/v1beta1
 *       comes from a manifest that the next {@code kubectl apply} sends to a removed API.
 *   <li>Helm: the manifest of the newest revision of every Helm v3 release, split into its
 *       documents. Helm builds its upgrade from that stored manifest, so a removed API there makes
 *       the release's next upgrade fail.
 *   <li>Clients: the API server's {@code apiserver_requested_deprecated_apis} gauge, one series per
 *       deprecated API requested since that API server started. A 404 or 403 from {@code /metrics}
 *       is told as an info finding: the other sources still count.
 * </ol>
 *
 * Each use is judged with {@link DeprecatedApiTable#verdict}. APIs of the table that the path
 * deprecates or removes but nothing was seen using are reported as info, with what was searched;
 * APIs served on no minor of the path are not reported unless used.
 */
final class DeprecatedApiCheck {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  static final String METRIC = "apiserver_requested_deprecated_apis";
  private static final long PAGE = 500;
  private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Source { OBJECT, HELM, CLIENTS }

  /** One place an API was seen in use. */
  private record Use(DeprecatedApi api, Source source, String subject, String evidence, String releaseName, String releaseNamespace) {}

  private final KubernetesClient client;
  private final DeprecatedApiTable table;
  private final UpgradePath path;
  private final List<Use> uses = new ArrayList<>();
  private final List<String> searched = new ArrayList<>();
  private final List<PreflightFinding> notes = new ArrayList<>();

  DeprecatedApiCheck(KubernetesClient client, DeprecatedApiTable table, UpgradePath path) {
    this.client = client;
    this.table = table;
    this.path = path;
  }

  List<PreflightFinding> run() {
    scanLastApplied();
    scanHelmReleases();
    scanRequestMetric();
    List<PreflightFinding> findings = new ArrayList<>(notes);
    Map<String, List<Use>> bySubject = new LinkedHashMap<>();
    for (Use use : uses) {
      bySubject.computeIfAbsent(use.subject() + "\n" + use.api().display(), k -> new ArrayList<>()).add(use);
    }
    for (List<Use> same : bySubject.values()) {
      findings.add(finding(same));
    }
    for (DeprecatedApi api : table.onPath(path.current(), path.target())) {
      if (uses.stream().noneMatch(u -> u.api().equals(api))) {
        findings.add(unused(api));
      }
    }
    return findings;
  }

  // ---- sources ----

  private void scanLastApplied() {
    Map<String, List<DeprecatedApi>> byServedKind = new LinkedHashMap<>();
    for (DeprecatedApi api : table.apis()) {
      if (api.scanObjects() && api.replacement() != null) {
        byServedKind.computeIfAbsent(api.replacement() + " " + api.resource(), k -> new ArrayList<>()).add(api);
      }
    }
    // The same object is listed at each version that serves its kind: read it once.
    Set<String> read = new HashSet<>();
    for (List<DeprecatedApi> rows : byServedKind.values()) {
      DeprecatedApi first = rows.get(0);
      String served = first.replacement();
      int slash = served.indexOf('/');
      ResourceDefinitionContext context =
          new ResourceDefinitionContext.Builder()
              .withGroup(slash < 0 ? "" : served.substring(0, slash))
              .withVersion(slash < 0 ? served : served.substring(slash + 1))
              .withPlural(first.resource())
              .withKind(first.kind())
              .withNamespaced(first.namespaced())
              .build();
      List<GenericKubernetesResource> objects;
      try {
        objects = listAll(context);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          continue; // The cluster does not serve the kind at this version: no object to read.
        }
        throw e;
      }
      searched.add(LAST_APPLIED + " of " + objects.size() + " " + first.kind() + " object(s) at " + served);
      for (GenericKubernetesResource object : objects) {
        String annotation =
            object.getMetadata().getAnnotations() == null ? null : object.getMetadata().getAnnotations().get(LAST_APPLIED);
        String id = first.kind() + " " + objectName(object.getMetadata().getNamespace(), object.getMetadata().getName());
        if (annotation == null || !read.add(id)) {
          continue;
        }
        JsonNode applied;
        try {
          applied = JSON.readTree(annotation);
        } catch (IOException e) {
          continue; // Not what kubectl writes: it says nothing about the manifest.
        }
        String apiVersion = applied.path("apiVersion").asText("");
        String kind = applied.path("kind").asText(object.getKind() != null ? object.getKind() : first.kind());
        Optional<DeprecatedApi> api = table.byKind(apiVersion, kind);
        if (api.isEmpty()) {
          continue;
        }
        String subject = objectName(object.getMetadata().getNamespace(), object.getMetadata().getName()) + " (" + kind + ")";
        uses.add(
            new Use(
                api.get(),
                Source.OBJECT,
                subject,
                subject + ": annotation " + LAST_APPLIED + " has apiVersion " + apiVersion + " (stored at " + served + ")",
                null,
                null));
      }
    }
  }

  private List<GenericKubernetesResource> listAll(ResourceDefinitionContext context) {
    List<GenericKubernetesResource> all = new ArrayList<>();
    String next = null;
    do {
      ListOptions options = new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build();
      var resources = client.genericKubernetesResources(context);
      GenericKubernetesResourceList page =
          context.isNamespaceScoped()
              ? resources.inAnyNamespace().list(options)
              : resources.list(options);
      all.addAll(page.getItems());
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return all;
  }

  private void scanHelmReleases() {
    List<StoredRelease> releases = HelmReleaseHistory.releases(client, null);
    searched.add("the manifests of " + releases.size() + " Helm release(s) (newest revision of each)");
    for (StoredRelease release : releases) {
      for (ManifestDocuments.Document document : ManifestDocuments.parse(release.manifest())) {
        Optional<DeprecatedApi> api = table.byKind(document.apiVersion(), document.kind());
        if (api.isEmpty()) {
          continue;
        }
        String subject = release.namespace() + "/" + release.name() + " (Helm release)";
        uses.add(
            new Use(
                api.get(),
                Source.HELM,
                subject,
                "revision " + release.revision() + " (" + release.status() + ") of chart " + release.chart() + " "
                    + release.chartVersion() + ": " + document.kind() + " " + (document.name() == null ? "(no name)" : document.name())
                    + " in " + document.apiVersion() + (document.source() == null ? "" : ", from " + document.source()),
                release.name(),
                release.namespace()));
      }
    }
  }

  private void scanRequestMetric() {
    HttpResponse<String> response = getMetrics();
    if (response.code() == 404 || response.code() == 403) {
      notes.add(metricUnavailable(response.code()));
      return;
    }
    if (!response.isSuccessful()) {
      throw new KubernetesClientException(
          "GET /metrics answered " + response.code() + ": " + response.body(), response.code(), null);
    }
    String text = response.body();
    List<PrometheusText.Sample> samples = PrometheusText.samples(text, METRIC);
    searched.add(METRIC + " of the API server that answered (" + samples.size() + " series)");
    for (PrometheusText.Sample sample : samples) {
      if (sample.value() <= 0) {
        continue;
      }
      String group = sample.label("group");
      String version = sample.label("version");
      String resource = sample.label("resource");
      String removedRelease = sample.label("removed_release");
      DeprecatedApi api =
          table.byResource(group, version, resource)
              .orElseGet(
                  () ->
                      new DeprecatedApi(
                          group.isEmpty() ? version : group + "/" + version,
                          null,
                          resource,
                          false,
                          null,
                          KubernetesVersion.isValid(removedRelease) ? KubernetesVersion.parse(removedRelease) : null,
                          null,
                          null,
                          false));
      String series =
          METRIC + "{group=\"" + group + "\",version=\"" + version + "\",resource=\"" + resource + "\""
              + (sample.label("subresource").isEmpty() ? "" : ",subresource=\"" + sample.label("subresource") + "\"")
              + ",removed_release=\"" + removedRelease + "\"} " + formatValue(sample.value());
      uses.add(
          new Use(
              api,
              Source.CLIENTS,
              api.apiVersion() + " " + resource + " (API requests)",
              series + ": requested since this API server started",
              null,
              null));
    }
  }

  /** The status matters here (404: no such endpoint), so the request goes through the client's own HTTP client. */
  private HttpResponse<String> getMetrics() {
    String uri = client.getMasterUrl().toString().replaceAll("/+$", "") + "/metrics";
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(uri).header("Accept", "text/plain").build();
    try {
      return client.getHttpClient().sendAsync(request, String.class).get(METRICS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KubernetesClientException.launderThrowable(e);
    } catch (ExecutionException | TimeoutException e) {
      throw KubernetesClientException.launderThrowable(e.getCause() != null ? e.getCause() : e);
    }
  }

  // ---- findings ----

  private PreflightFinding finding(List<Use> same) {
    Use use = same.get(0);
    DeprecatedApi api = use.api();
    Verdict verdict = DeprecatedApiTable.verdict(api.deprecatedIn(), api.removedIn(), path.current(), path.minors());
    String what =
        switch (use.source()) {
          case OBJECT -> "last applied as " + api.display();
          case HELM -> "its stored manifest has " + same.size() + " object(s) in " + api.display();
          case CLIENTS -> "clients request " + api.display();
        };
    List<String> evidence = new ArrayList<>();
    same.forEach(u -> evidence.add(u.evidence()));
    evidence.add("table: " + table.source());
    return new PreflightFinding(
        PreflightActivities.DEPRECATED_API,
        verdict.severity(),
        use.subject(),
        verdict.minor() == null ? null : verdict.minor().toString(),
        what + ", " + state(api, verdict),
        evidence,
        remedy(use, api));
  }

  private String state(DeprecatedApi api, Verdict verdict) {
    String deprecated = api.deprecatedIn() == null ? "deprecated" : "deprecated since " + api.deprecatedIn();
    return switch (verdict.severity()) {
      case BLOCKER ->
          verdict.alreadyRemoved()
              ? "which Kubernetes " + api.removedIn() + " stopped serving: " + path.current() + " does not serve it now, nor will "
                  + verdict.minor()
              : "which Kubernetes " + api.removedIn() + " no longer serves (" + deprecated + ")";
      case WARNING ->
          deprecated + (api.removedIn() == null ? ", with no removal planned" : ", removed in " + api.removedIn())
              + "; still served through " + path.target();
      case INFO -> "deprecated from " + api.deprecatedIn() + ", removed in " + api.removedIn() + ": after " + path.target();
    };
  }

  private String remedy(Use use, DeprecatedApi api) {
    String moveTo =
        api.replacement() != null
            ? api.replacement() + (api.replacementSince() == null ? "" : " (served since " + api.replacementSince() + ")")
            : null;
    if (api.replacement() == null && "PodSecurityPolicy".equals(api.kind())) {
      return "PodSecurityPolicy has no replacement API: enforce pod security with Pod Security Admission"
          + " (kubernetes.io/docs/concepts/security/pod-security-admission) and remove the PodSecurityPolicies"
          + (use.source() == Source.HELM ? " from the chart, then upgrade the release" : "");
    }
    String target = moveTo != null ? moveTo : "the API version the Kubernetes deprecation guide names";
    return switch (use.source()) {
      case OBJECT ->
          "change the manifest to " + target + " and apply it again (kubectl apply rewrites the annotation), or convert it"
              + " with kubectl-convert --output-version " + (api.replacement() != null ? api.replacement() : "<group>/<version>");
      case HELM ->
          "upgrade the release with a chart version that renders " + target + "; if Helm refuses because the stored"
              + " manifest names an API the cluster no longer serves, rewrite it first with the helm-mapkubeapis plugin"
              + " (helm mapkubeapis " + use.releaseName() + " --namespace " + use.releaseNamespace() + ")";
      case CLIENTS ->
          "find the client in the API server's audit log (annotation k8s.io/deprecated=\"true\", with its userAgent) and"
              + " move it to " + target;
    };
  }

  private PreflightFinding unused(DeprecatedApi api) {
    Verdict verdict = DeprecatedApiTable.verdict(api.deprecatedIn(), api.removedIn(), path.current(), path.minors());
    List<String> evidence = new ArrayList<>(searched);
    evidence.add("table: " + table.source());
    return new PreflightFinding(
        PreflightActivities.DEPRECATED_API,
        Severity.INFO,
        api.display(),
        verdict.severity() == Severity.BLOCKER ? verdict.minor().toString() : null,
        "no use of " + api.display() + " found (deprecated since " + api.deprecatedIn() + ", removed in " + api.removedIn() + ")",
        evidence,
        "nothing to do for what pre-flight can see; manifests kept outside the cluster and clients that have not called"
            + " since the API server started may still use it: move them to "
            + (api.replacement() != null ? api.replacement() : "a supported API"));
  }

  private PreflightFinding metricUnavailable(int code) {
    String why =
        code == 404
            ? "the API server answered 404 for /metrics"
            : "the worker may not read /metrics (403): its RBAC lacks get on the non-resource URL /metrics";
    return new PreflightFinding(
        PreflightActivities.DEPRECATED_API,
        Severity.INFO,
        "API server /metrics",
        null,
        "the " + METRIC + " metric is not available: requests from clients were not checked, only objects and Helm releases",
        List.of(why),
        code == 404
            ? "check clients by hand: EKS upgrade insights and the audit log (annotation k8s.io/deprecated) name them"
            : "grant the worker get on nonResourceURLs [/metrics] (a ClusterRole) to have clients checked too");
  }

  private static String objectName(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  private static String formatValue(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
