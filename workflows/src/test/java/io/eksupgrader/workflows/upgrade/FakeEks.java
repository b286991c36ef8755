package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.ClusterInspectionActivities;
import io.eksupgrader.workflows.activities.ControlPlaneActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AwaitVersionUpdateRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.OfferedVersion;
import io.eksupgrader.workflows.model.VersionUpdateHandle;
import io.eksupgrader.workflows.model.VersionUpdateOutcome;
import io.eksupgrader.workflows.model.VersionUpdateRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory EKS behind the activity interfaces, for workflow-logic tests only. It records
 * every call in order so tests can assert what ran, and when.
 */
class FakeEks implements ClusterInspectionActivities, ControlPlaneActivities {

  final List<String> calls = new ArrayList<>();
  final List<String> tokens = new ArrayList<>();
  final Map<String, Integer> startFailures = new HashMap<>();
  volatile String version;
  volatile String status = "ACTIVE";
  volatile boolean exists = true;
  volatile List<ClusterSnapshot.InProgressUpdate> inProgress = List.of();

  FakeEks(String version) {
    this.version = version;
  }

  /** The next {@code count} starts of an update to {@code version} fail as EKS refusing them. */
  synchronized void failStarts(String version, int count) {
    startFailures.put(version, count);
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  synchronized List<String> mutatingCalls() {
    return calls.stream().filter(c -> c.startsWith("StartVersionUpdate")).toList();
  }

  @Override
  public synchronized ClusterSnapshot inspectCluster(ClusterRef cluster) {
    calls.add("InspectCluster");
    List<OfferedVersion> offered =
        List.of("1.30", "1.31", "1.32", "1.33", "1.34").stream()
            .map(v -> new OfferedVersion(v, "STANDARD_SUPPORT", null, null))
            .toList();
    if (!exists) {
      return ClusterSnapshot.notFound(cluster, offered);
    }
    return new ClusterSnapshot(cluster, true, status, version, "eks.1", inProgress, offered);
  }

  @Override
  public synchronized VersionUpdateHandle startVersionUpdate(VersionUpdateRequest request) {
    calls.add("StartVersionUpdate " + request.targetVersion());
    tokens.add(request.clientRequestToken());
    int failures = startFailures.getOrDefault(request.targetVersion(), 0);
    if (failures > 0) {
      startFailures.put(request.targetVersion(), failures - 1);
      throw ApplicationFailure.newNonRetryableFailure(
          "Unsupported Kubernetes minor version update", FailureTypes.EKS_INVALID_REQUEST);
    }
    if (request.targetVersion().equals(version)) {
      return new VersionUpdateHandle(null, VersionUpdateHandle.How.ALREADY_AT_TARGET, version);
    }
    return new VersionUpdateHandle("update-" + request.targetVersion(), VersionUpdateHandle.How.STARTED, version);
  }

  /** How long each control-plane update takes in real time; 0: at once. */
  volatile long updateMillis;

  @Override
  public VersionUpdateOutcome awaitVersionUpdate(AwaitVersionUpdateRequest request) {
    if (updateMillis > 0) {
      try {
        Thread.sleep(updateMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return updated(request);
  }

  private synchronized VersionUpdateOutcome updated(AwaitVersionUpdateRequest request) {
    calls.add("AwaitVersionUpdate " + request.targetVersion());
    version = request.targetVersion();
    return new VersionUpdateOutcome(request.updateId(), "Successful", version, "2026-11-23T10:00:00Z", 3);
  }
}
