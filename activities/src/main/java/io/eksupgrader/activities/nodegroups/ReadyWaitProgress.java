package io.eksupgrader.activities.nodegroups;

/**
 * What the wait for a new node group heartbeats, so that a retried attempt continues it.
 *
 * @param polls observations so far, across attempts
 * @param nodesAwaitedSinceMillis when the group was first seen ACTIVE with too few Ready nodes
 *     (epoch milliseconds of the worker's clock), 0 while that has not happened; the node-ready
 *     timeout counts from here
 */
public record ReadyWaitProgress(int polls, long nodesAwaitedSinceMillis) {

  static ReadyWaitProgress start() {
    return new ReadyWaitProgress(0, 0);
  }
}
