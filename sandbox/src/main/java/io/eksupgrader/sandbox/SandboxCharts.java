package io.eksupgrader.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's own Helm charts for Karpenter and Istio, written for the sandbox (not copies of
 * the projects' charts): they render exactly the objects the sandbox's starting world holds, so
 * that the real Helm can upgrade, roll back and uninstall them against a sandbox cluster.
 *
 * <p>Each chart has one template source under {@code charts/<chart>/} on the class path; its
 * versions differ only in Chart.yaml's {@code version} and {@code appVersion} (and, for {@code
 * karpenter-crd}, in what the templates derive from the version). {@link #materialize} writes a
 * local chart folder with one directory per chart and version, {@code <chart>-<version>}.
 */
public final class SandboxCharts {

  public static final List<String> KARPENTER_VERSIONS = List.of("1.0.2", "1.1.4", "1.6.3");
  public static final List<String> ISTIO_VERSIONS = List.of("1.26.2", "1.27.0", "1.28.3");

  /** Each chart's files, relative to its directory (class-path folders cannot be listed). */
  private static final Map<String, List<String>> FILES =
      Map.of(
          "karpenter-crd",
              List.of(
                  "Chart.yaml",
                  "values.yaml",
                  "templates/_crd.tpl",
                  "templates/ec2nodeclasses.yaml",
                  "templates/nodeclaims.yaml",
                  "templates/nodepools.yaml"),
          "karpenter", List.of("Chart.yaml", "values.yaml", "templates/deployment.yaml"),
          "base", List.of("Chart.yaml", "values.yaml", "templates/crds.yaml"),
          "istiod",
              List.of(
                  "Chart.yaml",
                  "values.yaml",
                  "templates/_helpers.tpl",
                  "templates/service.yaml",
                  "templates/deployment.yaml",
                  "templates/mutatingwebhook.yaml"),
          "gateway",
              List.of("Chart.yaml", "values.yaml", "templates/service.yaml", "templates/deployment.yaml"));

  private SandboxCharts() {}

  /** The chart names, Karpenter's first. */
  public static List<String> charts() {
    return List.of("karpenter-crd", "karpenter", "base", "istiod", "gateway");
  }

  /** The versions the sandbox ships of a chart. */
  public static List<String> versions(String chart) {
    return chart.startsWith("karpenter") ? KARPENTER_VERSIONS : ISTIO_VERSIONS;
  }

  /** Where {@link #materialize} put one chart version: {@code dir/<chart>-<version>}. */
  public static Path chart(Path dir, String chart, String version) {
    return dir.resolve(chart + "-" + version);
  }

  /**
   * Writes every chart in every version the sandbox ships into {@code dir} (created if absent):
   * {@code karpenter-crd-1.0.2/}, …, {@code gateway-1.28.3/}, each a chart Helm installs from its
   * path. Existing files are overwritten.
   *
   * @return the chart directories written
   */
  public static List<Path> materialize(Path dir) {
    List<Path> written = new ArrayList<>();
    for (String chart : charts()) {
      for (String version : versions(chart)) {
        Path target = chart(dir, chart, version);
        for (String file : FILES.get(chart)) {
          String text = resource("charts/" + chart + "/" + file);
          if (file.equals("Chart.yaml")) {
            text = withVersion(text, version);
          }
          write(target.resolve(file), text);
        }
        written.add(target);
      }
    }
    return written;
  }

  /** Chart.yaml with {@code version} and {@code appVersion} set to one release. */
  static String withVersion(String chartYaml, String version) {
    return chartYaml
        .replaceAll("(?m)^version: .*$", "version: " + version)
        .replaceAll("(?m)^appVersion: .*$", "appVersion: \"" + version + "\"");
  }

  private static String resource(String path) {
    try (InputStream in = SandboxCharts.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the sandbox's chart file " + path + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart file " + file, e);
    }
  }
}
