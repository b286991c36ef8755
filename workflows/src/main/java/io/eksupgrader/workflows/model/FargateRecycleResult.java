package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * What recycling one Fargate profile did.
 *
 * @param restartedWorkloads Deployments and StatefulSets restarted, as kind/namespace/name
 * @param podsRecycled old pods replaced by pods at the target version
 * @param podsLeftBehind pods still on an older kubelet that nothing restarts (no controller), as
 *     namespace/name; reported, never deleted
 */
public record FargateRecycleResult(
    String profile, List<String> restartedWorkloads, int podsRecycled, List<String> podsLeftBehind) {}
