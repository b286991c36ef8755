package io.eksupgrader.cli;

import io.eksupgrader.workflows.fleet.FleetIds;
import io.eksupgrader.workflows.fleet.FleetStatus;
import io.eksupgrader.workflows.fleet.FleetUpgradeWorkflow;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.fleet.FleetClusterState;
import io.eksupgrader.workflows.fleet.FleetClusterStatus;
import io.eksupgrader.workflows.fleet.WaveStatus;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The fleet lookups the fleet commands share, with Temporal's errors turned into what to do. */
final class FleetQueries {

  private FleetQueries() {}

  static FleetUpgradeWorkflow fleet(TemporalConnection connection, String name) {
    return connection.client.newWorkflowStub(FleetUpgradeWorkflow.class, FleetIds.fleet(name));
  }

  static FleetStatus status(TemporalConnection connection, String name) {
    String id = FleetIds.fleet(name);
    try {
      return fleet(connection, name).status();
    } catch (WorkflowNotFoundException e) {
      throw new CliFailure(ExitCodes.NOT_FOUND, "no fleet " + name + " found (workflow " + id + "): start one with eks-upgrader fleet start --spec fleet.yaml");
    } catch (WorkflowQueryException e) {
      throw new CliFailure(
          ExitCodes.UNREACHABLE,
          "no worker answered the status query of " + id + ": is a worker polling task queue '" + connection.options.taskQueue
              + "'? (" + TemporalConnection.rootMessage(e) + ")");
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw connection.unreachable(e);
    }
  }

  /**
   * Each running cluster's phase, from its own upgrade's status; a cluster whose status cannot be
   * read shows why instead, so that one slow child does not hide the fleet.
   */
  static Map<String, String> runningPhases(TemporalConnection connection, FleetStatus status) {
    Map<String, String> phases = new LinkedHashMap<>();
    for (WaveStatus wave : status.waves()) {
      for (FleetClusterStatus cluster : wave.clusters()) {
        if (cluster.state() != FleetClusterState.RUNNING) {
          continue;
        }
        try {
          UpgradeStatus upgrade = connection.client.newWorkflowStub(ClusterUpgradeWorkflow.class, cluster.workflowId()).status();
          phases.put(cluster.workflowId(), upgrade.openGate() != null ? "waits at gate " + upgrade.openGate().gate() : upgrade.phase());
        } catch (RuntimeException e) {
          phases.put(cluster.workflowId(), "(status not readable: " + TemporalConnection.rootMessage(e) + ")");
        }
      }
    }
    return phases;
  }

  static String update(TemporalConnection connection, String name, Function<FleetUpgradeWorkflow, String> call) {
    try {
      return call.apply(fleet(connection, name));
    } catch (WorkflowUpdateException e) {
      throw new CliFailure(ExitCodes.REFUSED, "refused: " + TemporalConnection.rootMessage(e));
    } catch (WorkflowNotFoundException e) {
      throw new CliFailure(ExitCodes.NOT_FOUND, "no running fleet " + name + " to answer (workflow " + FleetIds.fleet(name) + ")");
    } catch (WorkflowServiceException e) {
      throw connection.unreachable(e);
    }
  }
}
