package io.eksupgrader.cli;

import io.eksupgrader.workflows.upgrade.UpgradeSearchAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which upgrades {@code list} shows: as a Temporal visibility query on the upgrade's search
 * attributes, and as the same test on one listed upgrade for a server without visibility queries
 * (the test server of {@code dev}) and for what a query cannot say (a cluster name without its
 * region: {@code EksCluster} holds {@code region/name}).
 *
 * @param phases {@code EksUpgradePhase} is one of these (a step id such as {@code
 *     control-plane-1.33}, or the outcome once ended: {@code succeeded}, {@code rejected}, ...);
 *     empty: any
 * @param awaiting null: no condition; {@link Awaiting#any()}: waits for a human
 * @param region null: any
 * @param cluster the cluster's name; null: any
 * @param targetVersion null: any
 */
record UpgradeFilter(Openness openness, List<String> phases, Awaiting awaiting, String region, String cluster, String targetVersion) {

  static final String WORKFLOW_TYPE = "ClusterUpgrade";

  enum Openness {
    OPEN,
    CLOSED,
    ALL
  }

  /**
   * A condition on {@code EksAwaitingGate}: set at all, equal to a gate, or starting with a gate
   * type's prefix.
   */
  record Awaiting(String equalTo, String prefix) {

    /**
     * Gate types and the prefix their gates' names share; a failed step waiting for a decision
     * shows as {@code decide:<step>}.
     */
    static final java.util.Map<String, String> TYPES =
        java.util.Map.of(
            "control-plane", "control-plane-",
            "istio", "istio-",
            "teardown", "teardown-",
            "delete-asg", "delete-asg-",
            "decide", "decide:");

    static Awaiting any() {
      return new Awaiting(null, null);
    }

    /**
     * "" or "any": any gate or decision; a type ({@link #TYPES}) or a name ending in {@code *}: by
     * prefix; anything else: exactly that gate.
     */
    static Awaiting parse(String value) {
      String v = value == null ? "" : value.trim();
      if (v.isEmpty() || v.equals("any") || v.equals("*")) {
        return any();
      }
      if (TYPES.containsKey(v)) {
        return new Awaiting(null, TYPES.get(v));
      }
      if (v.endsWith("*")) {
        return new Awaiting(null, v.substring(0, v.length() - 1));
      }
      return new Awaiting(v, null);
    }

    boolean isAny() {
      return equalTo == null && prefix == null;
    }

    boolean matches(String gate) {
      if (gate == null || gate.isEmpty()) {
        return false;
      }
      return equalTo != null ? gate.equals(equalTo) : prefix == null || gate.startsWith(prefix);
    }
  }

  UpgradeFilter {
    phases = phases == null ? List.of() : List.copyOf(phases);
    for (String value : values(phases, awaiting, region, cluster, targetVersion)) {
      if (value.isBlank() || value.chars().anyMatch(Character::isISOControl)) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "list: filter value '" + value + "' is empty or holds control characters");
      }
    }
  }

  private static List<String> values(List<String> phases, Awaiting awaiting, String... more) {
    List<String> all = new ArrayList<>(phases);
    if (awaiting != null && awaiting.equalTo() != null) {
      all.add(awaiting.equalTo());
    }
    if (awaiting != null && awaiting.prefix() != null) {
      all.add(awaiting.prefix());
    }
    for (String m : more) {
      if (m != null) {
        all.add(m);
      }
    }
    return all;
  }

  /** The visibility query, every value quoted. */
  String query() {
    List<String> terms = new ArrayList<>();
    terms.add("WorkflowType = " + quote(WORKFLOW_TYPE));
    switch (openness) {
      case OPEN -> terms.add("ExecutionStatus = 'Running'");
      case CLOSED -> terms.add("ExecutionStatus != 'Running'");
      case ALL -> {}
    }
    String phase = UpgradeSearchAttributes.PHASE.getName();
    if (phases.size() == 1) {
      terms.add(phase + " = " + quote(phases.get(0)));
    } else if (phases.size() > 1) {
      terms.add(phase + " IN (" + String.join(", ", phases.stream().map(UpgradeFilter::quote).toList()) + ")");
    }
    if (awaiting != null) {
      String gate = UpgradeSearchAttributes.AWAITING_GATE.getName();
      if (awaiting.equalTo() != null) {
        terms.add(gate + " = " + quote(awaiting.equalTo()));
      } else if (awaiting.prefix() != null) {
        terms.add(gate + " STARTS_WITH " + quote(awaiting.prefix()));
      } else {
        terms.add(gate + " IS NOT NULL");
      }
    }
    String clusterKey = UpgradeSearchAttributes.CLUSTER.getName();
    if (region != null && cluster != null) {
      terms.add(clusterKey + " = " + quote(region + "/" + cluster));
    } else if (region != null) {
      // EksCluster is "region/name": the region is its prefix.
      terms.add(clusterKey + " STARTS_WITH " + quote(region + "/"));
    }
    if (targetVersion != null) {
      terms.add(UpgradeSearchAttributes.TARGET_VERSION.getName() + " = " + quote(targetVersion));
    }
    return String.join(" AND ", terms);
  }

  /**
   * A string literal of the visibility query language: in single quotes, with backslashes and
   * single quotes escaped by a backslash, so no value can end the literal early.
   */
  static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The same conditions as {@link #query()}, on one listed upgrade. */
  boolean matches(UpgradeRow row) {
    boolean running = "RUNNING".equals(row.status());
    if ((openness == Openness.OPEN && !running) || (openness == Openness.CLOSED && running)) {
      return false;
    }
    if (!phases.isEmpty() && !phases.contains(row.phase())) {
      return false;
    }
    if (awaiting != null && !awaiting.matches(row.awaitingGate())) {
      return false;
    }
    String c = row.cluster() == null ? "" : row.cluster();
    if (region != null && !c.startsWith(region + "/")) {
      return false;
    }
    if (cluster != null && !c.endsWith("/" + cluster)) {
      return false;
    }
    return targetVersion == null || targetVersion.equals(row.targetVersion());
  }

  /** Names of the filters used, for a JSON answer. */
  Set<String> used() {
    Set<String> used = new java.util.TreeSet<>();
    used.add(openness.name().toLowerCase(Locale.ROOT));
    if (!phases.isEmpty()) {
      used.add("phase");
    }
    if (awaiting != null) {
      used.add("awaiting");
    }
    if (region != null) {
      used.add("region");
    }
    if (cluster != null) {
      used.add("cluster");
    }
    if (targetVersion != null) {
      used.add("target");
    }
    return used;
  }
}
