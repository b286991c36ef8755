package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.SelfManagedNodeGroupActivities;
import io.eksupgrader.workflows.model.SelfManagedGroupInfo;
import io.eksupgrader.workflows.model.SelfManagedReplacementRequest;
import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.activities.NodeGroupActivities;
import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.DrainBlockage;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.ForceDeleteAsgRequest;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupInfo;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.eksupgrader.workflows.model.ReplacementNodeGroupRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Managed node groups and their nodes behind the activity interfaces, for workflow-logic tests
 * only. Each group has nodes {@code <group>-node-<i>}; a pod can be set to block a node's drain
 * until an operator forces it. Every call is recorded in order.
 */
class FakeDataPlane implements NodeGroupActivities, NodeDrainActivities, SelfManagedNodeGroupActivities {

  private final List<String> calls = new ArrayList<>();
  private final Map<String, NodeGroupInfo> groups = new TreeMap<>();
  private final Map<String, Integer> nodeCounts = new HashMap<>();
  private final Set<String> cordoned = new HashSet<>();
  /** node → the pod that blocks its drain (uid), until a request forces exactly that uid. */
  private final Map<String, DrainBlockage.BlockedPod> blockers = new HashMap<>();
  private final Set<String> leftoverPods = new HashSet<>();
  private final Set<String> asgBlocked = new HashSet<>();
  final List<List<String>> forcedUidsSeen = new ArrayList<>();
  /** When set, the wait for this group's nodes holds until another group's creation started. */
  volatile CountDownLatch holdAwaitUntilCreate;
  volatile String heldGroup;

  synchronized void addGroup(String name, String version, int nodes) {
    groups.put(
        name,
        new NodeGroupInfo(
            name,
            version,
            version + ".0-20250101",
            "ACTIVE",
            "AL2_x86_64",
            "ON_DEMAND",
            List.of("m5.large"),
            List.of("subnet-a"),
            new NodeGroupInfo.Scaling(1, 5, nodes),
            Map.of(),
            List.of(),
            "arn:aws:iam::123456789012:role/node",
            null,
            List.of("eks-" + name + "-asg")));
    nodeCounts.put(name, nodes);
  }

  /** The drain of {@code node} fails naming a pod behind a budget that allows no disruption. */
  synchronized void blockDrain(String node, String pod, String uid) {
    blockers.put(
        node,
        new DrainBlockage.BlockedPod(
            node,
            "shop",
            pod,
            uid,
            "eviction refused (429) for 15m0s: disruption budget shop/web allows 0 disruptions",
            List.of(new DrainBlockage.PdbStatus("shop", "web", 0, 3, 3, 3))));
  }

  /** The safety check before deleting {@code group} finds a pod left on its nodes. */
  synchronized void leavePodOn(String group) {
    leftoverPods.add(group);
  }

  /** Deleting {@code group} ends with its Auto Scaling group blocking the deletion. */
  synchronized void asgBlocks(String group) {
    asgBlocked.add(group);
  }

  private final Map<String, SelfManagedGroupInfo> asgs = new TreeMap<>();

