package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.common.converter.DataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finds what runs right now: the pending activities of an upgrade and of its running child
 * workflows (one per control-plane minor, node group, Istio step), through {@code
 * DescribeWorkflowExecution}, with their heartbeats decoded by the client's data converter.
 */
final class PendingActivities {

  /** Children of children are followed this deep; the upgrade's tree is two levels today. */
  private static final int MAX_DEPTH = 3;

  private final Function<WorkflowExecution, DescribeWorkflowExecutionResponse> describe;
  private final DataConverter converter;

  PendingActivities(Function<WorkflowExecution, DescribeWorkflowExecutionResponse> describe, DataConverter converter) {
    this.describe = describe;
    this.converter = converter;
  }

  static PendingActivities of(TemporalConnection connection) {
    return new PendingActivities(
        execution ->
            connection.stubs
                .blockingStub()
                .describeWorkflowExecution(
                    DescribeWorkflowExecutionRequest.newBuilder()
                        .setNamespace(connection.options.namespace)
                        .setExecution(execution)
                        .build()),
        connection.client.getOptions().getDataConverter());
  }

  /**
   * The pending activities of the upgrade and its running children, the upgrade's first.
   *
   * @param phase the upgrade's current step, which its own activities belong to
   */
  List<ActivityProgress> of(String upgradeWorkflowId, String phase) {
    List<ActivityProgress> found = new ArrayList<>();
    collect(WorkflowExecution.newBuilder().setWorkflowId(upgradeWorkflowId).build(), upgradeWorkflowId, phase, 0, found);
    return found;
  }

  private void collect(WorkflowExecution execution, String upgradeId, String phase, int depth, List<ActivityProgress> found) {
    DescribeWorkflowExecutionResponse description;
    try {
      description = describe.apply(execution);
    } catch (StatusRuntimeException e) {
      if (depth > 0 && e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return; // The child ended between the two calls.
      }
      throw e;
    }
    String step = depth == 0 ? phase : stepOf(upgradeId, execution.getWorkflowId());
    found.addAll(read(description, step, converter));
    if (depth + 1 >= MAX_DEPTH) {
      return;
    }
    for (PendingChildExecutionInfo child : description.getPendingChildrenList()) {
      if (child.getRunId().isEmpty()) {
        continue; // Initiated, not started: nothing runs in it yet.
      }
      collect(
          WorkflowExecution.newBuilder().setWorkflowId(child.getWorkflowId()).setRunId(child.getRunId()).build(),
          upgradeId,
          phase,
          depth + 1,
          found);
    }
  }

  /** {@code eks-upgrade/r/c/nodegroup-apps/attempt-2} → {@code nodegroup-apps}. */
  static String stepOf(String upgradeId, String childId) {
    if (!childId.startsWith(upgradeId + "/")) {
      return childId;
    }
    String rest = childId.substring(upgradeId.length() + 1);
    return rest.replaceFirst("/attempt-\\d+$", "");
  }

  /** The pending activities of one described workflow. */
  static List<ActivityProgress> read(DescribeWorkflowExecutionResponse description, String step, DataConverter converter) {
    String workflowId = description.getWorkflowExecutionInfo().getExecution().getWorkflowId();
    List<ActivityProgress> activities = new ArrayList<>();
    for (PendingActivityInfo info : description.getPendingActivitiesList()) {
      String type = info.getActivityType().getName();
      JsonNode details = null;
      if (info.hasHeartbeatDetails() && info.getHeartbeatDetails().getPayloadsCount() > 0) {
        details = decode(info.getHeartbeatDetails().getPayloads(0), converter);
      }
      Duration timeout = null;
      if (info.hasActivityOptions() && info.getActivityOptions().hasStartToCloseTimeout()) {
        com.google.protobuf.Duration d = info.getActivityOptions().getStartToCloseTimeout();
        timeout = Duration.ofSeconds(d.getSeconds(), d.getNanos());
        if (timeout.isZero()) {
          timeout = null;
        }
      }
      activities.add(
          new ActivityProgress(
              workflowId.isEmpty() ? null : workflowId,
              step,
              type,
              info.getState().name().replace("PENDING_ACTIVITY_STATE_", ""),
              info.getAttempt(),
              instant(info.hasLastStartedTime() ? info.getLastStartedTime() : null),
              instant(info.hasLastHeartbeatTime() ? info.getLastHeartbeatTime() : null),
              timeout,
              details,
              HeartbeatDetails.read(type, details),
              info.hasLastFailure() ? info.getLastFailure().getMessage() : null));
    }
    return activities;
  }

  private static JsonNode decode(Payload payload, DataConverter converter) {
    try {
      return converter.fromPayload(payload, JsonNode.class, JsonNode.class);
    } catch (RuntimeException e) {
      // Not JSON (a codec or another SDK's encoding): show that there is something, not what.
      return CliJson.MAPPER.getNodeFactory().textNode("(heartbeat details not readable as JSON)");
    }
  }

  private static Instant instant(Timestamp t) {
    if (t == null || (t.getSeconds() == 0 && t.getNanos() == 0)) {
      return null;
    }
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
