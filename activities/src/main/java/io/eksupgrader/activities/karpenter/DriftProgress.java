package io.eksupgrader.activities.karpenter;

import java.util.List;

/**
 * The heartbeat of the wait for drift, so that a retried attempt still reports the nodes it saw
 * replaced and the launches it saw fail.
 *
 * @param oldNodes every node seen behind the target since the wait began
 * @param launchFailures every failed launch seen, as {@code nodeClaim: reason}
 * @param atTarget Karpenter's nodes at the target at the last listing
 * @param left Karpenter's nodes behind the target at the last listing
 */
public record DriftProgress(
    List<String> oldNodes, List<String> launchFailures, int atTarget, int left, int polls) {

  public DriftProgress {
    oldNodes = oldNodes == null ? List.of() : List.copyOf(oldNodes);
    launchFailures = launchFailures == null ? List.of() : List.copyOf(launchFailures);
  }
}
