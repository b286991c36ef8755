package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * What cordoning or uncordoning a node group's nodes found and did.
 *
 * @param nodes every node of the group, sorted by name
 * @param changed the nodes whose {@code spec.unschedulable} this call changed; the others were
 *     already as wanted
 */
public record NodeSetResult(String nodeGroup, List<String> nodes, List<String> changed) {}