  synchronized void addSelfManagedGroup(String name, String version, int nodes) {
    List<String> instances = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      instances.add("i-" + name + "-" + i);
    }
    asgs.put(
        name,
        new SelfManagedGroupInfo(name, version, "lt-1", "3", "ami-old", 1, 5, nodes, List.of("subnet-a"), instances));
    nodeCounts.put(name, nodes);
  }



  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  synchronized boolean isCordoned(String node) {
    return cordoned.contains(node);
  }

  private synchronized void record(String call) {
    calls.add(call);
  }

  private synchronized List<String> nodesOf(String group) {
    List<String> nodes = new ArrayList<>();
    for (int i = 1; i <= nodeCounts.getOrDefault(group, 0); i++) {
      nodes.add(group + "-node-" + i);
    }
    return nodes;
  }

  @Override
  public synchronized List<NodeGroupInfo> listNodeGroups(ClusterRef cluster) {
    calls.add("ListNodeGroups");
    return List.copyOf(groups.values());
  }

  @Override
  public NodeGroupHandle createReplacementNodeGroup(ReplacementNodeGroupRequest request) {
    NodeGroupHandle handle;
    synchronized (this) {
      calls.add("CreateReplacementNodeGroup " + request.oldNodeGroup() + " -> " + request.newNodeGroup());
      NodeGroupInfo old = groups.get(request.oldNodeGroup());
      NodeGroupHandle.How how =
          groups.containsKey(request.newNodeGroup()) ? NodeGroupHandle.How.REUSED : NodeGroupHandle.How.CREATED;
      int nodes = old.scaling().desiredSize();
      addGroup(request.newNodeGroup(), request.kubernetesVersion(), nodes);
      handle = new NodeGroupHandle(request.newNodeGroup(), how, groups.get(request.newNodeGroup()), nodes, null);
    }
    CountDownLatch latch = holdAwaitUntilCreate;
    if (latch != null && !request.oldNodeGroup().equals(heldGroup)) {
      latch.countDown();
    }
    return handle;
  }

  @Override
  public NodeGroupReady awaitNodeGroupReady(AwaitNodeGroupRequest request) {
    record("AwaitNodeGroupReady " + request.nodeGroup());
    CountDownLatch latch = holdAwaitUntilCreate;
    if (latch != null && heldGroup != null && request.nodeGroup().startsWith(heldGroup + "-")) {
      try {
        if (!latch.await(10, TimeUnit.SECONDS)) {
          record("AwaitNodeGroupReady " + request.nodeGroup() + " gave up waiting for the other group");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<NodeGroupReady.NodeJoin> joins =
        nodesOf(request.nodeGroup()).stream().map(n -> new NodeGroupReady.NodeJoin(n, "v1.34.1", 90)).toList();
    return new NodeGroupReady(request.nodeGroup(), joins, 2);
  }

  @Override
  public synchronized NodeGroupDeletion deleteNodeGroup(DeleteNodeGroupRequest request) {
    calls.add("DeleteNodeGroup " + request.nodeGroup());
    if (asgBlocked.contains(request.nodeGroup())) {
      return new NodeGroupDeletion(
          request.nodeGroup(),
          NodeGroupDeletion.Outcome.ASG_BLOCKS,
          List.of("i-1"),
          false,
          "eks-" + request.nodeGroup() + "-asg",
          "AutoScalingGroupInvalidConfiguration",
          4);
    }
    groups.remove(request.nodeGroup());
    return new NodeGroupDeletion(request.nodeGroup(), NodeGroupDeletion.Outcome.DELETED, List.of(), false, null, null, 3);
  }

  @Override
  public synchronized NodeGroupDeletion forceDeleteAutoScalingGroup(ForceDeleteAsgRequest request) {
    calls.add("ForceDeleteAutoScalingGroup " + request.autoScalingGroup());
    groups.remove(request.nodeGroup());
    return new NodeGroupDeletion(
        request.nodeGroup(), NodeGroupDeletion.Outcome.DELETED, List.of(), false, request.autoScalingGroup(), null, 2);
  }

  @Override
  public synchronized List<SelfManagedGroupInfo> listSelfManagedNodeGroups(ClusterRef cluster) {
    calls.add("ListSelfManagedNodeGroups");
    return List.copyOf(asgs.values());
  }

  @Override
  public synchronized NodeGroupHandle createReplacementAutoScalingGroup(SelfManagedReplacementRequest request) {
    calls.add("CreateReplacementAutoScalingGroup " + request.oldGroup() + " -> " + request.newGroup());
    NodeGroupHandle.How how = asgs.containsKey(request.newGroup()) ? NodeGroupHandle.How.REUSED : NodeGroupHandle.How.CREATED;
    int nodes = asgs.get(request.oldGroup()).desiredSize();
    addSelfManagedGroup(request.newGroup(), request.kubernetesVersion(), nodes);
    return new NodeGroupHandle(request.newGroup(), how, null, nodes, "4");
  }

  @Override
  public synchronized NodeGroupReady awaitAutoScalingGroupReady(AwaitNodeGroupRequest request) {
    calls.add("AwaitAutoScalingGroupReady " + request.nodeGroup());
    return new NodeGroupReady(
        request.nodeGroup(),
        nodesOf(request.nodeGroup()).stream().map(n -> new NodeGroupReady.NodeJoin(n, "v1.34.1", 80)).toList(),
        3);
  }

  @Override
  public synchronized NodeGroupDeletion deleteSelfManagedNodeGroup(DeleteNodeGroupRequest request) {
    calls.add("DeleteSelfManagedNodeGroup " + request.nodeGroup());
    asgs.remove(request.nodeGroup());
    return new NodeGroupDeletion(request.nodeGroup(), NodeGroupDeletion.Outcome.DELETED, List.of(), false, request.nodeGroup(), null, 2);
  }

  @Override
  public synchronized NodeSetResult cordonNodes(NodeSetRequest request) {
    calls.add("CordonNodes " + request.nodeGroup() + (request.instanceIds().isEmpty() ? "" : " " + request.instanceIds()));
    List<String> nodes = nodesOf(request.nodeGroup());
    List<String> changed = nodes.stream().filter(cordoned::add).toList();
    return new NodeSetResult(request.nodeGroup(), nodes, changed);
  }

  @Override
  public synchronized NodeSetResult uncordonNodes(NodeSetRequest request) {
    calls.add("UncordonNodes " + request.nodeGroup());
    List<String> nodes = nodesOf(request.nodeGroup());
    List<String> changed = nodes.stream().filter(cordoned::remove).toList();
    return new NodeSetResult(request.nodeGroup(), nodes, changed);
  }

  /** When set, each drain heartbeats until it is released or cancelled, like a PDB-paced drain. */
  volatile CountDownLatch slowDrains;
  final java.util.concurrent.atomic.AtomicInteger drainsCancelled = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public DrainNodeResult drainNode(DrainNodeRequest request) {
    CountDownLatch slow = slowDrains;
    if (slow != null) {
      record("DrainNode started " + request.node());
      try {
        while (!slow.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          io.temporal.activity.Activity.getExecutionContext().heartbeat(request.node());
        }
      } catch (io.temporal.client.ActivityCompletionException cancelled) {
        drainsCancelled.incrementAndGet();
        record("DrainNode cancelled " + request.node());
        throw cancelled;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return drainNow(request);
  }

  private synchronized DrainNodeResult drainNow(DrainNodeRequest request) {
    calls.add("DrainNode " + request.node());
    forcedUidsSeen.add(request.forceDeletePodUids());
    DrainBlockage.BlockedPod blocker = blockers.get(request.node());
    if (blocker != null && !request.forceDeletePodUids().contains(blocker.uid())) {
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          "drain of " + request.node() + " blocked by shop/" + blocker.name(),
          FailureTypes.DRAIN_BLOCKED,
          null,
          new DrainBlockage(List.of(blocker)));
    }
    int forced = blocker != null ? 1 : 0;
    return new DrainNodeResult(request.node(), 4 - forced, forced, 0, 1, 0, 2);
  }

  @Override
  public synchronized DrainedCheck checkNodesDrained(NodeSetRequest request) {
    calls.add("CheckNodesDrained " + request.nodeGroup());
    List<String> nodes = nodesOf(request.nodeGroup());
    List<String> uncordoned = nodes.stream().filter(n -> !cordoned.contains(n)).toList();
    List<String> remaining = leftoverPods.contains(request.nodeGroup()) ? List.of("shop/stray") : List.of();
    return new DrainedCheck(request.nodeGroup(), nodes, uncordoned, remaining, List.of());
  }
}
