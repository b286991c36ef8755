package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.activities.NodeGroupActivities;
import io.eksupgrader.workflows.activities.SelfManagedNodeGroupActivities;
import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.DrainBlockage;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.NodeGroupStepRequest;
import io.eksupgrader.workflows.model.NodeGroupStepResult;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.eksupgrader.workflows.model.ReplacementNodeGroupRequest;
import io.eksupgrader.workflows.model.SelfManagedReplacementRequest;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * One node group, replaced blue/green (seed 001, with seed 004's cordon semantics): an EKS
 * managed node group, or a self-managed one (an Auto Scaling group with a launch template), whose
 * old nodes are found by their EC2 instances since they carry no group label.
 *
 * <ol>
 *   <li>CreateReplacementNodeGroup: the old group's configuration at the target version on AL2023,
 *       under a deterministic name; an existing group of that name (an earlier attempt's) is
 *       reused.
 *   <li>AwaitNodeGroupReady: the new group is ACTIVE and as many of its nodes are Ready as the old
 *       group runs. Nothing old is touched before the new capacity stands.
 *   <li>CordonNodes: every old node at once, so that a pod evicted from one old node never lands
 *       on another old node.
 *   <li>DrainNode per old node, {@code drain.concurrency} at a time, in name order. A node that
 *       cannot be drained does not stop the others: every node is tried, so that the failure names
 *       every blocking pod at once and the operator decides once.
 *   <li>CheckNodesDrained: what the operator sees at the teardown gate.
 * </ol>
 *
 * Cancelled (the upgrade was cancelled, or a health gate stopped it), it ends once every drain in
 * flight has stopped at its next heartbeat (upgrades started since {@value
 * ClusterUpgradeWorkflowImpl#CANCEL_CHANGE} version 1), so that the parent's rollback never races a
 * drain that still evicts. A blocked drain ends this workflow with {@link FailureTypes#DRAIN_BLOCKED} carrying every
 * blocking pod ({@link DrainBlockage}); the parent turns it into an operator decision. Deleting the
 * old group is not this workflow's job: it happens after the service was checked.
 */
public class NodeGroupUpgradeWorkflowImpl implements NodeGroupUpgradeWorkflow {

  private static final Logger log = Workflow.getLogger(NodeGroupUpgradeWorkflowImpl.class);

  private final NodeGroupActivities nodeGroups = Workflow.newActivityStub(NodeGroupActivities.class);
  private final NodeDrainActivities drain = Workflow.newActivityStub(NodeDrainActivities.class);
  private final SelfManagedNodeGroupActivities selfManaged =
      Workflow.newActivityStub(SelfManagedNodeGroupActivities.class);

  /** How long a cancelled child waits for its drains to acknowledge; a heartbeat timeout ends them first. */
  static final Duration DRAIN_STOP_WAIT = Duration.ofMinutes(10);

  private boolean summaries;
  private boolean drainsStopBeforeEnd;

  @Override
  public NodeGroupStepResult replace(NodeGroupStepRequest request) {
    summaries = Workflow.getVersion(ActivitySummaries.CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    drainsStopBeforeEnd =
        summaries
            && Workflow.getVersion(ClusterUpgradeWorkflowImpl.CANCEL_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    NodeGroupHandle handle =
        request.selfManaged()
            ? selfManaged.createReplacementAutoScalingGroup(
                new SelfManagedReplacementRequest(
                    request.cluster(),
                    request.oldNodeGroup(),
                    request.newNodeGroup(),
                    request.targetVersion(),
                    request.clientRequestToken()))
            : nodeGroups.createReplacementNodeGroup(
                new ReplacementNodeGroupRequest(
                    request.cluster(),
                    request.oldNodeGroup(),
                    request.newNodeGroup(),
                    request.targetVersion(),
                    request.clientRequestToken()));
    log.info(
        "Node group {}: replacement {} {}, waiting for {} Ready nodes",
        request.oldNodeGroup(),
        handle.nodeGroup(),
        handle.how(),
        handle.expectedNodes());
    AwaitNodeGroupRequest await =
        new AwaitNodeGroupRequest(request.cluster(), handle.nodeGroup(), handle.expectedNodes());
    String waitSummary = "wait for " + handle.nodeGroup() + " to have " + handle.expectedNodes() + " Ready nodes";
    NodeGroupReady ready =
        request.selfManaged()
            ? (summaries ? ActivitySummaries.stub(SelfManagedNodeGroupActivities.class, waitSummary) : selfManaged)
                .awaitAutoScalingGroupReady(await)
            : (summaries ? ActivitySummaries.stub(NodeGroupActivities.class, waitSummary) : nodeGroups)
                .awaitNodeGroupReady(await);

    NodeSetResult cordoned = drain.cordonNodes(request.oldNodes());
    log.info(
        "Node group {}: cordoned {} of {} old nodes; draining",
        request.oldNodeGroup(),
        cordoned.changed().size(),
        cordoned.nodes().size());

    List<DrainNodeResult> drains = drainAll(request, cordoned.nodes());
    DrainedCheck check = drain.checkNodesDrained(request.oldNodes());
    return new NodeGroupStepResult(
        request.oldNodeGroup(),
        handle.nodeGroup(),
        handle.how(),
        ready.nodes(),
        cordoned.nodes(),
        drains,
        check);
  }

  /**
   * Drains the nodes with at most {@code concurrency} drains in flight. Completed drains are
   * collected in the order the nodes were started, which keeps the result independent of which
   * activity happened to finish first.
   */
  private List<DrainNodeResult> drainAll(NodeGroupStepRequest request, List<String> nodes) {
    DrainOptions options = request.drain() != null ? request.drain() : DrainOptions.defaults();
    List<String> force = request.forceDeletePodUids() == null ? List.of() : request.forceDeletePodUids();
    Deque<String> waiting = new ArrayDeque<>(nodes);
    Map<String, Promise<DrainNodeResult>> inFlight = new LinkedHashMap<>();
    Map<String, DrainNodeResult> done = new LinkedHashMap<>();
    List<DrainBlockage.BlockedPod> blocked = new ArrayList<>();
    List<String> otherFailures = new ArrayList<>();

    while (!waiting.isEmpty() || !inFlight.isEmpty()) {
      while (inFlight.size() < options.concurrencyOrDefault() && !waiting.isEmpty()) {
        String node = waiting.removeFirst();
        NodeDrainActivities drainer = drainer(node, request.oldNodeGroup());
        inFlight.put(
            node,
            Async.function(
                drainer::drainNode, new DrainNodeRequest(request.cluster(), node, options, force)));
      }
      try {
        Workflow.await(() -> inFlight.values().stream().anyMatch(Promise::isCompleted));
      } catch (CanceledFailure cancelled) {
        if (drainsStopBeforeEnd) {
          // Each drain sees the cancellation at its next heartbeat and stops evicting.
          Workflow.newDetachedCancellationScope(
                  () -> Workflow.await(
                      DRAIN_STOP_WAIT, () -> inFlight.values().stream().allMatch(Promise::isCompleted)))
              .run();
          log.info("Node group {}: cancelled; the drains of {} stopped", request.oldNodeGroup(), inFlight.keySet());
        }
        throw cancelled;
      }
      for (String node : List.copyOf(inFlight.keySet())) {
        Promise<DrainNodeResult> promise = inFlight.get(node);
        if (!promise.isCompleted()) {
          continue;
        }
        inFlight.remove(node);
        try {
          done.put(node, promise.get());
        } catch (ActivityFailure failure) {
          DrainBlockage blockage = blockageOf(failure);
          if (blockage != null) {
            blocked.addAll(blockage.pods());
          } else {
            otherFailures.add(node + ": " + ClusterUpgradeWorkflowImpl.describe(failure));
          }
        }
      }
    }

    if (!blocked.isEmpty()) {
      String pods =
          blocked.stream()
              .map(p -> p.namespace() + "/" + p.name() + " on " + p.node() + " (" + p.reason() + ")")
              .collect(Collectors.joining("; "));
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          "the drain of node group "
              + request.oldNodeGroup()
              + " is blocked by "
              + blocked.size()
              + " pod(s): "
              + pods
              + (otherFailures.isEmpty() ? "" : "; other failures: " + String.join("; ", otherFailures)),
          FailureTypes.DRAIN_BLOCKED,
          null,
          new DrainBlockage(List.copyOf(blocked)));
    }
    if (!otherFailures.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the drain of node group " + request.oldNodeGroup() + " failed: " + String.join("; ", otherFailures),
          FailureTypes.DRAIN_BLOCKED);
    }
    return nodes.stream().map(done::get).toList();
  }

  /**
   * The stub of one node's drain. Since {@value ClusterUpgradeWorkflowImpl#CANCEL_CHANGE} a
   * cancelled drain counts as stopped only once the activity itself acknowledged it.
   */
  private NodeDrainActivities drainer(String node, String group) {
    if (!summaries) {
      return drain;
    }
    String summary = "drain " + node + " of node group " + group;
    if (!drainsStopBeforeEnd) {
      return ActivitySummaries.stub(NodeDrainActivities.class, summary);
    }
    return Workflow.newActivityStub(
        NodeDrainActivities.class,
        ActivityOptions.newBuilder()
            .setSummary(summary)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .build());
  }

  /** The blockage a DrainNode failure carries, or null for any other failure. */
  static DrainBlockage blockageOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ApplicationFailure app
          && FailureTypes.DRAIN_BLOCKED.equals(app.getType())
          && app.getDetails() != null
          && app.getDetails().getSize() > 0) {
        try {
          return app.getDetails().get(0, DrainBlockage.class);
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }
}
