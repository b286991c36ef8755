package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.AddonActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AddonInfo;
import io.eksupgrader.workflows.model.AddonUpdateHandle;
import io.eksupgrader.workflows.model.AddonUpdateOutcome;
import io.eksupgrader.workflows.model.AddonUpdateRequest;
import io.eksupgrader.workflows.model.AwaitAddonRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * EKS add-ons behind the activity interface, for workflow-logic tests only. The version for a
 * Kubernetes minor is {@code <addon>-for-<minor>}. Without add-ons it is a cluster without any.
 * Every call is recorded in order.
 */
class FakeAddons implements AddonActivities {

  private final List<String> calls = new ArrayList<>();
  /** When set, calls are also written into the control plane's log, to assert their order. */
  private final FakeEks eks;
  private final Map<String, AddonInfo> addons = new TreeMap<>();
  private final Map<String, Integer> failuresLeft = new HashMap<>();

  FakeAddons() {
    this(null);
  }

  FakeAddons(FakeEks eks) {
    this.eks = eks;
  }

  private void called(String call) {
    calls.add(call);
    if (eks != null) {
      synchronized (eks) {
        eks.calls.add(call);
      }
    }
  }

  synchronized void add(String name, String version) {
    addons.put(name, new AddonInfo(name, version, "ACTIVE"));
  }

  /** The next {@code times} waits for this add-on's updates end DEGRADED. */
  synchronized void degrade(String name, int times) {
    failuresLeft.put(name, times);
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized List<AddonInfo> listAddons(ClusterRef cluster) {
    called("ListAddons");
    return List.copyOf(addons.values());
  }

  @Override
  public synchronized AddonUpdateHandle startAddonUpdate(AddonUpdateRequest request) {
    String target =
        request.pinnedVersion() != null ? request.pinnedVersion() : request.addon() + "-for-" + request.kubernetesVersion();
    called("StartAddonUpdate " + request.addon() + " " + target + " " + request.resolveConflicts());
    AddonInfo now = addons.get(request.addon());
    if (now.version().equals(target) && now.status().equals("ACTIVE")) {
      return new AddonUpdateHandle(AddonUpdateHandle.How.ALREADY_AT_TARGET, null, now.version(), target);
    }
    return new AddonUpdateHandle(AddonUpdateHandle.How.STARTED, "update-" + calls.size(), now.version(), target);
  }

  @Override
  public synchronized AddonUpdateOutcome awaitAddonUpdate(AwaitAddonRequest request) {
    called("AwaitAddonUpdate " + request.addon());
    int left = failuresLeft.getOrDefault(request.addon(), 0);
    if (left > 0) {
      failuresLeft.put(request.addon(), left - 1);
      addons.put(request.addon(), new AddonInfo(request.addon(), request.targetVersion(), "DEGRADED"));
      throw ApplicationFailure.newNonRetryableFailure(
          "add-on " + request.addon() + " is DEGRADED at " + request.targetVersion()
              + ": InsufficientNumberOfReplicas: The add-on is unhealthy",
          FailureTypes.ADDON_UPDATE_FAILED);
    }
    addons.put(request.addon(), new AddonInfo(request.addon(), request.targetVersion(), "ACTIVE"));
    return new AddonUpdateOutcome(request.targetVersion(), 3);
  }
}
