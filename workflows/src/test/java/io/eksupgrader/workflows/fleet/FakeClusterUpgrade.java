package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster upgrade that takes simulated minutes and ends as the test says, logging when each one
 * starts and ends so that the test can read the order and the concurrency from it.
 */
public class FakeClusterUpgrade implements ClusterUpgradeWorkflow {

  /** One start or end, with the workflow time it happened at. */
  record Event(String kind, String cluster, long atMillis) {}

  static final List<Event> EVENTS = new ArrayList<>();
  static final Map<String, Integer> MINUTES = new ConcurrentHashMap<>();
  /** Cluster name → {@code abort} (the upgrade ends ABORTED) or {@code throw} (the child fails). */
  static final Map<String, String> FAILING = new ConcurrentHashMap<>();

  static void reset() {
    synchronized (EVENTS) {
      EVENTS.clear();
    }
    MINUTES.clear();
    FAILING.clear();
  }

  static List<Event> events() {
    synchronized (EVENTS) {
      return List.copyOf(EVENTS);
    }
  }

  private static void log(String kind, String cluster) {
    if (!Workflow.isReplaying()) {
      synchronized (EVENTS) {
        EVENTS.add(new Event(kind, cluster, Workflow.currentTimeMillis()));
      }
    }
  }

  @Override
  public UpgradeResult upgrade(UpgradeRequest request) {
    String name = request.cluster().name();
    log("start", name);
    Workflow.sleep(Duration.ofMinutes(MINUTES.getOrDefault(name, 10)));
    log("end", name);
    String failing = FAILING.get(name);
    if ("throw".equals(failing)) {
      throw ApplicationFailure.newNonRetryableFailure("the fake upgrade of " + name + " broke", "FakeBreak");
    }
    return "abort".equals(failing)
        ? new UpgradeResult(UpgradeOutcome.ABORTED, "1.33", "aborted after a failed step", null)
        : new UpgradeResult(UpgradeOutcome.SUCCEEDED, request.targetVersion(), "upgraded", null);
  }

  @Override
  public UpgradeStatus status() {
    return null;
  }

  @Override
  public String approveGate(Approval approval) {
    return "no gates";
  }

  @Override
  public void validateApproveGate(Approval approval) {}

  @Override
  public String rejectGate(Approval approval) {
    return "no gates";
  }

  @Override
  public void validateRejectGate(Approval approval) {}

  @Override
  public String decideStep(OperatorDecision decision) {
    return "nothing to decide";
  }

  @Override
  public void validateDecideStep(OperatorDecision decision) {}

  @Override
  public String announceCancel(io.eksupgrader.workflows.model.CancelRequest cancel) {
    return "noted";
  }

  @Override
  public void validateAnnounceCancel(io.eksupgrader.workflows.model.CancelRequest cancel) {}
}
