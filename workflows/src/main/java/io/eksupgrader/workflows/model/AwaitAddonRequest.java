package io.eksupgrader.workflows.model;

/** Wait until an add-on update ends and the add-on is ACTIVE at {@code targetVersion}. */
public record AwaitAddonRequest(ClusterRef cluster, String addon, String updateId, String targetVersion) {}
