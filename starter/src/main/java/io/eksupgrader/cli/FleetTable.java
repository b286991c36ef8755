package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.fleet.FleetClusterStatus;
import io.eksupgrader.workflows.fleet.FleetStatus;
import io.eksupgrader.workflows.fleet.WaveStatus;
import io.eksupgrader.workflows.model.OpenGate;
import java.time.Duration;
import java.util.Map;

/** A fleet's status as text (a table per wave) or as one JSON document. */
final class FleetTable {

  private FleetTable() {}

  static String text(FleetStatus status, Map<String, String> phases) {
    StringBuilder out = new StringBuilder();
    out.append("Fleet ").append(status.workflowId()).append(" — ").append(status.outcome()).append(": ").append(status.phase()).append('\n');
    out.append("Failures: ").append(status.failures()).append(" (onFailure ")
        .append(status.onFailure() == null ? "?" : status.onFailure().specName());
    if (status.maxFailures() > 0) {
      out.append(", maxFailures ").append(status.maxFailures());
    }
    out.append(")\n");
    if (status.message() != null) {
      out.append(status.message()).append('\n');
    }
    for (WaveStatus wave : status.waves()) {
      out.append('\n').append("Wave ").append(wave.name()).append(" — ").append(wave.state())
          .append(" (concurrency ").append(wave.concurrency());
      if (wave.gate()) {
        out.append(", gate wave-").append(wave.name());
      }
      if (wave.soakSeconds() > 0) {
        out.append(", soak ").append(duration(wave.soakSeconds()));
        if (wave.soakEndsAt() != null) {
          out.append(" until ").append(wave.soakEndsAt());
        }
      }
      out.append(")\n");
      out.append(String.format("  %-32s %-10s %-10s %s%n", "CLUSTER", "STATE", "VERSION", "PHASE / MESSAGE"));
      for (FleetClusterStatus cluster : wave.clusters()) {
        String detail = phases.getOrDefault(cluster.workflowId(), cluster.message() == null ? "" : cluster.message());
        String version = cluster.finalVersion() != null ? cluster.finalVersion() : "→ " + cluster.targetVersion();
        out.append(String.format("  %-32s %-10s %-10s %s%n", cluster.cluster(), cluster.state(), version, detail));
      }
    }
    OpenGate gate = status.openGate();
    if (gate != null) {
      out.append('\n').append("Open gate ").append(gate.gate()).append(" since ").append(gate.openedAt()).append(":\n  ")
          .append(gate.summary()).append('\n');
      if (!gate.approvers().isEmpty()) {
        out.append("  May approve: ").append(String.join(", ", gate.approvers())).append('\n');
      }
    }
    long refused = status.audit().stream().filter(a -> !a.accepted()).count();
    if (refused > 0) {
      out.append('\n').append(refused).append(" approval(s) refused; see status --json for the audit\n");
    }
    return out.toString();
  }

  /** The fleet's status with each running cluster's phase added to its entry. */
  static ObjectNode json(FleetStatus status, Map<String, String> phases) {
    ObjectNode doc = (ObjectNode) CliJson.tree(status);
    for (JsonNode wave : doc.path("waves")) {
      for (JsonNode cluster : wave.path("clusters")) {
        String phase = phases.get(cluster.path("workflowId").asText());
        ((ObjectNode) cluster).put("phase", phase);
      }
    }
    return doc;
  }

  private static String duration(long seconds) {
    return Duration.ofSeconds(seconds).toString().substring(2).toLowerCase();
  }
}
