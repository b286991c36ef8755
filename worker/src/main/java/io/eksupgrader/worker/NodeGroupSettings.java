package io.eksupgrader.worker;

import io.eksupgrader.activities.nodegroups.NodeGroupActivitySettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.node-groups.*}: how the node group activities poll and when they give up. */
@ConfigurationProperties("eks-upgrader.node-groups")
public class NodeGroupSettings {

  private Duration pollInterval = Duration.ofSeconds(30);
  private Duration nodeReadyTimeout = Duration.ofMinutes(15);
  private Duration deleteStallTimeout = Duration.ofMinutes(20);

  NodeGroupActivitySettings toActivitySettings() {
    return new NodeGroupActivitySettings(pollInterval, nodeReadyTimeout, deleteStallTimeout);
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
