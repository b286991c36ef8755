package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Where a component must go for an upgrade, from the compatibility table.
 *
 * @param installedVersion the version found in the cluster
 * @param versions the versions to move through, in order; empty when the installed one supports
 *     every minor on the way. Karpenter moves in one step; Istio one minor at a time
 * @param reason why: which minors the installed version does not support, and what supports them
 * @param source where the table's rows come from
 * @param blockers what makes the move impossible (a pin outside the table, no version supports
 *     both ends of the path); empty when the move can be planned
 */
public record ComponentTarget(
    String installedVersion, List<String> versions, String reason, String source, List<String> blockers) {

  public ComponentTarget {
    versions = versions == null ? List.of() : List.copyOf(versions);
    blockers = blockers == null ? List.of() : List.copyOf(blockers);
  }

  public boolean upgradeNeeded() {
    return !versions.isEmpty();
  }

  /** The last version of the path, or the installed one when none is needed. */
  public String finalVersion() {
    return versions.isEmpty() ? installedVersion : versions.get(versions.size() - 1);
  }
}
