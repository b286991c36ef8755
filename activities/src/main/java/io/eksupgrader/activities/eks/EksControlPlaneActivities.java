package io.eksupgrader.activities.eks;

import io.eksupgrader.workflows.activities.ControlPlaneActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AwaitVersionUpdateRequest;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.VersionUpdateHandle;
import io.eksupgrader.workflows.model.VersionUpdateOutcome;
import io.eksupgrader.workflows.model.VersionUpdateRequest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateStatus;

/**
 * Starts and follows EKS control-plane version updates.
 *
 * <p>Start: observe the cluster (DescribeCluster, then its in-progress updates). Already at the
 * target: done, nothing is called. An update to the target in flight: adopt it; that is what a
 * retried attempt finds after a worker was killed between the call and its completion. An update
 * to another version in flight: stop, an operator must look. Otherwise call UpdateClusterVersion
 * with the step's token, so that EKS answers a repeated call with the same update. A 409
 * ResourceInUseException means EKS is still finishing something, even when the cluster already
 * shows ACTIVE: sleep, heartbeat, observe again.
 *
 * <p>Await: poll DescribeUpdate, heartbeating the poll count so that a new attempt continues
 * the count where the last one stopped.
 */
public class EksControlPlaneActivities implements ControlPlaneActivities {

  private static final Logger log = LoggerFactory.getLogger(EksControlPlaneActivities.class);

  private final EksClientProvider clients;
  private final ControlPlaneActivitySettings settings;

  public EksControlPlaneActivities(EksClientProvider clients, ControlPlaneActivitySettings settings) {
    this.clients = clients;
    this.settings = settings;
  }

  @Override
  public VersionUpdateHandle startVersionUpdate(VersionUpdateRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    EksClient eks = clients.forRegion(request.cluster().region());
    String name = request.cluster().name();
    int conflicts = 0;
    while (true) {
      Cluster cluster = describe(eks, name);
      if (request.targetVersion().equals(cluster.version())) {
        log.info("{} already runs {}: nothing to start", request.cluster(), cluster.version());
        return new VersionUpdateHandle(null, VersionUpdateHandle.How.ALREADY_AT_TARGET, cluster.version());
      }
      List<ClusterSnapshot.InProgressUpdate> inFlight = EksClusterInspectionActivities.inProgressUpdates(eks, name);
      for (ClusterSnapshot.InProgressUpdate update : inFlight) {
        if ("VersionUpdate".equals(update.type()) && request.targetVersion().equals(update.targetVersion())) {
          log.info("{}: adopting update {} to {} already in flight", request.cluster(), update.id(), update.targetVersion());
          return new VersionUpdateHandle(update.id(), VersionUpdateHandle.How.ADOPTED, cluster.version());
        }
        if ("VersionUpdate".equals(update.type())) {
          throw ApplicationFailure.newNonRetryableFailure(
              "update " + update.id() + " to " + update.targetVersion() + " is in progress, not to "
                  + request.targetVersion() + ": someone else is upgrading this cluster",
              FailureTypes.CONFLICTING_UPDATE);
        }
      }
      try {
        Update update =
            eks.updateClusterVersion(
                    r -> r.name(name).version(request.targetVersion()).clientRequestToken(request.clientRequestToken()))
                .update();
        log.info("{}: started update {} to {}", request.cluster(), update.id(), request.targetVersion());
        return new VersionUpdateHandle(update.id(), VersionUpdateHandle.How.STARTED, cluster.version());
      } catch (ResourceInUseException e) {
        conflicts++;
        String progress = "409 ResourceInUseException #" + conflicts + ": " + e.awsErrorDetails().errorMessage();
        log.info("{}: {}; observing again in {}", request.cluster(), progress, settings.conflictBackoff());
        context.heartbeat(progress);
        sleep(settings.conflictBackoff());
      } catch (InvalidParameterException | InvalidRequestException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            "EKS refused UpdateClusterVersion to " + request.targetVersion() + ": " + e.awsErrorDetails().errorMessage(),
            FailureTypes.EKS_INVALID_REQUEST);
      }
    }
  }

  @Override
  public VersionUpdateOutcome awaitVersionUpdate(AwaitVersionUpdateRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    EksClient eks = clients.forRegion(request.cluster().region());
    String name = request.cluster().name();
    int polls = context.getHeartbeatDetails(Integer.class).orElse(0);
    while (true) {
      Update update;
      try {
        update = eks.describeUpdate(r -> r.name(name).updateId(request.updateId())).update();
      } catch (ResourceNotFoundException e) {
        throw ApplicationFailure.newNonRetryableFailure(
            "update " + request.updateId() + " of cluster " + request.cluster() + " does not exist: "
                + e.awsErrorDetails().errorMessage(),
            FailureTypes.CLUSTER_NOT_FOUND);
      }
      polls++;
      if (update.status() == UpdateStatus.SUCCESSFUL) {
        Cluster cluster = describe(eks, name);
        return new VersionUpdateOutcome(
            update.id(),
            update.statusAsString(),
            cluster.version(),
            update.createdAt() == null ? null : update.createdAt().toString(),
            polls);
      }
      if (update.status() == UpdateStatus.FAILED || update.status() == UpdateStatus.CANCELLED) {
        String errors =
            update.errors().stream()
                .map(e -> e.errorCodeAsString() + ": " + e.errorMessage())
                .collect(Collectors.joining("; "));
        throw ApplicationFailure.newNonRetryableFailure(
            "EKS update " + update.id() + " to " + request.targetVersion() + " ended " + update.statusAsString()
                + (errors.isEmpty() ? "" : ": " + errors),
            FailureTypes.EKS_UPDATE_FAILED);
      }
      context.heartbeat(polls);
      sleep(settings.pollInterval());
    }
  }

  private static Cluster describe(EksClient eks, String name) {
    try {
      return eks.describeCluster(r -> r.name(name)).cluster();
    } catch (ResourceNotFoundException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster " + name + " does not exist: " + e.awsErrorDetails().errorMessage(), FailureTypes.CLUSTER_NOT_FOUND);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
