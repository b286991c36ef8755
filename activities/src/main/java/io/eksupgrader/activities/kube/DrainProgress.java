package io.eksupgrader.activities.kube;

import java.util.List;

/**
 * What a drain of one node has done so far: the heartbeat details of {@code DrainNode}, which a
 * retried attempt reads back so that it never evicts a pod twice and keeps counting its timeout
 * from the first attempt. Holds pod identities and counts only, never a credential.
 *
 * @param startedAtEpochMilli when the first attempt started; the per-node timeout counts from here
 * @param evictedUids pods whose eviction was accepted (some may still be terminating)
 * @param forceDeletedUids pods deleted because an operator decided so
 * @param alreadyGoneUids pods that went away without an eviction of ours
 * @param refusedEvictions 429 answers received so far, over all attempts
 * @param recentRefusals the latest refusal per pod still refused, as {@code namespace/name: when}
 * @param skippedDaemonSet DaemonSet pods left on the node at the last listing
 * @param skippedMirror mirror pods left on the node at the last listing
 * @param pending pods not yet gone
 */
public record DrainProgress(
    String node,
    long startedAtEpochMilli,
    List<String> evictedUids,
    List<String> forceDeletedUids,
    List<String> alreadyGoneUids,
    int refusedEvictions,
    List<String> recentRefusals,
    int skippedDaemonSet,
    int skippedMirror,
    int pending) {

  public DrainProgress {
    evictedUids = evictedUids == null ? List.of() : List.copyOf(evictedUids);
    forceDeletedUids = forceDeletedUids == null ? List.of() : List.copyOf(forceDeletedUids);
    alreadyGoneUids = alreadyGoneUids == null ? List.of() : List.copyOf(alreadyGoneUids);
    recentRefusals = recentRefusals == null ? List.of() : List.copyOf(recentRefusals);
  }

  /** Nothing done yet: the first attempt of a drain. */
  public static DrainProgress start(String node, long startedAtEpochMilli) {
    return new DrainProgress(node, startedAtEpochMilli, List.of(), List.of(), List.of(), 0, List.of(), 0, 0, 0);
  }
}
