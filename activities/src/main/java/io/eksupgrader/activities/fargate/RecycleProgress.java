package io.eksupgrader.activities.fargate;

import java.util.List;

/**
 * The heartbeat of a Fargate profile's recycling.
 *
 * @param restarted workloads this step restarted, kept across attempts for the result
 * @param rolling workloads whose rollout is under way
 * @param oldPods the profile's pods still behind the target
 * @param atTarget the profile's pods at the target
 */
public record RecycleProgress(List<String> restarted, List<String> rolling, int oldPods, int atTarget) {

  public RecycleProgress {
    restarted = restarted == null ? List.of() : List.copyOf(restarted);
    rolling = rolling == null ? List.of() : List.copyOf(rolling);
  }
}
