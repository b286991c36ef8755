package io.eksupgrader.workflows.model;

import java.util.Map;

/**
 * How EKS add-ons are updated.
 *
 * @param resolveConflicts what EKS does with fields changed outside of it: PRESERVE (default),
 *     OVERWRITE or NONE
 * @param versions pinned versions by add-on name, for the target minor; every other add-on, and
 *     every intermediate minor, gets the default version EKS names for that Kubernetes version
 */
public record AddonOptions(String resolveConflicts, Map<String, String> versions) {

  public static final String DEFAULT_RESOLVE_CONFLICTS = "PRESERVE";

  public AddonOptions {
    versions = versions == null ? Map.of() : Map.copyOf(versions);
  }

  public static AddonOptions defaults() {
    return new AddonOptions(DEFAULT_RESOLVE_CONFLICTS, Map.of());
  }

  public String resolveConflictsOrDefault() {
    return resolveConflicts == null || resolveConflicts.isBlank() ? DEFAULT_RESOLVE_CONFLICTS : resolveConflicts;
  }
}
