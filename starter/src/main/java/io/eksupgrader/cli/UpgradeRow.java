package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.upgrade.UpgradeSearchAttributes;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import java.time.Instant;

/**
 * One upgrade as {@code list} shows it: from Temporal's visibility, with the search attributes
 * the workflow keeps up to date.
 *
 * @param status Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ...
 * @param cluster {@code region/name}; null for an upgrade refused before it set its attributes
 */
record UpgradeRow(
    String workflowId,
    String runId,
    String status,
    Instant started,
    Instant closed,
    String cluster,
    String targetVersion,
    String phase,
    String awaitingGate) {

  static UpgradeRow of(WorkflowExecutionMetadata m) {
    SearchAttributes attributes = m.getTypedSearchAttributes();
    return new UpgradeRow(
        m.getExecution().getWorkflowId(),
        m.getExecution().getRunId(),
        m.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""),
        m.getStartTime(),
        m.getCloseTime(),
        attributes.get(UpgradeSearchAttributes.CLUSTER),
        attributes.get(UpgradeSearchAttributes.TARGET_VERSION),
        attributes.get(UpgradeSearchAttributes.PHASE),
        attributes.get(UpgradeSearchAttributes.AWAITING_GATE));
  }

  ObjectNode toJson() {
    ObjectNode node = CliJson.object();
    node.put("workflowId", workflowId);
    node.put("runId", runId);
    node.put("status", status);
    node.put("cluster", cluster);
    node.put("targetVersion", targetVersion);
    node.put("phase", phase);
    node.put("awaitingGate", awaitingGate);
    node.put("startedAt", started == null ? null : started.toString());
    node.put("closedAt", closed == null ? null : closed.toString());
    return node;
  }
}
