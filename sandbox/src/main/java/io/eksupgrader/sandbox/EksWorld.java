package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.OfferedVersionSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EKS clusters of a sandbox run and their updates. An update's end is fixed when it is made
 * (creation + the scenario's simulated duration), and each request first settles whatever has
 * ended by the simulated now; so state advances exactly with the clock, without timers. All
 * methods hold the world's lock, which keeps check-then-act sequences (is an update running? then
 * make one) atomic across concurrent requests.
 */
final class EksWorld {

  static final String ACCOUNT_ID = "123456789012";

  private static final Pattern VERSION = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})");

  private final Scenario scenario;
  private final SimulatedClock clock;
  private final Map<String, SimCluster> clusters = new LinkedHashMap<>();
  private long updatesMade;

  EksWorld(Scenario scenario, SimulatedClock clock) {
    this.scenario = scenario;
    this.clock = clock;
    Instant createdAt = clock.start().minus(Duration.ofDays(400));
    for (ClusterSpec spec : scenario.clusters()) {
      clusters.put(key(spec.region(), spec.name()), new SimCluster(spec, createdAt));
    }
  }

  record ClusterView(
      String name,
      String region,
      String arn,
      Instant createdAt,
      String version,
      String platformVersion,
      String status,
      String roleArn,
      String endpoint,
      String certificateAuthorityData) {}

  record UpdateParam(String type, String value) {}

  record UpdateError(String errorCode, String errorMessage, List<String> resourceIds) {}

  record UpdateView(
      String id,
      String status,
      String type,
      List<UpdateParam> params,
      Instant createdAt,
      List<UpdateError> errors) {}

  record UpdateResult(UpdateView update, boolean replayed) {}

  /** Stops the background settling; the world answers nothing afterwards. */
  void close() {}

  synchronized ClusterView describeCluster(String region, String name) {
    SimCluster c = cluster(region, name);
    settle(c);
    return c.view();
  }

  /**
   * Connects a cluster to its Kubernetes side: DescribeCluster then reports the API server's URL
   * and CA, and the instances of the cluster's node groups launch as nodes there.
   */
  synchronized void attachNodes(String region, String cluster, ClusterNodes nodes) {
    SimCluster c = cluster(region, cluster);
    settle(c);
    c.nodes = nodes;
  }

  synchronized List<String> updateIds(String region, String name) {
    SimCluster c = cluster(region, name);
    settle(c);
    return c.updates.stream().map(u -> u.id).toList();
  }

  synchronized UpdateView describeUpdate(String region, String name, String updateId) {
    SimCluster c = cluster(region, name);
    settle(c);
    return c.updates.stream()
        .filter(u -> u.id.equals(updateId))
        .findFirst()
        .map(SimUpdate::view)
        .orElseThrow(() -> AwsError.notFound("No update found for ID: " + updateId + ".", name));
  }

  /**
   * Starts a control-plane version update, or returns the one made earlier with the same token,
   * in the order EKS checks: the token first (so that a client's retry gets its update back even
   * while it runs or after it ended), then whether the cluster is free, then the version.
   */
  synchronized UpdateResult updateClusterVersion(
      String region, String name, String version, String token) {
    SimCluster c = cluster(region, name);
    Instant now = settle(c);
    if (token != null && c.byToken.containsKey(token)) {
      SimUpdate earlier = c.byToken.get(token);
      if (!earlier.targetVersion.equals(version)) {
        throw AwsError.invalidRequest(
            "The clientRequestToken "
                + token
                + " was already used for an update to version "
                + earlier.targetVersion
                + "; it cannot be reused for version "
                + version
                + ".",
            name);
      }
      return new UpdateResult(earlier.view(), true);
    }
    Matcher target = version == null ? null : VERSION.matcher(version);
    if (target == null || !target.matches()) {
      throw AwsError.invalidParameter("Unsupported Kubernetes version: " + version + ".", name);
    }
    Optional<SimUpdate> running = c.inProgress();
    if (running.isPresent()) {
      throw AwsError.inUse(
          "Cluster "
              + name
              + " already has an update in progress: "
              + running.get().type
              + " "
              + running.get().id
              + ".",
          name);
    }
    if (!c.baseStatus.equals("ACTIVE")) {
      throw AwsError.inUse(
          "Cluster " + name + " is in " + c.baseStatus + " state; it must be ACTIVE.", name);
    }
    Duration quiet = scenario.faults().conflictAfterUpdate();
    if (c.lastEndedAt != null && now.isBefore(c.lastEndedAt.plus(quiet))) {
      // Real EKS keeps refusing for a while after an update ended, although it shows ACTIVE.
      throw AwsError.inUse(
          "Cluster " + name + " is still finishing an earlier operation; try again later.", name);
    }
    Matcher current = VERSION.matcher(c.version);
    if (!current.matches()) {
      throw new IllegalStateException("cluster " + name + " has a malformed version " + c.version);
    }
    if (c.version.equals(version)) {
      throw AwsError.invalidParameter(
          "Cluster " + name + " is already at version " + version + ".", name);
    }
    boolean nextMinor =
        target.group(1).equals(current.group(1))
            && Integer.parseInt(target.group(2)) == Integer.parseInt(current.group(2)) + 1;
    if (!nextMinor) {
      throw AwsError.invalidParameter(
          "Unsupported Kubernetes minor version update from " + c.version + " to " + version,
          name);
    }
    Optional<OfferedVersionSpec> offered = scenario.offered(version);
    if (offered.isEmpty() || offered.get().status().equals("UNSUPPORTED")) {
      throw AwsError.invalidParameter(
          "Kubernetes version " + version + " is not supported by Amazon EKS in " + region + ".",
          name);
    }
    updatesMade++;
    String id =
        UUID.nameUUIDFromBytes(
                (scenario.name() + "/" + region + "/" + name + "/" + updatesMade)
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    SimUpdate update =
        new SimUpdate(
            id,
            now,
            now.plus(scenario.durations().controlPlaneUpdate()),
            version,
            offered.get().defaultPlatformVersion(),
            scenario.faults().failUpdatesTo().contains(version));
    c.updates.add(update);
    if (token != null) {
      c.byToken.put(token, update);
    }
    return new UpdateResult(update.view(), false);
  }

  private SimCluster cluster(String region, String name) {
    SimCluster c = clusters.get(key(region, name));
    if (c == null) {
      throw AwsError.notFound("No cluster found for name: " + name + ".", name);
    }
    return c;
  }

  /** Ends the updates whose simulated duration has passed; returns the simulated now. */
  private Instant settle(SimCluster c) {
    Instant now = clock.instant();
    for (SimUpdate u : c.updates) {
      if (u.status.equals("InProgress") && !u.endsAt.isAfter(now)) {
        if (u.fails) {
          u.status = "Failed";
          u.errors.add(
              new UpdateError(
                  "Unknown",
                  "The control plane update to Kubernetes "
                      + u.targetVersion
                      + " failed (sandbox fault faults.failUpdatesTo); the cluster stays at "
                      + c.version
                      + ".",
                  List.of(c.name)));
        } else {
          u.status = "Successful";
          c.version = u.targetVersion;
          c.platformVersion = u.targetPlatformVersion;
        }
        if (c.lastEndedAt == null || u.endsAt.isAfter(c.lastEndedAt)) {
          c.lastEndedAt = u.endsAt;
        }
      }
    }
    return now;
  }

  private static String key(String region, String name) {
    return region + "/" + name;
  }

  private static final class SimCluster {
    final String name;
    final String region;
    final Instant createdAt;
    final String baseStatus;
    final String roleArn;
    String version;
    String platformVersion;
    Instant lastEndedAt;
    ClusterNodes nodes;
    final List<SimUpdate> updates = new ArrayList<>();
    final Map<String, SimUpdate> byToken = new HashMap<>();

    SimCluster(ClusterSpec spec, Instant createdAt) {
      this.name = spec.name();
      this.region = spec.region();
      this.createdAt = createdAt;
      this.baseStatus = spec.status();
      this.roleArn = spec.roleArn();
      this.version = spec.version();
      this.platformVersion = spec.platformVersion();
    }

    Optional<SimUpdate> inProgress() {
      return updates.stream().filter(u -> u.status.equals("InProgress")).findFirst();
    }

    ClusterView view() {
      String status = inProgress().isPresent() ? "UPDATING" : baseStatus;
      String id =
          UUID.nameUUIDFromBytes((region + "/" + name).getBytes(StandardCharsets.UTF_8))
              .toString()
              .replace("-", "")
              .toUpperCase();
      String ca =
          Base64.getEncoder()
              .encodeToString(
                  ("-----BEGIN CERTIFICATE-----\nsandbox placeholder for " + name
                          + "\n-----END CERTIFICATE-----\n")
                      .getBytes(StandardCharsets.UTF_8));
      return new ClusterView(
          name,
          region,
          "arn:aws:eks:" + region + ":" + ACCOUNT_ID + ":cluster/" + name,
          createdAt,
          version,
          platformVersion,
          status,
          roleArn,
          nodes != null
              ? nodes.apiServerUrl().toString()
              : "https://" + id + ".gr7." + region + ".eks.amazonaws.com",
          nodes != null ? nodes.certificateAuthorityData() : ca);
    }
  }

  private static final class SimUpdate {
    final String id;
    final String type = "VersionUpdate";
    final Instant createdAt;
    final Instant endsAt;
    final String targetVersion;
    final String targetPlatformVersion;
    final boolean fails;
    final List<UpdateError> errors = new ArrayList<>();
    String status = "InProgress";

    SimUpdate(
        String id,
        Instant createdAt,
        Instant endsAt,
        String targetVersion,
        String targetPlatformVersion,
        boolean fails) {
      this.id = id;
      this.createdAt = createdAt;
      this.endsAt = endsAt;
      this.targetVersion = targetVersion;
      this.targetPlatformVersion = targetPlatformVersion == null ? "eks.1" : targetPlatformVersion;
      this.fails = fails;
    }

    UpdateView view() {
      return new UpdateView(
          id,
          status,
          type,
          List.of(
              new UpdateParam("Version", targetVersion),
              new UpdateParam("PlatformVersion", targetPlatformVersion)),
          createdAt,
          List.copyOf(errors));
    }
  }
}
