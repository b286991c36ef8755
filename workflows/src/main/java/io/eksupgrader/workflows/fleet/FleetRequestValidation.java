package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.planning.ApprovalRules;
import io.eksupgrader.workflows.planning.UpgradeRequestValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What is wrong with a fleet request, each with what to do. The CLI asks before it starts the
 * fleet and the workflow asks again before it starts any cluster, so a request from elsewhere (the
 * Temporal UI, a script) is refused the same way.
 */
public final class FleetRequestValidation {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private FleetRequestValidation() {}

  public static List<String> problems(FleetRequest request) {
    List<String> problems = new ArrayList<>();
    if (request == null) {
      problems.add("no fleet request");
      return problems;
    }
    if (request.name() == null || !NAME.matcher(request.name()).matches()) {
      problems.add("name '" + request.name() + "' is not a fleet name such as platform-1-34 (letters, digits, . _ -)");
    }
    if (request.waves().isEmpty()) {
      problems.add("waves: the fleet has no wave; list at least one with its clusters");
    }
    if (request.maxFailures() < 0) {
      problems.add("maxFailures: " + request.maxFailures() + " is negative; use 0 for no limit");
    }
    if (request.onFailure() == FailureMode.STOP_WAVE && request.maxFailures() > 0) {
      problems.add("maxFailures applies with onFailure: continue only; stop-wave stops at the first failure");
    }
    problems.addAll(ApprovalRules.problems(request.approvals(), "approvals"));
    Set<String> waveNames = new HashSet<>();
    Map<ClusterRef, String> seen = new HashMap<>();
    for (int i = 0; i < request.waves().size(); i++) {
      FleetWave wave = request.waves().get(i);
      String where = "waves[" + i + "]" + (wave.name() == null ? "" : " (" + wave.name() + ")");
      if (wave.name() == null || !NAME.matcher(wave.name()).matches()) {
        problems.add(where + ": name '" + wave.name() + "' is not a wave name such as staging");
      } else if (!waveNames.add(wave.name())) {
        problems.add(where + ": wave name " + wave.name() + " is used twice; give each wave its own");
      }
      if (wave.concurrency() < 1) {
        problems.add(where + ": concurrency " + wave.concurrency() + " is below 1; at least one cluster must run at a time");
      }
      if (wave.soakSeconds() < 0) {
        problems.add(where + ": soak " + wave.soakSeconds() + "s is negative");
      }
      if (wave.clusters().isEmpty()) {
        problems.add(where + ": the wave has no cluster; list its clusters or remove it");
      }
      for (UpgradeRequest cluster : wave.clusters()) {
        ClusterRef ref = cluster == null ? null : cluster.cluster();
        if (ref == null) {
          problems.add(where + ": a cluster entry names no cluster");
          continue;
        }
        String previous = seen.putIfAbsent(ref, where);
        if (previous != null) {
          problems.add(where + ": cluster " + ref + " is listed twice (also in " + previous + "); each cluster is upgraded once");
        }
        for (String problem : UpgradeRequestValidation.problems(cluster)) {
          problems.add(where + ", cluster " + ref + ": " + problem);
        }
      }
    }
    return problems;
  }
}
