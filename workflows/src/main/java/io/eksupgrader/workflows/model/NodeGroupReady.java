package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * A node group that is ACTIVE with all its nodes Ready.
 *
 * @param nodes each node and how long it took from registration to Ready
 * @param polls how many observations the wait took (across attempts)
 */
public record NodeGroupReady(String nodeGroup, List<NodeJoin> nodes, int polls) {

  /** One node's join latency, which seed 003 watches for launch problems. */
  public record NodeJoin(String node, String kubeletVersion, long joinSeconds) {}
}
