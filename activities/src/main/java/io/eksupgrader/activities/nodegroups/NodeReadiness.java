package io.eksupgrader.activities.nodegroups;

import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.activities.kube.NodeInstance;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.NodeGroupReady.NodeJoin;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes nodes of one node group (label {@code eks.amazonaws.com/nodegroup}, or for a
 * self-managed group the nodes whose {@code spec.providerID} names one of its instances) and which
 * of them are Ready. A node is Ready when its Ready condition is True. An API server that is
 * unreachable or answers 5xx is reported as such, not thrown: the wait keeps polling through a
 * short outage; other errors (401, 403) propagate, since waiting does not fix them.
 */
public final class NodeReadiness {

  private static final Logger log = LoggerFactory.getLogger(NodeReadiness.class);

  private final KubernetesClientProvider kubernetes;
  private final ClusterRef cluster;
  private final String nodeGroup;
  private final List<String> instanceIds;

  NodeReadiness(KubernetesClientProvider kubernetes, ClusterRef cluster, String nodeGroup) {
    this(kubernetes, cluster, nodeGroup, List.of());
  }

  /** The nodes of a self-managed group: those on its instances; empty ids select by label. */
  public NodeReadiness(
      KubernetesClientProvider kubernetes, ClusterRef cluster, String nodeGroup, List<String> instanceIds) {
    this.kubernetes = kubernetes;
    this.cluster = cluster;
    this.nodeGroup = nodeGroup;
    this.instanceIds = List.copyOf(instanceIds);
  }

  /**
   * One look at the group's nodes.
   *
   * @param available false when the API server could not be asked; the lists are then empty
   * @param ready the Ready nodes, sorted by name
   * @param notReady the names of the others
   * @param error why the API server could not be asked, or null
   */
  public record Observation(boolean available, List<Node> ready, List<String> notReady, String error) {

    /** Each Ready node's join latency: its Ready transition minus its registration. */
    public List<NodeJoin> joins() {
      return ready.stream().map(NodeReadiness::join).toList();
    }
  }

  public Observation observe() {
    List<Node> nodes;
    try {
      nodes =
          instanceIds.isEmpty()
              ? kubernetes
                  .forCluster(cluster)
                  .nodes()
                  .withLabel(EksNodeGroupActivities.NODE_GROUP_LABEL, nodeGroup)
                  .list()
                  .getItems()
              : kubernetes.forCluster(cluster).nodes().list().getItems().stream()
                  .filter(n -> NodeInstance.runsOn(n, instanceIds))
                  .toList();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 0 && e.getCode() < 500) {
        throw e;
      }
      log.warn("{}: cannot list the nodes of {}: {}", cluster, nodeGroup, e.getMessage());
      return new Observation(false, List.of(), List.of(), e.getMessage());
    }
    List<Node> sorted = nodes.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList();
    return new Observation(
        true,
        sorted.stream().filter(n -> readyCondition(n).isPresent()).toList(),
        sorted.stream().filter(n -> readyCondition(n).isEmpty()).map(n -> n.getMetadata().getName()).toList(),
        null);
  }

  /** The node's Ready condition when it is True. */
  private static Optional<NodeCondition> readyCondition(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static NodeJoin join(Node node) {
    String kubelet =
        node.getStatus().getNodeInfo() == null ? null : node.getStatus().getNodeInfo().getKubeletVersion();
    Instant created = instant(node.getMetadata().getCreationTimestamp());
    Instant ready = instant(readyCondition(node).map(NodeCondition::getLastTransitionTime).orElse(null));
    long seconds =
        created == null || ready == null ? 0 : Math.max(0, Duration.between(created, ready).toSeconds());
    return new NodeJoin(node.getMetadata().getName(), kubelet, seconds);
  }

  private static Instant instant(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
