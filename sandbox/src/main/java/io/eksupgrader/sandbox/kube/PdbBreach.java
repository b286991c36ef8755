package io.eksupgrader.sandbox.kube;

import java.time.Instant;
import java.util.List;

/**
 * A moment at which a PodDisruptionBudget's healthy pods fell below what it demands, and the pods
 * whose loss did it. The eviction subresource never allows this, so a breach means a pod was
 * deleted around the budget or its node went away.
 *
 * @param time simulated time at which the sandbox saw it
 * @param currentHealthy healthy pods the budget counted after the loss
 * @param desiredHealthy healthy pods the budget demands
 * @param lostPods the pods that were healthy just before and are not now
 */
public record PdbBreach(
    String namespace,
    String pdb,
    Instant time,
    int currentHealthy,
    int desiredHealthy,
    List<LostPod> lostPods) {

  public PdbBreach {
    lostPods = List.copyOf(lostPods);
  }

  /** How a pod stopped counting as healthy. */
  public enum Loss {
    /** Accepted by the eviction subresource (only possible with a budget that allowed it). */
    EVICTED,
    /** Deleted through the API. */
    DELETED,
    /** Its node's instance was terminated. */
    NODE_TERMINATED,
    /** Its node object was deleted through the API. */
    NODE_DELETED,
    /** Its own controller or the garbage collector deleted it. */
    REMOVED_BY_CONTROLLER,
    /** It still exists but is no longer Ready. */
    NOT_READY
  }

  /** A pod that stopped counting as healthy, and where it ran. */
  public record LostPod(String namespace, String name, String uid, String node, Loss how) {}
}
