package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.upgrade.UpgradeSignals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The upgrade's static summary and details, set when it starts so that the Temporal UI's list and
 * workflow page say what it is: which cluster to which version, who started it and with which
 * options. The version the cluster runs is not known yet (pre-flight reads it); the workflow's
 * current details show it.
 */
final class StartSummary {

  private StartSummary() {}

  /** e.g. {@code demo (us-east-1) → 1.34}. */
  /** How {@code start} and {@code plan} start a workflow: its id, queue, summary and details. */
  static io.temporal.client.WorkflowOptions workflowOptions(
      TemporalConnection connection, String workflowId, UpgradeRequest request) {
    return io.temporal.client.WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(connection.options.taskQueue)
        .setStaticSummary(summary(request))
        .setStaticDetails(details(request, connection.options.identity, Instant.now()))
        .build();
  }

  static String summary(UpgradeRequest request) {
    return request.cluster().name() + " (" + request.cluster().region() + ") → " + request.targetVersion()
        + (request.optionsOrDefaults().dryRun() ? " (dry run)" : "");
  }

  /** Markdown: the request, who started it and when, every option, and how to follow and approve it. */
  static String details(UpgradeRequest request, String identity, Instant at) {
    String name = request.cluster().name();
    String region = request.cluster().region();
    StringBuilder md = new StringBuilder();
    md.append("**EKS upgrade** of `").append(name).append("` in `").append(region).append("` to Kubernetes **")
        .append(request.targetVersion()).append("**, one minor at a time")
        .append(request.optionsOrDefaults().dryRun() ? " (dry run: pre-flight and the plan only, nothing changed)" : "")
        .append(".\n\n");
    md.append("Started by `").append(request.requestedBy() == null ? identity : request.requestedBy())
        .append("` with the eks-upgrader CLI at ").append(at).append(".\n\n");
    md.append("| option | value |\n|---|---|\n");
    for (String[] row : rows(CliJson.tree(request.optionsOrDefaults()), "")) {
      md.append("| `").append(row[0]).append("` | ").append(row[1].replace("|", "\\|")).append(" |\n");
    }
    md.append("\nFollow it: `eks-upgrader status --cluster ").append(name).append(" --region ").append(region)
        .append(" --watch`\n\n");
    md.append("Approve a gate: Send Signal `").append(UpgradeSignals.APPROVE).append("` with `")
        .append(UpgradeSignals.approvalJson("<gate>")).append("`, or `eks-upgrader approve --cluster ").append(name)
        .append(" --region ").append(region).append(" --gate <gate>`. The current details name the open gate.\n");
    return md.toString();
  }

  /**
   * Every leaf of the options as {@code path = value}: whatever fields the options gain, they are
   * shown without a change here.
   */
  private static List<String[]> rows(JsonNode node, String path) {
    List<String[]> rows = new ArrayList<>();
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        rows.addAll(rows(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey()));
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
      rows.add(new String[] {path, items.isEmpty() ? "none" : String.join(", ", items)});
    } else if (!node.isNull()) {
      rows.add(new String[] {path, node.asText()});
    }
    return rows;
  }
}
