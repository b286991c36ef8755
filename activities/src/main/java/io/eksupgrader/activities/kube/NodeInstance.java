package io.eksupgrader.activities.kube;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Collection;
import java.util.Optional;

/**
 * The EC2 instance behind a node, read from its {@code spec.providerID}, which the AWS cloud
 * provider sets to {@code aws:///<availability-zone>/<instance-id>}. A self-managed group's nodes
 * have no label naming their group, but their instances are the group's.
 */
public final class NodeInstance {

  private NodeInstance() {}

  /** The instance id, or empty when the node names none (not on EC2, or not registered yet). */
  public static Optional<String> instanceId(Node node) {
    String providerId = node.getSpec() == null ? null : node.getSpec().getProviderID();
    if (providerId == null || !providerId.startsWith("aws://")) {
      return Optional.empty();
    }
    String id = providerId.substring(providerId.lastIndexOf('/') + 1);
    return id.startsWith("i-") ? Optional.of(id) : Optional.empty();
  }

  /** Whether the node runs on one of the instances. */
  public static boolean runsOn(Node node, Collection<String> instanceIds) {
    return instanceId(node).filter(instanceIds::contains).isPresent();
  }
}
