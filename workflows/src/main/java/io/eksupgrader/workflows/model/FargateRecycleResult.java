package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * What recycling a Fargate profile's pods did.
 *
 * @param restarted workloads restarted, each as {@code Kind namespace/name}
 * @param podsAtTarget the profile's pods that run the target now
 */
public record FargateRecycleResult(List<String> restarted, int podsAtTarget) {

  public FargateRecycleResult {
    restarted = restarted == null ? List.of() : List.copyOf(restarted);
  }
}
