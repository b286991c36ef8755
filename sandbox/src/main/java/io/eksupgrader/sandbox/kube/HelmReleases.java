package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Helm 3 release records, as Helm's Secret storage driver writes them, for the releases a scenario
 * says were installed with Helm before the sandbox started. A later {@code helm upgrade} (the real
 * Helm, through the worker) reads them like its own: the Secret {@code sh.helm.release.v1.<release>.v<revision>}
 * of type {@code helm.sh/release.v1}, labelled {@code owner=helm, name, status, version}, whose
 * {@code release} key holds base64(gzip(the release as JSON)).
 *
 * <p>The manifest should be what the chart of that version renders, so that Helm's three-way merge
 * on upgrade starts from what is really there.
 */
public final class HelmReleases {

  public static final String SECRET_TYPE = "helm.sh/release.v1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private HelmReleases() {}

  /** Ownership metadata Helm requires on every object a release owns. */
  public static Map<String, String> ownershipLabels() {
    return Map.of("app.kubernetes.io/managed-by", "Helm");
  }

  /** Ownership annotations Helm requires on every object a release owns. */
  public static Map<String, String> ownershipAnnotations(String release, String namespace) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("meta.helm.sh/release-name", release);
    annotations.put("meta.helm.sh/release-namespace", namespace);
    return annotations;
  }

  /**
   * The storage Secret of one revision of a release.
   *
   * @param status deployed, superseded, failed, …
   * @param values the user-supplied values of that revision (what {@code helm get values} shows)
   * @param manifest the rendered YAML documents of the release
   */
  public static Secret releaseSecret(
      String release,
      String namespace,
      int revision,
      String chartName,
      String chartVersion,
      String appVersion,
      Map<String, Object> values,
      String manifest,
      String status,
      Instant deployedAt) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("first_deployed", deployedAt.toString());
    info.put("last_deployed", deployedAt.toString());
    info.put("deleted", "");
    info.put("description", revision == 1 ? "Install complete" : "Upgrade complete");
    info.put("status", status);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", chartName);
    metadata.put("version", chartVersion);
    metadata.put("appVersion", appVersion);
    metadata.put("apiVersion", "v2");
    metadata.put("type", "application");
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("metadata", metadata);
    chart.put("templates", List.of());
    chart.put("values", Map.of());
    chart.put("files", List.of());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", release);
    body.put("info", info);
    body.put("chart", chart);
    body.put("config", values == null ? Map.of() : values);
    body.put("manifest", manifest);
    body.put("version", revision);
    body.put("namespace", namespace);
    String encoded;
    try {
      encoded = Base64.getEncoder().encodeToString(gzip(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("name", release);
    labels.put("owner", "helm");
    labels.put("status", status);
    labels.put("version", String.valueOf(revision));
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName("sh.helm.release.v1." + release + ".v" + revision)
                .withNamespace(namespace)
                .withLabels(labels)
                .build())
        .withType(SECRET_TYPE)
        // The API carries data base64-encoded; Helm's own value is base64 already.
        .withData(
            Map.of(
                "release",
                Base64.getEncoder().encodeToString(encoded.getBytes(StandardCharsets.US_ASCII))))
        .build();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(data);
    }
    return out.toByteArray();
  }
}
