package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.Scenario.TaintSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes side of one sandbox cluster, as its AWS side sees it: EC2 instances of node
 * groups become nodes, terminated instances take their nodes (and the pods on them) away. The
 * AWS side decides when instances launch and end; the Kubernetes side decides what runs on them.
 */
public interface ClusterNodes {

  /**
   * An instance launched by a node group.
   *
   * @param nodeName e.g. ip-10-0-1-23.ec2.internal
   * @param nodeGroup the managed node group; null for an instance of a self-managed group (an ASG)
   * @param labels the node's labels, including {@code eks.amazonaws.com/nodegroup} for a managed
   *     group
   * @param readyAfter simulated time from now until the node turns Ready; null means never
   */
  record NodeLaunch(
      String nodeName,
      String instanceId,
      String nodeGroup,
      String kubeletVersion,
      Map<String, String> labels,
      List<TaintSpec> taints,
      Duration readyAfter) {}

  /** Registers the node at once (NotReady until {@code readyAfter} has passed). */
  void launchNode(NodeLaunch launch);

  /** Removes the node of a terminated instance; the pods bound to it disappear with it. */
  void terminateNode(String nodeName);

  /**
   * The control plane now runs {@code version}: what {@code /version} reports, the version of new
   * Fargate nodes, and the version Karpenter's nodes drift towards.
   */
  default void controlPlaneVersionChanged(String version) {}

  /** The names of the nodes that exist now. */
  List<String> nodeNames();

  /** The API server's URL, which DescribeCluster reports as the cluster's endpoint. */
  URI apiServerUrl();

  /** Base64 PEM of the API server's CA, which DescribeCluster reports. */
  String certificateAuthorityData();
}
