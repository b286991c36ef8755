package io.eksupgrader.activities.compatibility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes API versions that were deprecated and then removed, read from a data file with
 * its sources ({@code compatibility/deprecated-apis.yaml}), and what a use of one means for an
 * upgrade path.
 *
 * <p>The rule, for an API found in use on the path from the current minor through the minors the
 * control plane passes: removed at or before a minor of the path is a blocker for the first such
 * minor (already removed means the first minor of the path, since the manifest or client that uses
 * it breaks on every later one too); deprecated by the target but still served through it is a
 * warning; deprecated only after the target is worth knowing. Pure: the same table and inputs give
 * the same answer.
 */
public final class DeprecatedApiTable {

  /**
   * One deprecated API version of one kind.
   *
   * @param apiVersion as a manifest names it, e.g. {@code apps/v1beta1}
   * @param resource the plural, as the API server and its metrics name it
   * @param deprecatedIn null when unknown (a metric's API that the table lacks)
   * @param removedIn the first minor that no longer serves it; null when no removal is planned
   * @param replacement the apiVersion of the same kind to move to; null when there is none
   * @param scanObjects whether pre-flight lists the kind's objects to read how they were applied
   */
  public record DeprecatedApi(
      String apiVersion,
      String kind,
      String resource,
      boolean namespaced,
      KubernetesVersion deprecatedIn,
      KubernetesVersion removedIn,
      String replacement,
      KubernetesVersion replacementSince,
      boolean scanObjects) {

    /** The API group; empty for the core group. */
    public String group() {
      int slash = apiVersion.indexOf('/');
      return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    public String version() {
      int slash = apiVersion.indexOf('/');
      return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    }

    /** E.g. {@code apps/v1beta1 Deployment}; the resource when the kind is unknown. */
    public String display() {
      return apiVersion + " " + (kind != null ? kind : resource);
    }
  }

  /**
   * What a use of an API means for the path.
   *
   * @param minor the minor it breaks at (blockers), else null
   * @param alreadyRemoved the current minor does not serve it either
   */
  public record Verdict(Severity severity, KubernetesVersion minor, boolean alreadyRemoved) {}

  private final String source;
  private final List<DeprecatedApi> apis;

  private DeprecatedApiTable(String source, List<DeprecatedApi> apis) {
    this.source = source;
    this.apis = apis;
  }

  public static DeprecatedApiTable load() {
    String resource = "/compatibility/deprecated-apis.yaml";
    try (InputStream in = DeprecatedApiTable.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the deprecated-API table " + resource + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DeprecatedApiTable parse(String yaml) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("the deprecated-API table is not valid YAML: " + e.getMessage(), e);
    }
    List<DeprecatedApi> apis = new ArrayList<>();
    for (JsonNode row : root.path("apis")) {
      apis.add(
          new DeprecatedApi(
              required(row, "apiVersion"),
              required(row, "kind"),
              required(row, "resource"),
              row.path("namespaced").asBoolean(),
              KubernetesVersion.parse(required(row, "deprecatedIn")),
              KubernetesVersion.parse(required(row, "removedIn")),
              row.hasNonNull("replacement") ? row.path("replacement").asText() : null,
              row.hasNonNull("replacementSince") ? KubernetesVersion.parse(row.path("replacementSince").asText()) : null,
              row.path("scanObjects").asBoolean(true)));
    }
    return new DeprecatedApiTable(root.path("source").asText(), List.copyOf(apis));
  }

  private static String required(JsonNode row, String key) {
    if (!row.hasNonNull(key)) {
      throw new IllegalArgumentException("a row of the deprecated-API table has no " + key + ": " + row);
    }
    return row.path(key).asText();
  }

  public String source() {
    return source;
  }

  public List<DeprecatedApi> apis() {
    return apis;
  }

  /** The row of a kind at an apiVersion, as a manifest names them. */
  public Optional<DeprecatedApi> byKind(String apiVersion, String kind) {
    return apis.stream().filter(a -> a.apiVersion().equals(apiVersion) && a.kind().equals(kind)).findFirst();
  }

  /** The row of a resource, as the API server's metric names it. */
  public Optional<DeprecatedApi> byResource(String group, String version, String resource) {
    return apis.stream()
        .filter(a -> a.group().equals(group) && a.version().equals(version) && a.resource().equals(resource))
        .findFirst();
  }

  /**
   * The rows that matter on the path even when nothing uses them: served at the current minor and
   * deprecated by the target. Rows served on no minor of the path are left out.
   */
  public List<DeprecatedApi> onPath(KubernetesVersion current, KubernetesVersion target) {
    return apis.stream()
        .filter(a -> a.removedIn().isAfter(current) && !a.deprecatedIn().isAfter(target))
        .toList();
  }

  /**
   * What a use of an API means on the path.
   *
   * @param minors the minors the control plane passes, in order, after {@code current}
   */
  public static Verdict verdict(
      KubernetesVersion deprecatedIn,
      KubernetesVersion removedIn,
      KubernetesVersion current,
      List<KubernetesVersion> minors) {
    KubernetesVersion target = minors.isEmpty() ? current : minors.get(minors.size() - 1);
    if (removedIn != null) {
      if (!removedIn.isAfter(current)) {
        return new Verdict(Severity.BLOCKER, minors.isEmpty() ? current : minors.get(0), true);
      }
      for (KubernetesVersion minor : minors) {
        if (!removedIn.isAfter(minor)) {
          return new Verdict(Severity.BLOCKER, minor, false);
        }
      }
    }
    if (deprecatedIn == null || !deprecatedIn.isAfter(target)) {
      return new Verdict(Severity.WARNING, null, false);
    }
    return new Verdict(Severity.INFO, null, false);
  }
}
