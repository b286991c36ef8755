package io.eksupgrader.activities.compatibility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.eksupgrader.workflows.model.ComponentTarget;
import io.eksupgrader.workflows.model.KubernetesVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which Kubernetes minors each release of a cluster component supports, read from a data file
 * with its sources ({@code compatibility/karpenter.yaml}, {@code compatibility/istio.yaml}), and
 * where the component must go for an upgrade.
 *
 * <p>Everything runs before the control plane moves, so every version on a component's path runs
 * on the current minor too: a version qualifies only when it supports every minor from the current
 * one to the target. Karpenter moves in one step to the lowest such release; Istio moves one minor
 * at a time (canary revisions), so its path is every minor after the installed one up to the lowest
 * that supports the target. Pure: the same table and inputs give the same answer.
 */
public final class CompatibilityTable {

  /** One minor of the component. {@code version} is null when the table names no release to move to. */
  record Release(
      String minor,
      KubernetesVersion min,
      KubernetesVersion max,
      Map<KubernetesVersion, String> requires,
      String version) {

    boolean supports(String installed, KubernetesVersion kubernetes) {
      if (kubernetes.compareTo(min) < 0 || kubernetes.compareTo(max) > 0) {
        return false;
      }
      String needed = requires.get(kubernetes);
      return needed == null || ComponentVersions.compare(installed, needed) >= 0;
    }
  }

  private final String component;
  private final String source;
  private final List<Release> releases;

  private CompatibilityTable(String component, String source, List<Release> releases) {
    this.component = component;
    this.source = source;
    this.releases = releases;
  }

  public static CompatibilityTable karpenter() {
    return load("Karpenter", "/compatibility/karpenter.yaml");
  }

  public static CompatibilityTable istio() {
    return load("Istio", "/compatibility/istio.yaml");
  }

  private static CompatibilityTable load(String component, String resource) {
    try (InputStream in = CompatibilityTable.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the compatibility table " + resource + " is missing from the classpath");
      }
      return parse(component, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CompatibilityTable parse(String component, String yaml) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("the " + component + " compatibility table is not valid YAML: " + e.getMessage(), e);
    }
    List<Release> releases = new ArrayList<>();
    for (JsonNode row : root.path("releases")) {
      Map<KubernetesVersion, String> requires = new LinkedHashMap<>();
      row.path("requires").fields().forEachRemaining(e -> requires.put(KubernetesVersion.parse(e.getKey()), e.getValue().asText()));
      releases.add(
          new Release(
              row.path("minor").asText(),
              KubernetesVersion.parse(row.path("kubernetes").path("min").asText()),
              KubernetesVersion.parse(row.path("kubernetes").path("max").asText()),
              requires,
              row.hasNonNull("version") ? row.path("version").asText() : null));
    }
    releases.sort(Comparator.comparing(Release::minor, ComponentVersions::compare));
    return new CompatibilityTable(component, root.path("source").asText(), List.copyOf(releases));
  }

  public String source() {
    return source;
  }

  /** Whether a release of the component supports a Kubernetes minor; unknown releases do not. */
  public boolean supports(String version, KubernetesVersion kubernetes) {
    Release row = rowOf(version);
    return row != null && row.supports(version, kubernetes);
  }

  private Release rowOf(String version) {
    String minor = ComponentVersions.minorOf(version);
    return releases.stream().filter(r -> r.minor().equals(minor)).findFirst().orElse(null);
  }

  private static List<KubernetesVersion> path(KubernetesVersion current, KubernetesVersion target) {
    List<KubernetesVersion> minors = new ArrayList<>();
    for (KubernetesVersion v = current; !v.isAfter(target); v = v.nextMinor()) {
      minors.add(v);
    }
    return minors;
  }

  private List<KubernetesVersion> unsupported(String version, List<KubernetesVersion> minors) {
    return minors.stream().filter(k -> !supports(version, k)).toList();
  }

  private static String minors(List<KubernetesVersion> minors) {
    return minors.stream().map(KubernetesVersion::toString).collect(Collectors.joining(", "));
  }

  private String range(Release row) {
    return row.min() + "–" + row.max();
  }

  /**
   * Karpenter's target: the pinned version, or the lowest release of the table, not older than the
   * installed one, that supports every minor from {@code current} to {@code target}.
   */
  public ComponentTarget karpenterTarget(
      String installed, KubernetesVersion current, KubernetesVersion target, String pinned) {
    List<KubernetesVersion> minors = path(current, target);
    List<String> blockers = new ArrayList<>();
    if (ComponentVersions.compare(installed, "1.0.0") < 0) {
      blockers.add(
          "Karpenter "
              + installed
              + " predates v1: migrate it to 1.0 first (karpenter.sh/docs/upgrading/v1-migration), then start again");
      return new ComponentTarget(installed, List.of(), "Karpenter " + installed + " is older than 1.0", source, blockers);
    }
    List<KubernetesVersion> missing = unsupported(installed, minors);
    if (pinned != null) {
      return pinnedTarget(installed, pinned, minors, missing);
    }
    if (missing.isEmpty()) {
      return new ComponentTarget(
          installed, List.of(), component + " " + installed + " supports " + minors(minors), source, List.of());
    }
    for (Release row : releases) {
      if (row.version() == null || ComponentVersions.compare(row.version(), installed) < 0) {
        continue;
      }
      if (minors.stream().allMatch(k -> row.supports(row.version(), k))) {
        return new ComponentTarget(
            installed,
            List.of(row.version()),
            component + " " + installed + " does not support " + minors(missing) + "; " + row.version() + " supports " + range(row),
            source,
            List.of());
      }
    }
    blockers.add(
        "no "
            + component
            + " release in the compatibility table supports every minor from "
            + current
            + " to "
            + target
            + ": pin one in the upgrade spec, or upgrade "
            + component
            + " in steps");
    return new ComponentTarget(installed, List.of(), component + " " + installed + " does not support " + minors(missing), source, blockers);
  }

