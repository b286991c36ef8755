package io.eksupgrader.workflows.model;

/**
 * What starting an add-on update found or did.
 *
 * @param updateId the EKS update to wait for; null when the add-on already runs the target
 */
public record AddonUpdateHandle(How how, String updateId, String fromVersion, String targetVersion) {

  public enum How {
    /** The add-on already runs the target version: nothing was called. */
    ALREADY_AT_TARGET,
    /** An update to the target was already running (an earlier attempt's): it is the one to wait for. */
    ADOPTED,
    /** UpdateAddon was called. */
    STARTED
  }
}
