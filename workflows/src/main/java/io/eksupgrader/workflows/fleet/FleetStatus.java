package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.OpenGate;
import java.time.Instant;
import java.util.List;

/**
 * Everything an operator needs to know about a fleet, as the {@code status} query answers.
 *
 * @param phase what runs or waits now, in words: {@code wave dev running}, {@code soaking after dev}
 * @param openGate the wave gate that waits for approval (its summary says what it waits for), or null
 * @param audit every approval and rejection received, refusals with their reasons
 * @param failures clusters failed so far
 */
public record FleetStatus(
    String workflowId,
    String name,
    String requestedBy,
    FleetOutcome outcome,
    String phase,
    List<WaveStatus> waves,
    OpenGate openGate,
    int failures,
    FailureMode onFailure,
    int maxFailures,
    List<AuditEntry> audit,
    String message,
    Instant startedAt,
    Instant updatedAt) {

  public FleetStatus {
    waves = waves == null ? List.of() : List.copyOf(waves);
    audit = audit == null ? List.of() : List.copyOf(audit);
  }
}
