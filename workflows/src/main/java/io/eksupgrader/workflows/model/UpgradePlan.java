package io.eksupgrader.workflows.model;

import java.util.List;

/** The ordered steps that take a cluster from its current version to the target. */
public record UpgradePlan(
    ClusterRef cluster, String currentVersion, String targetVersion, List<PlanStep> steps) {}
