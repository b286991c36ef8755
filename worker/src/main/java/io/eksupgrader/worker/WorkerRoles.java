package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * {@code eks-upgrader.worker.*}: whether this process runs workflows, activities or both. Both by
 * default; split them to scale the processes that call AWS apart from the ones that orchestrate.
 */
@ConfigurationProperties("eks-upgrader.worker")
public class WorkerRoles {

  private boolean workflows = true;
  private boolean activities = true;
  private java.time.Duration maxHeartbeatThrottleInterval = java.time.Duration.ofSeconds(5);

  public boolean isWorkflows() {
    return workflows;
  }

  public void setWorkflows(boolean workflows) {
    this.workflows = workflows;
  }

  public boolean isActivities() {
    return activities;
  }

  public void setActivities(boolean activities) {
    this.activities = activities;
  }

  /**
   * The longest a heartbeat may wait before it is sent. A cancellation (a health gate stopping a
   * drain, an operator cancelling the upgrade) reaches a running activity with the next heartbeat's
   * answer, so this bounds how long a stopped drain goes on evicting.
   */
  public java.time.Duration getMaxHeartbeatThrottleInterval() {
    return maxHeartbeatThrottleInterval;
  }

  public void setMaxHeartbeatThrottleInterval(java.time.Duration maxHeartbeatThrottleInterval) {
    this.maxHeartbeatThrottleInterval = maxHeartbeatThrottleInterval;
  }
}
