package io.eksupgrader.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The starting world of a sandbox run: clusters, the versions EKS offers, simulated durations and
 * the faults to inject. Every duration is simulated time; {@link #timeScale()} says how many
 * simulated seconds pass per real second.
 *
 * <p>Scenarios are YAML files read strictly: an unknown key or a bad value is refused with a
 * message naming the file, the key and the value (see {@link ScenarioException}).
 *
 * @param source where the scenario came from (file name or resource), used in messages
 * @param startTime the simulated instant at which the run starts; null means the real time at
 *     which the server starts
 */
public record Scenario(
    String name,
    String source,
    double timeScale,
    Instant startTime,
    List<ClusterSpec> clusters,
    List<OfferedVersionSpec> offeredVersions,
    Durations durations,
    Faults faults) {

  public Scenario {
    clusters = List.copyOf(clusters);
    offeredVersions = List.copyOf(offeredVersions);
  }

  /** A cluster that exists when the run starts. */
  public record ClusterSpec(
      String name,
      String region,
      String version,
      String status,
      String platformVersion,
      String roleArn) {}

  /**
   * One Kubernetes version that {@code DescribeClusterVersions} reports.
   *
   * @param status STANDARD_SUPPORT, EXTENDED_SUPPORT or UNSUPPORTED
   * @param releaseDate may be null, as may the two support dates
   */
  public record OfferedVersionSpec(
      String version,
      String status,
      Instant releaseDate,
      Instant endOfStandardSupport,
      Instant endOfExtendedSupport,
      String defaultPlatformVersion,
      boolean defaultVersion) {}

  /** Simulated durations of the operations that take time. */
  public record Durations(Duration controlPlaneUpdate) {}

  /**
   * Faults to inject; random ones are drawn from a {@link java.util.Random} seeded with {@code
   * seed} so that a run repeats.
   *
   * @param throttlingRate fraction of all requests answered 429 ThrottlingException
   * @param serverErrorRate fraction of all requests answered 500 ServerException
   * @param conflictAfterUpdate how long after an update ended a new one is still refused with 409
   *     ResourceInUseException although the cluster already shows ACTIVE
   * @param failUpdatesTo versions whose control-plane updates end Failed
   */
  public record Faults(
      long seed,
      double throttlingRate,
      double serverErrorRate,
      Duration conflictAfterUpdate,
      List<String> failUpdatesTo) {

    public Faults {
      failUpdatesTo = List.copyOf(failUpdatesTo);
    }

    public static Faults none() {
      return new Faults(0, 0, 0, Duration.ZERO, List.of());
    }
  }

  public Optional<OfferedVersionSpec> offered(String version) {
    return offeredVersions.stream().filter(v -> v.version().equals(version)).findFirst();
  }

  /** Reads a scenario file. */
  public static Scenario load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a scenario from the class path, e.g. {@code "scenarios/demo.yaml"} for the one this
   * module ships.
   */
  public static Scenario fromResource(String resource) {
    String path = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader = Scenario.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new ScenarioException("no scenario resource '" + path + "' on the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario resource " + path, e);
    }
  }

  /** Parses scenario YAML; {@code sourceName} names it in error messages. */
  public static Scenario parse(String yaml, String sourceName) {
    return ScenarioParser.parse(yaml, sourceName);
  }
}
