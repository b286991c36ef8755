package io.eksupgrader.worker;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health} is UP only while the worker polls and the Temporal frontend answers. */
@Singleton
@Requires(property = "eks-upgrader.worker.enabled", notEquals = "false")
public class TemporalHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

  private final UpgradeWorker worker;
  private final WorkflowServiceStubs stubs;
  private final TemporalSettings temporal;

  public TemporalHealthIndicator(UpgradeWorker worker, WorkflowServiceStubs stubs, TemporalSettings temporal) {
    this.worker = worker;
    this.stubs = stubs;
    this.temporal = temporal;
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("target", temporal.getTarget());
    details.put("namespace", temporal.getNamespace());
    details.put("taskQueue", temporal.getTaskQueue());
    boolean serving;
    try {
      serving = stubs.healthCheck().getStatus().name().equals("SERVING");
    } catch (RuntimeException e) {
      serving = false;
      details.put("error", e.getMessage());
    }
    details.put("frontend", serving ? "SERVING" : "NOT_SERVING");
    details.put("polling", worker.isStarted());
    healthStatus = serving && worker.isStarted() ? HealthStatus.UP : HealthStatus.DOWN;
    return details;
  }

  @Override
  protected String getName() {
    return "temporal";
  }
}
