package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists cluster upgrades known to Temporal, filtered on the upgrades' search attributes. */
@Command(
    name = "list",
    description = "List cluster upgrades (running ones unless --closed or --all), filtered by phase, gate, cluster, region or target.",
    mixinStandardHelpOptions = true)
public class ListCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--all", description = "Running upgrades and those that ended.")
  boolean all;

  @Option(names = "--closed", description = "Only upgrades that ended.")
  boolean closed;

  @Option(
      names = "--phase",
      split = ",",
      paramLabel = "PHASE",
      description = "Only upgrades in this phase (repeatable or comma-separated): a step id such as nodegroup-apps, or an"
          + " ended upgrade's outcome (succeeded, rejected, aborted, refused).")
  List<String> phases;

  @Option(
      names = "--awaiting",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "GATE",
      description = "Only upgrades waiting for a human: any gate or decision (no value), a gate (control-plane-1.33),"
          + " a gate type (control-plane, istio, teardown, delete-asg, decide) or a prefix ending in *.")
  String awaiting;

  @Option(names = "--cluster", description = "Only upgrades of this cluster name.")
  String cluster;

  @Option(names = "--region", description = "Only upgrades of clusters in this region.")
  String region;

  @Option(names = "--target", description = "Only upgrades to this Kubernetes version.")
  String target;

  @Option(names = "--json", description = "Print the upgrades as one JSON document.")
  boolean json;

  @Option(names = "--color", defaultValue = "auto", description = "auto (default), always or never.")
  String color;

  @Override
  public boolean json() {
    return json;
  }

  UpgradeFilter filter() {
    if (all && closed) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "list: --all and --closed exclude each other");
    }
    return new UpgradeFilter(
        all ? UpgradeFilter.Openness.ALL : closed ? UpgradeFilter.Openness.CLOSED : UpgradeFilter.Openness.OPEN,
        phases == null ? List.of() : phases.stream().map(String::trim).filter(p -> !p.isEmpty()).toList(),
        awaiting == null ? null : UpgradeFilter.Awaiting.parse(awaiting),
        region,
        cluster,
        target);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    UpgradeFilter filter = filter();
    Terminal terminal = Terminal.detect(StatusCommand.colorMode(color));
    try (TemporalConnection connection = temporal.connect()) {
      List<UpgradeRow> rows;
      boolean byQuery = true;
      try {
        rows = viaVisibilityQuery(connection, filter);
      } catch (WorkflowServiceException | StatusRuntimeException e) {
        StatusRuntimeException grpc = TemporalConnection.findGrpc(e);
        if (grpc == null || grpc.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw connection.unreachable(e);
        }
        // The in-process test server of demo/dev knows only the older list calls.
        rows = viaOpenAndClosedLists(connection, filter);
        byQuery = false;
      }
      if (json) {
        ObjectNode doc = CliJson.object();
        doc.put("query", filter.query());
        doc.put("filteredBy", byQuery ? "visibility query" : "the CLI (this server has no visibility queries)");
        ArrayNode upgrades = doc.putArray("upgrades");
        rows.forEach(r -> upgrades.add(r.toJson()));
        out.println(CliJson.write(doc));
      } else {
        out.print(table(rows, terminal));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  static String table(List<UpgradeRow> rows, Terminal terminal) {
    StringBuilder text = new StringBuilder();
    int idWidth = Math.max(11, rows.stream().mapToInt(r -> r.workflowId().length()).max().orElse(0));
    String format = "%-" + idWidth + "s  %-10s  %-22s  %-22s  %-7s  %s%n";
    text.append(String.format(format, "WORKFLOW ID", "STATUS", "PHASE", "AWAITING", "TARGET", "STARTED"));
    for (UpgradeRow row : rows) {
      String line =
          String.format(
              format,
              row.workflowId(),
              row.status(),
              dash(row.phase()),
              dash(row.awaitingGate()),
              dash(row.targetVersion()),
              row.started());
      if (row.awaitingGate() != null) {
        line = terminal.paint(line.stripTrailing(), Terminal.Colour.YELLOW) + "\n";
      } else if (!"RUNNING".equals(row.status()) && !"COMPLETED".equals(row.status())) {
        line = terminal.paint(line.stripTrailing(), Terminal.Colour.RED) + "\n";
      }
      text.append(line);
    }
    if (rows.isEmpty()) {
      text.append("(no upgrade matches)\n");
    }
    return text.toString();
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private static List<UpgradeRow> viaVisibilityQuery(TemporalConnection connection, UpgradeFilter filter) {
    List<UpgradeRow> rows = new ArrayList<>();
    // The query says all but a cluster name without its region; matches() says that too.
    connection.client
        .listExecutions(filter.query())
        .map(UpgradeRow::of)
        .filter(filter::matches)
        .forEach(rows::add);
    return rows;
  }

  private List<UpgradeRow> viaOpenAndClosedLists(TemporalConnection connection, UpgradeFilter filter) {
    WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(UpgradeFilter.WORKFLOW_TYPE).build();
    List<WorkflowExecutionInfo> infos = new ArrayList<>();
    var service = connection.stubs.blockingStub();
    if (filter.openness() != UpgradeFilter.Openness.CLOSED) {
      infos.addAll(
          service
              .listOpenWorkflowExecutions(
                  ListOpenWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(temporal.namespace)
                      .setTypeFilter(type)
                      .setMaximumPageSize(1000)
                      .build())
              .getExecutionsList());
    }
    if (filter.openness() != UpgradeFilter.Openness.OPEN) {
      infos.addAll(
          service
              .listClosedWorkflowExecutions(
                  ListClosedWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(temporal.namespace)
                      .setTypeFilter(type)
                      .setMaximumPageSize(1000)
                      .build())
              .getExecutionsList());
    }
    List<UpgradeRow> rows = new ArrayList<>();
    for (WorkflowExecutionInfo info : infos) {
      // These lists carry no search attributes; describing each upgrade does.
      WorkflowExecution execution = info.getExecution();
      WorkflowExecutionInfo described =
          service
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder().setNamespace(temporal.namespace).setExecution(execution).build())
              .getWorkflowExecutionInfo();
      UpgradeRow row = UpgradeRow.of(new WorkflowExecutionMetadata(described, connection.client.getOptions().getDataConverter()));
      if (filter.matches(row)) {
        rows.add(row);
      }
    }
    rows.sort(java.util.Comparator.comparing(UpgradeRow::started, java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder())));
    return rows;
  }
}
