package io.eksupgrader.activities.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Reads Helm 3's own records of its releases: the Secrets {@code sh.helm.release.v1.<name>.v<N>} of
 * type {@code helm.sh/release.v1}, labelled {@code owner=helm}, whose {@code release} key holds
 * base64 of the gzipped release JSON. Reading them needs no Helm and changes nothing, so every Helm
 * activity observes a release this way before it acts.
 */
public final class HelmReleaseHistory {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TYPE = "helm.sh/release.v1";

  private HelmReleaseHistory() {}

  /** Every revision of a release, oldest first; empty when it does not exist. */
  public static List<StoredRelease> history(KubernetesClient client, String namespace, String release) {
    List<StoredRelease> revisions = new ArrayList<>();
    for (Secret secret :
        client.secrets().inNamespace(namespace).withLabel("owner", "helm").withLabel("name", release).list().getItems()) {
      if (TYPE.equals(secret.getType())) {
        revisions.add(decode(secret));
      }
    }
    revisions.sort(Comparator.comparingInt(StoredRelease::revision));
    return revisions;
  }

  /** The newest revision of a release, whatever its status. */
  public static Optional<StoredRelease> latest(KubernetesClient client, String namespace, String release) {
    List<StoredRelease> revisions = history(client, namespace, release);
    return revisions.isEmpty() ? Optional.empty() : Optional.of(revisions.get(revisions.size() - 1));
  }

  /** One revision of a release. */
  public static Optional<StoredRelease> revision(KubernetesClient client, String namespace, String release, int revision) {
    return history(client, namespace, release).stream().filter(r -> r.revision() == revision).findFirst();
  }

  /** The newest revision of every release in a namespace (all namespaces when null). */
  public static List<StoredRelease> releases(KubernetesClient client, String namespace) {
    List<Secret> secrets =
        namespace == null
            ? client.secrets().inAnyNamespace().withLabel("owner", "helm").list().getItems()
            : client.secrets().inNamespace(namespace).withLabel("owner", "helm").list().getItems();
    Map<String, StoredRelease> newest = new LinkedHashMap<>();
    for (Secret secret : secrets) {
      if (!TYPE.equals(secret.getType())) {
        continue;
      }
      StoredRelease release = decode(secret);
      String key = release.namespace() + "/" + release.name();
      StoredRelease known = newest.get(key);
      if (known == null || known.revision() < release.revision()) {
        newest.put(key, release);
      }
    }
    return List.copyOf(newest.values());
  }

  @SuppressWarnings("unchecked")
  static StoredRelease decode(Secret secret) {
    String data = secret.getData() == null ? null : secret.getData().get("release");
    if (data == null) {
      throw new IllegalStateException("Helm release Secret " + secret.getMetadata().getName() + " has no release data");
    }
    // The API base64-encodes Secret data; Helm's value inside is base64 of gzip again.
    byte[] helmValue = Base64.getDecoder().decode(data);
    byte[] payload = Base64.getDecoder().decode(new String(helmValue, java.nio.charset.StandardCharsets.US_ASCII).trim());
    try {
      if (payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
          payload = in.readAllBytes();
        }
      }
      JsonNode release = JSON.readTree(payload);
      JsonNode metadata = release.path("chart").path("metadata");
      Map<String, Object> config =
          release.path("config").isObject() ? JSON.convertValue(release.path("config"), Map.class) : Map.of();
      return new StoredRelease(
          release.path("name").asText(),
          release.path("namespace").asText(secret.getMetadata().getNamespace()),
          release.path("version").asInt(),
          release.path("info").path("status").asText(),
          metadata.path("name").asText(null),
          metadata.path("version").asText(null),
          metadata.path("appVersion").asText(null),
          config,
          release.path("manifest").asText(null));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read Helm release Secret " + secret.getMetadata().getName() + ": " + e.getMessage(), e);
    }
  }
}
