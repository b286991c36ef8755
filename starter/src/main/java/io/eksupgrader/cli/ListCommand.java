package io.eksupgrader.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowServiceException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists cluster upgrades known to Temporal. */
@Command(name = "list", description = "List cluster upgrades (running ones unless --all).", mixinStandardHelpOptions = true)
public class ListCommand implements Callable<Integer> {

  static final String WORKFLOW_TYPE = "ClusterUpgrade";

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--all", description = "Include upgrades that ended.")
  boolean all;

  record Row(String workflowId, String status, Instant started) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      List<Row> rows;
      try {
        rows = viaVisibilityQuery(connection);
      } catch (WorkflowServiceException | StatusRuntimeException e) {
        StatusRuntimeException grpc = TemporalConnection.findGrpc(e);
        if (grpc == null || grpc.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw connection.unreachable(e);
        }
        // The in-process test server of demo/dev knows only the older list calls.
        rows = viaOpenAndClosedLists(connection);
      }
      out.printf("%-50s %-12s %s%n", "WORKFLOW ID", "STATUS", "STARTED");
      for (Row row : rows) {
        out.printf("%-50s %-12s %s%n", row.workflowId(), row.status(), row.started());
      }
      return ExitCodes.OK;
    }
  }

  private List<Row> viaVisibilityQuery(TemporalConnection connection) {
    String query = "WorkflowType = '" + WORKFLOW_TYPE + "'" + (all ? "" : " AND ExecutionStatus = 'Running'");
    List<Row> rows = new ArrayList<>();
    connection.client
        .listExecutions(query)
        .forEach((WorkflowExecutionMetadata m) ->
            rows.add(new Row(m.getExecution().getWorkflowId(), shortStatus(m.getStatus().name()), m.getStartTime())));
    return rows;
  }

  private List<Row> viaOpenAndClosedLists(TemporalConnection connection) {
    WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(WORKFLOW_TYPE).build();
    List<Row> rows = new ArrayList<>();
    var service = connection.stubs.blockingStub();
    service
        .listOpenWorkflowExecutions(
            ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(temporal.namespace)
                .setTypeFilter(type)
                .setMaximumPageSize(1000)
                .build())
        .getExecutionsList()
        .forEach(info -> rows.add(row(info)));
    if (all) {
      service
          .listClosedWorkflowExecutions(
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(temporal.namespace)
                  .setTypeFilter(type)
                  .setMaximumPageSize(1000)
                  .build())
          .getExecutionsList()
          .forEach(info -> rows.add(row(info)));
    }
    return rows;
  }

  private static Row row(WorkflowExecutionInfo info) {
    return new Row(
        info.getExecution().getWorkflowId(),
        shortStatus(info.getStatus().name()),
        Instant.ofEpochSecond(info.getStartTime().getSeconds(), info.getStartTime().getNanos()));
  }

  private static String shortStatus(String name) {
    return name.replace("WORKFLOW_EXECUTION_STATUS_", "");
  }
}
