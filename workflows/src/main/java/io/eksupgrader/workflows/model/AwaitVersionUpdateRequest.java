package io.eksupgrader.workflows.model;

/** Wait until a control-plane update ends. */
public record AwaitVersionUpdateRequest(ClusterRef cluster, String updateId, String targetVersion) {}
