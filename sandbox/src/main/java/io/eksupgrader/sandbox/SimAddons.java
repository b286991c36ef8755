package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.EksWorld.Issue;
import io.eksupgrader.sandbox.EksWorld.UpdateError;
import io.eksupgrader.sandbox.EksWorld.UpdateParam;
import io.eksupgrader.sandbox.EksWorld.UpdateResult;
import io.eksupgrader.sandbox.EksWorld.UpdateView;
import io.eksupgrader.sandbox.Scenario.AddonSpec;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The EKS add-ons of the sandbox's clusters: each is ACTIVE at a version; {@code UpdateAddon}
 * makes it UPDATING for {@code addonUpdate} of simulated time, then ACTIVE at the new version (or
 * DEGRADED with a health issue for the scenario's {@code degradedAddons}). As EKS: a version must
 * run on the cluster's Kubernetes version (so kube-proxy cannot move ahead of the control plane),
 * one update at a time per add-on (409), and a repeated {@code clientRequestToken} answers the same
 * update.
 */
final class SimAddons {

  static final Set<String> RESOLVE_CONFLICTS = Set.of("OVERWRITE", "NONE", "PRESERVE");

  private final Scenario scenario;
  private final SimulatedClock clock;
  /** The control plane's version now; it throws AWS's 404 for an unknown cluster. */
  private final BiFunction<String, String, String> clusterVersion;
  private final Map<String, Map<String, SimAddon>> byCluster = new HashMap<>();
  private long updatesMade;

  SimAddons(Scenario scenario, SimulatedClock clock, BiFunction<String, String, String> clusterVersion) {
    this.scenario = scenario;
    this.clock = clock;
    this.clusterVersion = clusterVersion;
    Instant installed = clock.start().minus(java.time.Duration.ofDays(30));
    for (ClusterSpec c : scenario.clusters()) {
      Map<String, SimAddon> addons = new TreeMap<>();
      for (AddonSpec a : c.addons()) {
        addons.put(a.name(), new SimAddon(a.name(), a.version(), installed));
      }
      byCluster.put(c.region() + "/" + c.name(), addons);
    }
  }

  record AddonView(
      String name,
      String cluster,
      String region,
      String version,
      String status,
      Instant createdAt,
      Instant modifiedAt,
      List<Issue> issues) {}

  synchronized List<String> names(String region, String cluster) {
    clusterVersion.apply(region, cluster);
    return List.copyOf(addons(region, cluster).keySet());
  }

  synchronized AddonView describe(String region, String cluster, String name) {
    clusterVersion.apply(region, cluster);
    SimAddon a = addon(region, cluster, name);
    settle(a);
    return a.view(cluster, region);
  }

  synchronized List<String> updateIds(String region, String cluster, String name) {
    clusterVersion.apply(region, cluster);
    SimAddon a = addon(region, cluster, name);
    settle(a);
    return a.updates.stream().map(u -> u.id).toList();
  }

  synchronized UpdateView describeUpdate(String region, String cluster, String name, String updateId) {
    clusterVersion.apply(region, cluster);
    SimAddon a = addon(region, cluster, name);
    settle(a);
    return a.updates.stream()
        .filter(u -> u.id.equals(updateId))
        .findFirst()
        .map(SimAddonUpdate::view)
        .orElseThrow(() -> AwsError.notFound("No update found for ID: " + updateId + ".", cluster));
  }

  synchronized UpdateResult update(
      String region, String cluster, String name, String version, String resolveConflicts, String token) {
    String kubernetes = clusterVersion.apply(region, cluster);
    SimAddon a = addon(region, cluster, name);
    Instant now = settle(a);
    if (token != null && a.byToken.containsKey(token)) {
      SimAddonUpdate earlier = a.byToken.get(token);
      if (!earlier.version.equals(version)) {
        throw AwsError.invalidRequest(
            "The clientRequestToken " + token + " was already used for an update of " + name + " to "
                + earlier.version + ".",
            cluster);
      }
      return new UpdateResult(earlier.view(), true);
    }
    if (resolveConflicts != null && !RESOLVE_CONFLICTS.contains(resolveConflicts)) {
      throw AwsError.invalidParameter(
          "resolveConflicts must be one of OVERWRITE, NONE, PRESERVE; found " + resolveConflicts + ".", cluster);
    }
    if (version == null) {
      throw AwsError.invalidParameter("addonVersion is required by the sandbox.", cluster);
    }
    Optional<AddonCatalog.AddonVersion> offered = AddonCatalog.version(name, version);
    if (offered.isEmpty()) {
      throw AwsError.invalidParameter("Addon version specified is not supported: " + name + " " + version + ".", cluster);
    }
    if (!offered.get().clusterVersions().contains(kubernetes)) {
      throw AwsError.invalidParameter(
          "Addon version specified is not supported for the cluster's Kubernetes version " + kubernetes + ": "
              + name + " " + version + " runs on " + String.join(", ", offered.get().clusterVersions()) + ".",
          cluster);
    }
    if (a.status.equals("UPDATING")) {
      throw AwsError.inUse("Addon " + name + " is already being updated; wait until it is ACTIVE.", cluster);
    }
    updatesMade++;
    String id =
        UUID.nameUUIDFromBytes((region + "/" + cluster + "/addon/" + name + "/" + updatesMade).getBytes(StandardCharsets.UTF_8))
            .toString();
    boolean degrades = scenario.faults().degradedAddons().contains(name);
    SimAddonUpdate u =
        new SimAddonUpdate(id, now, now.plus(scenario.durations().addonUpdate()), version,
            resolveConflicts == null ? "NONE" : resolveConflicts, degrades);
    a.updates.add(u);
    if (token != null) {
      a.byToken.put(token, u);
    }
    a.status = "UPDATING";
    a.issues.clear();
    a.modifiedAt = now;
    return new UpdateResult(u.view(), false);
  }

  /** Distinct add-on names with the versions offered for one Kubernetes version (or all). */
  List<AddonCatalog.Addon> supported(String addonName, String kubernetesVersion) {
    List<AddonCatalog.Addon> result = new ArrayList<>();
    for (AddonCatalog.Addon addon : AddonCatalog.ADDONS) {
      if (addonName != null && !addon.name().equals(addonName)) {
        continue;
      }
      List<AddonCatalog.AddonVersion> versions =
          addon.versions().stream()
              .filter(v -> kubernetesVersion == null || v.clusterVersions().contains(kubernetesVersion))
              .toList();
      if (!versions.isEmpty()) {
        result.add(new AddonCatalog.Addon(addon.name(), addon.type(), versions));
      }
    }
    return result;
  }

  private Map<String, SimAddon> addons(String region, String cluster) {
    return byCluster.computeIfAbsent(region + "/" + cluster, k -> new LinkedHashMap<>());
  }

  private SimAddon addon(String region, String cluster, String name) {
    SimAddon a = addons(region, cluster).get(name);
    if (a == null) {
      throw AwsError.notFound("No addon: " + name + " found in cluster: " + cluster, cluster);
    }
    return a;
  }

  private Instant settle(SimAddon a) {
    Instant now = clock.instant();
    for (SimAddonUpdate u : a.updates) {
      if (u.status.equals("InProgress") && !u.endsAt.isAfter(now)) {
        a.modifiedAt = u.endsAt;
        if (u.degrades) {
          u.status = "Failed";
          u.errors.add(
              new UpdateError(
                  "InsufficientNumberOfReplicas",
                  "The add-on is unhealthy because it doesn't have the desired number of replicas"
                      + " (sandbox fault faults.degradedAddons).",
                  List.of(a.name)));
          a.status = "DEGRADED";
          a.issues.add(
              new Issue(
                  "InsufficientNumberOfReplicas",
                  "The add-on is unhealthy because it doesn't have the desired number of replicas.",
                  List.of(a.name)));
          a.version = u.version;
        } else {
          u.status = "Successful";
          a.status = "ACTIVE";
          a.version = u.version;
        }
      }
    }
    return now;
  }

  private static final class SimAddon {
    final String name;
    final Instant createdAt;
    String version;
    String status = "ACTIVE";
    Instant modifiedAt;
    final List<Issue> issues = new ArrayList<>();
    final List<SimAddonUpdate> updates = new ArrayList<>();
    final Map<String, SimAddonUpdate> byToken = new HashMap<>();

    SimAddon(String name, String version, Instant createdAt) {
      this.name = name;
      this.version = version;
      this.createdAt = createdAt;
      this.modifiedAt = createdAt;
    }

    AddonView view(String cluster, String region) {
      return new AddonView(name, cluster, region, version, status, createdAt, modifiedAt, List.copyOf(issues));
    }
  }

  private static final class SimAddonUpdate {
    final String id;
    final Instant createdAt;
    final Instant endsAt;
    final String version;
    final String resolveConflicts;
    final boolean degrades;
    final List<UpdateError> errors = new ArrayList<>();
    String status = "InProgress";

    SimAddonUpdate(String id, Instant createdAt, Instant endsAt, String version, String resolveConflicts, boolean degrades) {
      this.id = id;
      this.createdAt = createdAt;
      this.endsAt = endsAt;
      this.version = version;
      this.resolveConflicts = resolveConflicts;
      this.degrades = degrades;
    }

    UpdateView view() {
      return new UpdateView(
          id,
          status,
          "AddonUpdate",
          List.of(new UpdateParam("AddonVersion", version), new UpdateParam("ResolveConflicts", resolveConflicts)),
          createdAt,
          List.copyOf(errors));
    }
  }
}
