package io.eksupgrader.activities.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.activities.kube.Kubeconfigs;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.HelmActivities;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Helm releases of a target cluster, observed through Helm's own records before anything runs.
 *
 * <p>Upgrade, in order: read the release's newest revision; a revision left {@code pending-*} by an
 * interrupted run stops here (Helm would refuse too, and only a person should decide how to
 * recover); a release already deployed at the chart version with the requested values is left
 * alone; otherwise CRDs to adopt get the release's ownership labels, the chart is found in its
 * source, and Helm upgrades with the release's own values (or, for a new release, the values of
 * the release it is installed beside) plus the requested ones. The outcome is read back from the
 * records: a revision that is not {@code deployed} fails the step with Helm's status.
 *
 * <p>Rollback puts back what an earlier revision deployed: its chart version and its values, as a
 * new revision. (helm-java has no rollback; the result equals {@code helm rollback}'s.)
 */
public class HelmReleaseActivities implements HelmActivities {

  private static final Logger log = LoggerFactory.getLogger(HelmReleaseActivities.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClientProvider clients;
  private final HelmRunner helm;
  private final Path workDirectory;

  public HelmReleaseActivities(KubernetesClientProvider clients, HelmRunner helm, Path workDirectory) {
    this.clients = clients;
    this.helm = helm;
    this.workDirectory = workDirectory;
  }

  @Override
  public UpgradeResult upgradeRelease(UpgradeRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    Optional<StoredRelease> before = HelmReleaseHistory.latest(client, request.namespace(), request.release());
    if (before.isPresent()) {
      StoredRelease now = before.get();
      refuseWhilePending(now);
      if (now.status().equals("deployed")
          && request.chart().equals(now.chart())
          && sameVersion(request.version(), now.chartVersion())
          && contains(now.config(), request.values())) {
        log.info("Helm release {}/{} already deployed at {} {}", request.namespace(), request.release(), request.chart(), request.version());
        return new UpgradeResult(
            request.release(), UpgradeResult.How.ALREADY_AT_VERSION, now.revision(), now.revision(), now.chartVersion(), now.chartVersion());
      }
    } else if (!request.install()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Helm release " + request.namespace() + "/" + request.release() + " does not exist: nothing to upgrade",
          FailureTypes.HELM_RELEASE_FAILED);
    }
    adopt(client, request);
    Map<String, Object> startingValues = null;
    if (before.isEmpty() && request.valuesFrom() != null) {
      startingValues =
          HelmReleaseHistory.latest(client, request.namespace(), request.valuesFrom())
              .map(StoredRelease::config)
              .orElseThrow(
                  () ->
                      ApplicationFailure.newNonRetryableFailure(
                          "Helm release " + request.namespace() + "/" + request.valuesFrom() + ", whose values "
                              + request.release() + " starts from, does not exist",
                          FailureTypes.HELM_RELEASE_FAILED));
    }
    ChartReference chart = chart(request.chartSource(), request.chart(), request.version());
    run(
        client,
        request.release(),
        request.namespace(),
        chart,
        startingValues,
        request.values(),
        request.install(),
        request.description());
    StoredRelease after = readBack(client, request.namespace(), request.release());
    return new UpgradeResult(
        request.release(),
        before.isEmpty() ? UpgradeResult.How.INSTALLED : UpgradeResult.How.UPGRADED,
        before.map(StoredRelease::revision).orElse(0),
        after.revision(),
        before.map(StoredRelease::chartVersion).orElse(null),
        after.chartVersion());
  }

  @Override
  public UpgradeResult rollbackRelease(RollbackRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    List<StoredRelease> history = HelmReleaseHistory.history(client, request.namespace(), request.release());
    StoredRelease wanted =
        history.stream()
            .filter(r -> r.revision() == request.toRevision())
            .findFirst()
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "Helm release " + request.namespace() + "/" + request.release() + " has no revision "
                            + request.toRevision() + " (Helm keeps " + history.size() + "; --history-max may have pruned it)",
                        FailureTypes.HELM_RELEASE_FAILED));
    StoredRelease now = history.get(history.size() - 1);
    refuseWhilePending(now);
    if (now.status().equals("deployed")
        && Objects.equals(now.chartVersion(), wanted.chartVersion())
        && Objects.equals(now.config(), wanted.config())) {
      return new UpgradeResult(
          request.release(), UpgradeResult.How.ALREADY_AT_VERSION, now.revision(), now.revision(), now.chartVersion(), now.chartVersion());
    }
    ChartReference chart = chart(request.chartSource(), wanted.chart() == null ? request.chart() : wanted.chart(), wanted.chartVersion());
    run(
        client,
        request.release(),
        request.namespace(),
        chart,
        wanted.config(),
        Map.of(),
        false,
        "Rollback to " + wanted.revision() + " (eks-upgrader)");
    StoredRelease after = readBack(client, request.namespace(), request.release());
    return new UpgradeResult(
        request.release(), UpgradeResult.How.ROLLED_BACK, now.revision(), after.revision(), now.chartVersion(), after.chartVersion());
  }

  @Override
  public UninstallResult uninstallRelease(ReleaseRef release) {
    KubernetesClient client = clients.forCluster(release.cluster());
    if (HelmReleaseHistory.history(client, release.namespace(), release.release()).isEmpty()) {
      return new UninstallResult(release.release(), false);
    }
    Path kubeconfig = Kubeconfigs.write(client, workDirectory);
    try {
      String output = helm.uninstall(release.release(), release.namespace(), kubeconfig);
      log.info("helm uninstall {}/{}: {}", release.namespace(), release.release(), output);
    } catch (HelmException e) {
      throw classify(e, "uninstall " + release.namespace() + "/" + release.release());
    } finally {
      delete(kubeconfig);
    }
    return new UninstallResult(release.release(), true);
  }

  private static void refuseWhilePending(StoredRelease release) {
    if (release.pending()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Helm release "
              + release.namespace()
              + "/"
              + release.name()
              + " is "
              + release.status()
              + " at revision "
              + release.revision()
              + " (an earlier Helm run was interrupted). Look at it (helm history "
              + release.name()
              + " -n "
              + release.namespace()
              + "), roll it back to its last deployed revision (helm rollback), then decide retry",
          FailureTypes.HELM_RELEASE_FAILED);
    }
  }

  /** Gives CRDs the release's ownership labels, so that Helm takes them over instead of refusing. */
  private void adopt(KubernetesClient client, UpgradeRequest request) {
    for (String name : request.adoptCustomResourceDefinitions()) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      if (crd == null) {
        continue;
      }
      Map<String, String> annotations = crd.getMetadata().getAnnotations() == null ? Map.of() : crd.getMetadata().getAnnotations();
      Map<String, String> labels = crd.getMetadata().getLabels() == null ? Map.of() : crd.getMetadata().getLabels();
      if (request.release().equals(annotations.get("meta.helm.sh/release-name"))
          && request.namespace().equals(annotations.get("meta.helm.sh/release-namespace"))
          && "Helm".equals(labels.get("app.kubernetes.io/managed-by"))) {
        continue;
      }
      String patch =
          "{\"metadata\":{\"labels\":{\"app.kubernetes.io/managed-by\":\"Helm\"},\"annotations\":{"
              + "\"meta.helm.sh/release-name\":\"" + request.release() + "\","
              + "\"meta.helm.sh/release-namespace\":\"" + request.namespace() + "\"}}}";
      client.apiextensions().v1().customResourceDefinitions().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      log.info("CRD {} adopted into Helm release {}/{}", name, request.namespace(), request.release());
    }
  }

  private static ChartReference chart(String source, String chart, String version) {
    try {
      return ChartReference.resolve(source, chart, version);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.HELM_RELEASE_FAILED);
    }
  }

  private void run(
      KubernetesClient client,
      String release,
      String namespace,
      ChartReference chart,
      Map<String, Object> values,
      Map<String, String> set,
      boolean install,
      String description) {
    Path kubeconfig = Kubeconfigs.write(client, workDirectory);
    Path valuesFile = values == null ? null : valuesFile(values);
    try {
      String output =
          helm.upgrade(new HelmInvocation(release, namespace, chart, kubeconfig, valuesFile, set, install, description));
      log.info("helm upgrade {}/{} to {} ({}): {}", namespace, release, chart, helm.describe(), output);
    } catch (HelmException e) {
      throw classify(e, "upgrade " + namespace + "/" + release + " to " + chart);
    } finally {
      delete(kubeconfig);
      if (valuesFile != null) {
        delete(valuesFile);
      }
    }
  }

  private static StoredRelease readBack(KubernetesClient client, String namespace, String release) {
    StoredRelease after =
        HelmReleaseHistory.latest(client, namespace, release)
            .orElseThrow(() -> new IllegalStateException("Helm reported success but release " + release + " has no record"));
    if (!after.status().equals("deployed")) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Helm release " + namespace + "/" + release + " revision " + after.revision() + " is " + after.status(),
          FailureTypes.HELM_RELEASE_FAILED);
    }
    return after;
  }

  private static RuntimeException classify(HelmException e, String what) {
    String message = "helm " + what + ": " + e.getMessage();
    if (e.transientFailure()) {
      // Retried by the activity's policy: the API server or the registry may answer next time.
      return new IllegalStateException(message, e);
    }
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.HELM_RELEASE_FAILED);
  }

  /** Whether every {@code --set} value (dotted keys) is already in the release's values. */
  static boolean contains(Map<String, Object> config, Map<String, String> wanted) {
    for (Map.Entry<String, String> entry : wanted.entrySet()) {
      Object node = config;
      for (String part : entry.getKey().split("\\.")) {
        node = node instanceof Map<?, ?> map ? map.get(part) : null;
      }
      if (node == null || !node.toString().equals(entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  private Path valuesFile(Map<String, Object> values) {
    try {
      Files.createDirectories(workDirectory);
      Path file = Files.createTempFile(workDirectory, "values-", ".json");
      // JSON is YAML, which is what Helm reads.
      Files.write(file, JSON.writeValueAsBytes(values));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", file, e.getMessage());
    }
  }

  /** Chart versions are the same with or without a leading v. */
  private static boolean sameVersion(String a, String b) {
    return a != null && b != null && a.replaceFirst("^v", "").equals(b.replaceFirst("^v", ""));
  }
}
