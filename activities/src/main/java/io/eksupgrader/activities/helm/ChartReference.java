package io.eksupgrader.activities.helm;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where one chart version comes from, as an upgrade spec names its source: an OCI registry
 * ({@code oci://public.ecr.aws/karpenter}: the chart is {@code <source>/<chart>} at {@code
 * --version}), a chart repository ({@code https://…}: the chart is {@code <chart>} in it at {@code
 * --version}), or a local directory that holds one folder or package per chart version, named
 * {@code <chart>-<version>} as {@code helm package} names them.
 *
 * @param local the chart's folder or {@code .tgz} for a local source, else null
 * @param remote the OCI reference of the chart, or the chart's name in {@code repository}, else null
 * @param repository the chart repository's URL, else null
 */
public record ChartReference(String chart, String version, Path local, String remote, URI repository) {

  public static ChartReference resolve(String source, String chart, String version) {
    if (source.startsWith("oci://")) {
      return new ChartReference(chart, version, null, source.replaceAll("/+$", "") + "/" + chart, null);
    }
    if (source.startsWith("https://") || source.startsWith("http://")) {
      return new ChartReference(chart, version, null, chart, URI.create(source));
    }
    Path dir = Path.of(source.startsWith("file://") ? URI.create(source).getPath() : source);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "chart source " + source + " is neither oci://, https:// nor a directory on the worker");
    }
    Path folder = dir.resolve(chart + "-" + version);
    if (Files.isRegularFile(folder.resolve("Chart.yaml"))) {
      return new ChartReference(chart, version, folder, null, null);
    }
    Path packaged = dir.resolve(chart + "-" + version + ".tgz");
    if (Files.isRegularFile(packaged)) {
      return new ChartReference(chart, version, packaged, null, null);
    }
    List<String> there = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(chart + "-")).sorted().forEach(there::add);
    } catch (java.io.IOException e) {
      // The listing only helps the message.
    }
    throw new IllegalArgumentException(
        "chart "
            + chart
            + " "
            + version
            + " is not in "
            + dir
            + " (expected a folder or package named "
            + chart
            + "-"
            + version
            + "; found "
            + (there.isEmpty() ? "no version of " + chart : String.join(", ", there))
            + ")");
  }

  @Override
  public String toString() {
    if (local != null) {
      return local.toString();
    }
    return (repository != null ? repository + " " : "") + remote + " " + version;
  }
}
