package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** An open Temporal client and the lookups every command needs. */
public final class TemporalConnection implements AutoCloseable {

  final WorkflowServiceStubs stubs;
  final WorkflowClient client;
  final TemporalOptions options;

  TemporalConnection(WorkflowServiceStubs stubs, WorkflowClient client, TemporalOptions options) {
    this.stubs = stubs;
    this.client = client;
    this.options = options;
  }

  public ClusterUpgradeWorkflow upgrade(ClusterRef cluster) {
    return client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowIds.clusterUpgrade(cluster));
  }

  /** Queries an upgrade's status, turning Temporal's errors into what the operator can do. */
  public UpgradeStatus status(ClusterRef cluster) {
    String id = WorkflowIds.clusterUpgrade(cluster);
    try {
      return upgrade(cluster).status();
    } catch (WorkflowNotFoundException e) {
      throw new CliFailure(
          ExitCodes.NOT_FOUND,
          "no upgrade of " + cluster + " found (workflow " + id + "): start one with eks-upgrader start");
    } catch (WorkflowQueryException e) {
      throw new CliFailure(
          ExitCodes.UNREACHABLE,
          "no worker answered the status query of " + id + ": is a worker polling task queue '"
              + options.taskQueue + "'? (" + rootMessage(e) + ")");
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw unreachable(e);
    }
  }

  /**
   * Sends one of the workflow's updates and returns its answer; a refusal, a missing upgrade or
   * an unreachable Temporal becomes a CliFailure with its exit code.
   */
  String update(ClusterRef cluster, Function<ClusterUpgradeWorkflow, String> call) {
    try {
      return call.apply(upgrade(cluster));
    } catch (WorkflowUpdateException e) {
      throw new CliFailure(ExitCodes.REFUSED, "refused: " + refusal(e));
    } catch (WorkflowNotFoundException e) {
      throw new CliFailure(ExitCodes.NOT_FOUND, "no running upgrade of " + cluster + " to answer");
    } catch (WorkflowServiceException e) {
      throw unreachable(e);
    }
  }

  CliFailure unreachable(RuntimeException e) {
    StatusRuntimeException grpc = findGrpc(e);
    if (grpc != null && grpc.getStatus().getCode() == Status.Code.NOT_FOUND) {
      return new CliFailure(ExitCodes.NOT_FOUND, rootMessage(e));
    }
    return new CliFailure(
        ExitCodes.UNREACHABLE,
        "cannot reach Temporal at " + options.target + " (namespace " + options.namespace + "): " + rootMessage(e)
            + ". Start it (docker compose up, or eks-upgrader dev) or pass --temporal host:port");
  }

  static StatusRuntimeException findGrpc(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        return s;
      }
    }
    return null;
  }

  /**
   * The validator's own words: an ApplicationFailure's message also carries its type and
   * retry flag, which tell an operator nothing.
   */
  static String refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure failure) {
        return failure.getOriginalMessage();
      }
    }
    return rootMessage(e);
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  @Override
  public void close() {
    stubs.shutdown();
    stubs.awaitTermination(2, TimeUnit.SECONDS);
  }
}
