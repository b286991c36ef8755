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
}
