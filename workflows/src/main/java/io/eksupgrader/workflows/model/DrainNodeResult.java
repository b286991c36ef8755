package io.eksupgrader.workflows.model;

/**
 * What draining one node did.
 *
 * @param evicted pods evicted through the Eviction API and seen gone
 * @param forceDeleted pods deleted because an operator decided so
 * @param alreadyGone pods that disappeared without our eviction (or an earlier attempt's)
 * @param skippedDaemonSet DaemonSet pods left on the node
 * @param skippedMirror static (mirror) pods left on the node
 * @param refusedEvictions 429 answers received and retried
 */
public record DrainNodeResult(
    String node,
    int evicted,
    int forceDeleted,
    int alreadyGone,
    int skippedDaemonSet,
    int skippedMirror,
    int refusedEvictions) {}