  private ComponentTarget pinnedTarget(
      String installed, String pinned, List<KubernetesVersion> minors, List<KubernetesVersion> missing) {
    List<String> blockers = new ArrayList<>();
    if (ComponentVersions.compare(pinned, installed) < 0) {
      blockers.add(component + " " + pinned + " is older than the installed " + installed + ": pin a newer version or none");
    }
    List<KubernetesVersion> pinnedMissing = unsupported(pinned, minors);
    if (!pinnedMissing.isEmpty()) {
      Release row = rowOf(pinned);
      blockers.add(
          "the pinned "
              + component
              + " "
              + pinned
              + " does not support "
              + minors(pinnedMissing)
              + (row == null ? " (it is not in the compatibility table)" : " (it supports " + range(row) + ")")
              + ": pin a version that supports every minor from the current one to the target, or none");
    }
    List<String> versions = ComponentVersions.compare(pinned, installed) == 0 ? List.of() : List.of(pinned);
    String reason =
        missing.isEmpty()
            ? component + " " + installed + " supports " + minors(minors) + "; the spec pins " + pinned
            : component + " " + installed + " does not support " + minors(missing) + "; the spec pins " + pinned;
    return new ComponentTarget(installed, versions, reason, source, blockers);
  }

  /**
   * Istio's target: one version per minor after the installed one, up to the lowest minor that
   * supports the target (or the pinned version's minor); each must also support the current minor,
   * since the mesh runs on it before the control plane moves.
   */
  public ComponentTarget istioTarget(
      String installed, KubernetesVersion current, KubernetesVersion target, String pinned) {
    List<KubernetesVersion> minors = path(current, target);
    List<KubernetesVersion> missing = unsupported(installed, minors);
    List<String> blockers = new ArrayList<>();
    if (pinned == null && missing.isEmpty()) {
      return new ComponentTarget(
          installed, List.of(), component + " " + installed + " supports " + minors(minors), source, List.of());
    }
    String installedMinor = ComponentVersions.minorOf(installed);
    String finalMinor;
    if (pinned != null) {
      finalMinor = ComponentVersions.minorOf(pinned);
      if (ComponentVersions.compare(pinned, installed) < 0) {
        blockers.add(component + " " + pinned + " is older than the installed " + installed + ": pin a newer version or none");
      }
    } else {
      finalMinor =
          releases.stream()
              .filter(r -> ComponentVersions.compare(r.minor(), installedMinor) > 0 && r.supports(r.minor(), target))
              .map(Release::minor)
              .findFirst()
              .orElse(null);
      if (finalMinor == null) {
        blockers.add(
            "no " + component + " release in the compatibility table supports " + target + ": pin one in the upgrade spec");
        return new ComponentTarget(installed, List.of(), component + " " + installed + " does not support " + minors(missing), source, blockers);
      }
    }
    List<String> versions = new ArrayList<>();
    for (Release row : releases) {
      int toInstalled = ComponentVersions.compare(row.minor(), installedMinor);
      int toFinal = ComponentVersions.compare(row.minor(), finalMinor);
      if (toInstalled <= 0 || toFinal > 0) {
        continue;
      }
      String version = toFinal == 0 && pinned != null ? pinned : row.version();
      if (version == null) {
        blockers.add(
            "the compatibility table names no " + component + " " + row.minor() + " release to pass through: pin the versions in the upgrade spec");
        continue;
      }
      List<KubernetesVersion> rowMissing = unsupported(version, toFinal == 0 ? minors : List.of(current));
      if (!rowMissing.isEmpty()) {
        blockers.add(
            component
                + " "
                + version
                + " does not support "
                + minors(rowMissing)
                + " (it supports "
                + range(row)
                + "): upgrade "
                + component
                + " and the control plane in steps");
      }
      versions.add(version);
    }
    if (pinned != null && rowOf(pinned) == null) {
      blockers.add("the pinned " + component + " " + pinned + " is not in the compatibility table");
    }
    if (pinned != null && ComponentVersions.compare(ComponentVersions.minorOf(pinned), installedMinor) == 0) {
      blockers.add(
          "the pinned " + component + " " + pinned + " is a patch of the installed minor " + installedMinor
              + ": canary revisions move one minor at a time; upgrade patches in place, or pin a later minor");
    }
    String reason =
        component
            + " "
            + installed
            + (missing.isEmpty() ? " supports " + minors(minors) : " does not support " + minors(missing))
            + "; "
            + (versions.isEmpty() ? "nothing to move to" : "through " + String.join(" → ", versions));
    return new ComponentTarget(installed, versions, reason, source, blockers);
  }
}
