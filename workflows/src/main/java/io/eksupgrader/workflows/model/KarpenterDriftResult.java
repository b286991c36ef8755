package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * How drift replaced Karpenter's nodes.
 *
 * @param replaced NodeClaims that were replaced while the activity watched
 * @param nodes Karpenter nodes at the end, all at the target version
 * @param launchFailures NodeClaims seen failing to launch (name and reason), even if a later one
 *     succeeded
 */
public record KarpenterDriftResult(int replaced, int nodes, List<String> launchFailures, int polls) {}
