package io.eksupgrader.workflows.model;

/**
 * What starting a control-plane update found or did.
 *
 * @param updateId the EKS update to wait for; null when the cluster already runs the target
 * @param how whether the update was started now, adopted from an earlier attempt, or not needed
 * @param observedVersion the cluster's version when the activity looked
 */
public record VersionUpdateHandle(String updateId, How how, String observedVersion) {

  /** How the activity came to hold this update. */
  public enum How {
    /** UpdateClusterVersion was called by this activity. */
    STARTED,
    /** An update to the target version was already in progress, e.g. from a killed attempt. */
    ADOPTED,
    /** The cluster already runs the target version; nothing was called. */
    ALREADY_AT_TARGET
  }
}
