package io.eksupgrader.activities.kube;

import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cordon, drain and uncordon with {@code kubectl}'s semantics, against the cluster's API server.
 *
 * <p>A managed node group's nodes are the nodes labelled {@code eks.amazonaws.com/nodegroup=<group>};
 * when the request lists instance ids (a self-managed group, whose nodes carry no such label), they
 * are the nodes whose {@code spec.providerID} names one of those instances.
 * Cordon and uncordon observe first and send a JSON merge patch of {@code spec.unschedulable} only
 * to nodes not already as wanted, so running them twice changes nothing the second time. The drain
 * of one node is a {@link NodeDrain}. The drained check reads only.
 */
public class KubernetesNodeDrainActivities implements NodeDrainActivities {

  private static final Logger log = LoggerFactory.getLogger(KubernetesNodeDrainActivities.class);

  static final String NODE_GROUP_LABEL = "eks.amazonaws.com/nodegroup";

  private static final String CORDON = "{\"spec\":{\"unschedulable\":true}}";
  // kubectl uncordon removes the field rather than setting false; null does that in a merge patch.
  private static final String UNCORDON = "{\"spec\":{\"unschedulable\":null}}";

  private final KubernetesClientProvider clients;
  private final DrainSettings settings;
  private final Clock clock;

  public KubernetesNodeDrainActivities(KubernetesClientProvider clients, DrainSettings settings) {
    this(clients, settings, Clock.systemUTC());
  }

  KubernetesNodeDrainActivities(KubernetesClientProvider clients, DrainSettings settings, Clock clock) {
    this.clients = clients;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public NodeSetResult cordonNodes(NodeSetRequest request) {
    return setUnschedulable(request, true);
  }

  @Override
  public NodeSetResult uncordonNodes(NodeSetRequest request) {
    return setUnschedulable(request, false);
  }

  private NodeSetResult setUnschedulable(NodeSetRequest request, boolean unschedulable) {
    require(request.nodeGroup(), "nodeGroup");
    KubernetesClient client = clients.forCluster(request.cluster());
    List<Node> nodes = nodesOf(client, request);
    List<String> changed = new ArrayList<>();
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      if (isUnschedulable(node) == unschedulable) {
        continue;
      }
      client
          .nodes()
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), unschedulable ? CORDON : UNCORDON);
      changed.add(name);
    }
    log.info(
        "{} node group {}: {} {} of {} nodes",
        request.cluster(),
        request.nodeGroup(),
        unschedulable ? "cordoned" : "uncordoned",
        changed.size(),
        nodes.size());
    return new NodeSetResult(request.nodeGroup(), names(nodes), List.copyOf(changed));
  }

  @Override
  public DrainNodeResult drainNode(DrainNodeRequest request) {
    require(request.node(), "node");
    KubernetesClient client = clients.forCluster(request.cluster());
    return new NodeDrain(client, request, settings, Activity.getExecutionContext(), clock).run();
  }

  @Override
  public DrainedCheck checkNodesDrained(NodeSetRequest request) {
    require(request.nodeGroup(), "nodeGroup");
    KubernetesClient client = clients.forCluster(request.cluster());
    List<Node> nodes = nodesOf(client, request);
    List<String> uncordoned =
        nodes.stream().filter(n -> !isUnschedulable(n)).map(n -> n.getMetadata().getName()).toList();
    List<String> remaining = new ArrayList<>();
    for (Node node : nodes) {
      client.pods().inAnyNamespace().withField("spec.nodeName", node.getMetadata().getName()).list()
          .getItems().stream()
          .filter(p -> !PodFacts.isMirror(p) && !PodFacts.isDaemonSetPod(p))
          .map(PodFacts::key)
          .forEach(remaining::add);
    }
    List<String> unready =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> !PodFacts.isSucceeded(p) && !PodFacts.isReady(p))
            .map(PodFacts::key)
            .sorted()
            .toList();
    DrainedCheck check =
        new DrainedCheck(
            request.nodeGroup(),
            names(nodes),
            uncordoned,
            remaining.stream().sorted().toList(),
            unready);
    log.info(
        "{} node group {}: {} nodes, {} schedulable, {} pods left on them, {} unready pods in the"
            + " cluster",
        request.cluster(),
        request.nodeGroup(),
        nodes.size(),
        uncordoned.size(),
        remaining.size(),
        unready.size());
    return check;
  }

  private static List<Node> nodesOf(KubernetesClient client, NodeSetRequest request) {
    List<Node> nodes =
        request.instanceIds().isEmpty()
            ? client.nodes().withLabel(NODE_GROUP_LABEL, request.nodeGroup()).list().getItems()
            : client.nodes().list().getItems().stream()
                .filter(n -> NodeInstance.runsOn(n, request.instanceIds()))
                .toList();
    return nodes.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList();
  }

  private static List<String> names(List<Node> nodes) {
    return nodes.stream().map(n -> n.getMetadata().getName()).toList();
  }

  private static boolean isUnschedulable(Node node) {
    return node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          name + " is required", IllegalArgumentException.class.getName());
    }
  }
}
