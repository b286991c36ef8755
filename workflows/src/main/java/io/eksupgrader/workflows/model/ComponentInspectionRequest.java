package io.eksupgrader.workflows.model;

/**
 * What pre-flight asks about a cluster component.
 *
 * @param currentVersion the control plane's minor now
 * @param targetVersion the upgrade's target minor
 * @param pinnedVersion the component version the spec asks for, or null for the table's
 */
public record ComponentInspectionRequest(
    ClusterRef cluster, String currentVersion, String targetVersion, String pinnedVersion) {}
