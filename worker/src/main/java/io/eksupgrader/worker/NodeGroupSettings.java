package io.eksupgrader.worker;

import io.eksupgrader.activities.nodegroups.NodeGroupActivitySettings;
import io.eksupgrader.activities.selfmanaged.SelfManagedNodeGroupSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code eks-upgrader.node-groups.*}: how the node group activities, managed and self-managed,
 * poll and when they give up.
 */
@ConfigurationProperties("eks-upgrader.node-groups")
public class NodeGroupSettings {

  private Duration pollInterval = Duration.ofSeconds(30);
  private Duration nodeReadyTimeout = Duration.ofMinutes(15);
  private Duration deleteStallTimeout = Duration.ofMinutes(20);
  private Duration selfManagedDeleteTimeout = Duration.ofMinutes(30);

  NodeGroupActivitySettings toActivitySettings() {
    return new NodeGroupActivitySettings(pollInterval, nodeReadyTimeout, deleteStallTimeout);
  }

  SelfManagedNodeGroupSettings toSelfManagedSettings() {
    return new SelfManagedNodeGroupSettings(pollInterval, nodeReadyTimeout, selfManagedDeleteTimeout);
  }

  public Duration getSelfManagedDeleteTimeout() {
    return selfManagedDeleteTimeout;
  }

  public void setSelfManagedDeleteTimeout(Duration selfManagedDeleteTimeout) {
    this.selfManagedDeleteTimeout = selfManagedDeleteTimeout;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getNodeReadyTimeout() {
    return nodeReadyTimeout;
  }

  public void setNodeReadyTimeout(Duration nodeReadyTimeout) {
    this.nodeReadyTimeout = nodeReadyTimeout;
  }

  public Duration getDeleteStallTimeout() {
    return deleteStallTimeout;
  }

  public void setDeleteStallTimeout(Duration deleteStallTimeout) {
    this.deleteStallTimeout = deleteStallTimeout;
  }
}
