package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/**
 * One activity that runs (or waits for its next attempt) in an upgrade or one of its child
 * workflows, with what its last heartbeat said.
 *
 * @param workflowId the upgrade's id, or the child's ({@code <upgrade>/<step>[/attempt-N]})
 * @param step the plan step it belongs to; for the upgrade's own activities its current phase
 * @param state Temporal's pending state: SCHEDULED, STARTED, CANCEL_REQUESTED
 * @param timeout the attempt's start-to-close timeout when Temporal reports it, else null
 * @param details the decoded heartbeat details (the first payload), or null before any heartbeat
 * @param reading what the details say, for people
 * @param lastFailure the last attempt's failure message, or null
 */
record ActivityProgress(
    String workflowId,
    String step,
    String activityType,
    String state,
    int attempt,
    Instant startedAt,
    Instant lastHeartbeatAt,
    Duration timeout,
    JsonNode details,
    HeartbeatReading reading,
    String lastFailure) {

  /** The JSON form; the heartbeat time is left to {@link #toJson(boolean)}'s caller. */
  ObjectNode toJson(boolean withClock) {
    ObjectNode node = CliJson.object();
    node.put("workflowId", workflowId);
    node.put("step", step);
    node.put("activityType", activityType);
    node.put("state", state);
    node.put("attempt", attempt);
    if (withClock) {
      node.put("startedAt", startedAt == null ? null : startedAt.toString());
      node.put("lastHeartbeatAt", lastHeartbeatAt == null ? null : lastHeartbeatAt.toString());
    }
    if (timeout != null) {
      node.put("timeoutSeconds", timeout.toSeconds());
    }
    node.put("text", reading.text());
    if (reading.total() != null) {
      node.put("done", reading.done());
      node.put("total", reading.total());
      node.put("unit", reading.unit());
    }
    node.set("details", details);
    node.put("lastFailure", lastFailure);
    return node;
  }
}
