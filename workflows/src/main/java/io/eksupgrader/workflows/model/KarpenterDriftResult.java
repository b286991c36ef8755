package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * How Karpenter's drift ended.
 *
 * @param nodes the Karpenter nodes now, all at the target
 * @param replaced the old nodes seen during the wait that are gone
 * @param launchFailures each failed launch seen: the NodeClaim and EC2's reason
 * @param polls how many times the nodes were listed
 */
public record KarpenterDriftResult(int nodes, List<String> replaced, List<String> launchFailures, int polls) {

  public KarpenterDriftResult {
    replaced = replaced == null ? List.of() : List.copyOf(replaced);
    launchFailures = launchFailures == null ? List.of() : List.copyOf(launchFailures);
  }
}
