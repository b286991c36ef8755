package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.FargateActivities;
import io.eksupgrader.workflows.activities.KarpenterActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.FargateProfileInfo;
import io.eksupgrader.workflows.model.FargateRecycleRequest;
import io.eksupgrader.workflows.model.FargateRecycleResult;
import io.eksupgrader.workflows.model.KarpenterDriftRequest;
import io.eksupgrader.workflows.model.KarpenterDriftResult;
import io.eksupgrader.workflows.model.KarpenterDriftStall;
import io.eksupgrader.workflows.model.KarpenterInventory;
import io.eksupgrader.workflows.model.KarpenterInventory.KarpenterNode;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Karpenter's nodes and Fargate profiles behind the activity interfaces, for workflow-logic tests
 * only. Without nodes or profiles it is a cluster without either. Every call is recorded in order.
 */
class FakeKarpenterFargate implements KarpenterActivities, FargateActivities {

  private final List<String> calls = new ArrayList<>();
  private final Map<String, KarpenterNode> nodes = new TreeMap<>();
  private final Map<String, FargateProfileInfo> profiles = new TreeMap<>();
  private int stalls;

  synchronized void addKarpenterNode(String name, String pool, String version) {
    nodes.put(name, new KarpenterNode(name, pool, version));
  }

  synchronized void addFargateProfile(String name, String namespace) {
    profiles.put(
        name,
        new FargateProfileInfo(name, "ACTIVE", List.of(new FargateProfileInfo.Selector(namespace, Map.of()))));
  }

  /** The next {@code times} waits for drift fail as stalled, naming the old nodes. */
  synchronized void stallDrift(int times) {
    this.stalls = times;
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized KarpenterInventory inspectKarpenter(ClusterRef cluster) {
    calls.add("InspectKarpenter");
    if (nodes.isEmpty()) {
      return KarpenterInventory.notInstalled();
    }
    return new KarpenterInventory(
        true,
        nodes.values().stream().map(KarpenterNode::nodePool).distinct().sorted().toList(),
        List.copyOf(nodes.values()));
  }

  @Override
  public synchronized KarpenterDriftResult awaitKarpenterDrift(KarpenterDriftRequest request) {
    calls.add("AwaitKarpenterDrift " + request.targetVersion());
    List<String> old =
        nodes.values().stream()
            .filter(n -> !n.version().equals(request.targetVersion()))
            .map(n -> n.name() + " (" + n.nodePool() + ", " + n.version() + ")")
            .toList();
    if (stalls > 0) {
      stalls--;
      throw ApplicationFailure.newNonRetryableFailure(
          "Karpenter replaced none of " + old.size() + " old node(s) for 30m: " + String.join(", ", old),
          FailureTypes.KARPENTER_DRIFT_STALLED,
          new KarpenterDriftStall(old, List.of(), List.of("frozen (nodes: 0)")));
    }
    List<String> replaced = new ArrayList<>();
    for (KarpenterNode n : List.copyOf(nodes.values())) {
      if (!n.version().equals(request.targetVersion())) {
        nodes.remove(n.name());
        replaced.add(n.name());
        String name = n.name() + "-new";
        nodes.put(name, new KarpenterNode(name, n.nodePool(), request.targetVersion()));
      }
    }
    return new KarpenterDriftResult(nodes.size(), replaced, List.of(), 1);
  }

  @Override
  public synchronized List<FargateProfileInfo> listFargateProfiles(ClusterRef cluster) {
    calls.add("ListFargateProfiles");
    return List.copyOf(profiles.values());
  }

  @Override
  public synchronized FargateRecycleResult recycleFargatePods(FargateRecycleRequest request) {
    calls.add("RecycleFargatePods " + request.profile() + " " + request.targetVersion());
    return new FargateRecycleResult(List.of("Deployment " + request.profile() + "/worker"), 2);
  }
}
