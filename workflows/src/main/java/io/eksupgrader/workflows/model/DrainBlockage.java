package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Why a drain could not finish: the details of a {@code DrainBlocked} failure, which the operator
 * sees in the pending decision.
 */
public record DrainBlockage(List<BlockedPod> pods) {

  /**
   * A pod that kept a node from draining.
   *
   * @param reason e.g. "eviction refused (429) for 15m0s: disruption budget shop/web-pdb allows 0
   *     disruptions", "has emptyDir data; set delete-emptydir-data", "no controller; set force"
   * @param pdbs the budgets that select the pod, with their status when the drain gave up
   */
  public record BlockedPod(
      String node, String namespace, String name, String uid, String reason, List<PdbStatus> pdbs) {}

  /** A PodDisruptionBudget's status. */
  public record PdbStatus(
      String namespace,
      String name,
      int disruptionsAllowed,
      int currentHealthy,
      int desiredHealthy,
      int expectedPods) {}
}
