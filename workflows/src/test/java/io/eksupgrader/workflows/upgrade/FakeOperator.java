package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.ApprovalPolicyActivities;
import io.eksupgrader.workflows.activities.HealthGateActivities;
import io.eksupgrader.workflows.activities.NotificationActivities;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The worker's approval policy, Prometheus and the webhook behind their activity interfaces, for
 * workflow-logic tests only. Health is fine unless a test scripts values per gate; every
 * evaluation and notification is recorded.
 */
class FakeOperator implements ApprovalPolicyActivities, HealthGateActivities, NotificationActivities {

  private ApprovalPolicy workerPolicy = ApprovalPolicy.none();
  private final Map<String, Function<String, Double>> values = new HashMap<>();
  private final List<String> evaluations = new ArrayList<>();
  private final List<Notification> notifications = new ArrayList<>();

  synchronized void workerPolicy(ApprovalPolicy policy) {
    this.workerPolicy = policy;
  }

  /** The value a gate's query answers from now on, given why it is asked; null means no data. */
  synchronized void value(String gate, Function<String, Double> byWhen) {
    values.put(gate, byWhen);
  }

  synchronized List<String> evaluations() {
    return List.copyOf(evaluations);
  }

  synchronized List<Notification> notifications() {
    return List.copyOf(notifications);
  }

  @Override
  public synchronized ApprovalPolicy loadApprovalPolicy() {
    return workerPolicy;
  }

  @Override
  public synchronized HealthReport evaluateHealthGates(HealthGateRequest request) {
    evaluations.add(request.when());
    List<HealthReading> readings = new ArrayList<>();
    for (HealthGate gate : request.gates()) {
      Double value = values.containsKey(gate.name()) ? values.get(gate.name()).apply(request.when()) : null;
      List<SeriesValue> series = value == null ? List.of() : List.of(new SeriesValue("{}", value));
      readings.add(
          new HealthReading(
              gate.name(), gate.query(), gate.max(), gate.unit(), series, value != null && value > gate.max(), null));
    }
    return new HealthReport(Instant.now(), request.when(), readings);
  }

  @Override
  public synchronized NotificationResult notify(Notification notification) {
    notifications.add(notification);
    return new NotificationResult(true, notification.channel(), "recorded by the test");
  }
}
