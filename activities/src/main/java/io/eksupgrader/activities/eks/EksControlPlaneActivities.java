package io.eksupgrader.activities.eks;

import io.eksupgrader.workflows.activities.ControlPlaneActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AwaitVersionUpdateRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot.InProgressUpdate;
import io.eksupgrader.workflows.model.VersionUpdateHandle;
import io.eksupgrader.workflows.model.VersionUpdateHandle.How;
import io.eksupgrader.workflows.model.VersionUpdateOutcome;
import io.eksupgrader.workflows.model.VersionUpdateRequest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateParamType;
import software.amazon.awssdk.services.eks.model.UpdateType;

/**
 * Moves the control plane by one minor, safely when run more than once.
 *
 * <p>Start observes before it acts: a cluster already at the target needs nothing; an InProgress
 * version update to the target (say, made by an attempt whose worker died) is adopted; one to
 * another version stops with {@link FailureTypes#CONFLICTING_UPDATE}. Only then does it call
 * UpdateClusterVersion, always with the request's token, so that EKS answers a repeated call with
 * the update it already made. A 409 ResourceInUseException, which EKS also answers for a while
 * after an update ended and the cluster shows ACTIVE, is waited out: back off, heartbeat, observe
 * again, until the activity's start-to-close timeout ends the attempt. A cluster that is busy
 * with another operation (UPDATING, another update in progress) is waited on the same way, without
 * a call that could only earn a 409.
 *
 * <p>Await polls DescribeUpdate and heartbeats the poll count, which a retried attempt continues.
 *
 * <p>Throttling and 5xx are retried by the SDK's standard retry mode; what still fails propagates
 * for the activity's retry policy. Refusals that a retry cannot fix are non-retryable failures.
 */
public class EksControlPlaneActivities implements ControlPlaneActivities {

  private static final Logger log = LoggerFactory.getLogger(EksControlPlaneActivities.class);

  /** Statuses that end by themselves; calling UpdateClusterVersion meanwhile only earns a 409. */
  private static final Set<String> SETTLING = Set.of("CREATING", "UPDATING", "PENDING");

  private final EksClientProvider clients;
  private final ControlPlaneActivitySettings settings;

  public EksControlPlaneActivities(EksClientProvider clients, ControlPlaneActivitySettings settings) {
    this.clients = clients;
    this.settings = settings;
  }

  @Override
  public VersionUpdateHandle startVersionUpdate(VersionUpdateRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ClusterRef ref = request.cluster();
    String target = request.targetVersion();
    // Without a token the SDK makes a random one per call, and a retry could start a second update.
    require(request.clientRequestToken(), "clientRequestToken");
    require(target, "targetVersion");
    EksClient eks = clients.forRegion(ref.region());
    for (int round = 1; ; round++) {
      Cluster cluster = describeCluster(eks, ref);
      if (target.equals(cluster.version())) {
        log.info("{}: already at {}", ref, target);
        return new VersionUpdateHandle(null, How.ALREADY_AT_TARGET, cluster.version());
      }
      List<InProgressUpdate> running = inProgress(eks, ref);
      for (InProgressUpdate u : running) {
        if (UpdateType.VERSION_UPDATE.toString().equals(u.type())) {
          if (target.equals(u.targetVersion())) {
            log.info("{}: adopting update {} to {}", ref, u.id(), target);
            return new VersionUpdateHandle(u.id(), How.ADOPTED, cluster.version());
          }
          throw ApplicationFailure.newNonRetryableFailure(
              ref
                  + ": update "
                  + u.id()
                  + " to version "
                  + u.targetVersion()
                  + " is in progress, not one to "
                  + target
                  + "; an operator must look",
              FailureTypes.CONFLICTING_UPDATE);
        }
      }
      String waitingFor;
      if (!running.isEmpty()) {
        InProgressUpdate other = running.get(0);
        waitingFor = other.type() + " " + other.id() + " in progress";
      } else if (SETTLING.contains(cluster.statusAsString())) {
        waitingFor = "cluster " + cluster.statusAsString();
      } else {
        try {
          Update update =
              eks.updateClusterVersion(
                      r ->
                          r.name(ref.name())
                              .version(target)
                              .clientRequestToken(request.clientRequestToken()))
                  .update();
          log.info("{}: update {} to {} started ({})", ref, update.id(), target, update.statusAsString());
          return new VersionUpdateHandle(update.id(), How.STARTED, cluster.version());
        } catch (ResourceInUseException e) {
          waitingFor = "409 " + eksMessage(e);
        } catch (InvalidParameterException | InvalidRequestException e) {
          throw ApplicationFailure.newNonRetryableFailure(
              ref + ": EKS refused the update to " + target + ": " + eksMessage(e),
              FailureTypes.EKS_INVALID_REQUEST);
        } catch (ResourceNotFoundException e) {
          throw notFound(ref, e);
        }
      }
      String progress = "round " + round + ": " + waitingFor;
      log.info("{}: waiting {} ({})", ref, settings.conflictBackoff(), progress);
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.conflictBackoff(), progress);
    }
  }

  @Override
  public VersionUpdateOutcome awaitVersionUpdate(AwaitVersionUpdateRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ClusterRef ref = request.cluster();
    require(request.updateId(), "updateId");
    EksClient eks = clients.forRegion(ref.region());
    int polls = context.getHeartbeatDetails(Integer.class).orElse(0);
    if (polls > 0) {
      log.info("{}: resuming the wait for update {} after {} polls", ref, request.updateId(), polls);
    }
    while (true) {
      Update update;
      try {
        update = eks.describeUpdate(r -> r.name(ref.name()).updateId(request.updateId())).update();
      } catch (ResourceNotFoundException e) {
        throw notFound(ref, e);
      }
      polls++;
      context.heartbeat(polls);
      String version = EksUpdates.param(update, UpdateParamType.VERSION);
      if (request.targetVersion() != null && version != null && !request.targetVersion().equals(version)) {
        throw ApplicationFailure.newNonRetryableFailure(
            ref + ": update " + update.id() + " moves to " + version + ", not " + request.targetVersion(),
            FailureTypes.CONFLICTING_UPDATE);
      }
      switch (update.status()) {
        case SUCCESSFUL -> {
          Cluster cluster = describeCluster(eks, ref);
          log.info("{}: update {} successful after {} polls, now {}", ref, update.id(), polls, cluster.version());
          return new VersionUpdateOutcome(
              update.id(),
              update.statusAsString(),
              cluster.version(),
              update.createdAt() == null ? null : update.createdAt().toString(),
              polls);
        }
        case FAILED, CANCELLED -> {
          String errors = EksUpdates.errors(update);
          log.warn("{}: update {} ended {}: {}", ref, update.id(), update.statusAsString(), errors);
          throw ApplicationFailure.newNonRetryableFailure(
              ref
                  + ": update "
                  + update.id()
                  + " to "
                  + version
                  + " ended "
                  + update.statusAsString()
                  + ": "
                  + errors,
              FailureTypes.EKS_UPDATE_FAILED);
        }
        default -> {
          // InProgress, or a status newer than this SDK: keep polling either way.
          log.debug("{}: update {} {} (poll {})", ref, update.id(), update.statusAsString(), polls);
          Heartbeats.sleep(context, settings.pollInterval(), polls);
        }
      }
    }
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          name + " is required", IllegalArgumentException.class.getName());
    }
  }

  private static Cluster describeCluster(EksClient eks, ClusterRef ref) {
    try {
      return eks.describeCluster(r -> r.name(ref.name())).cluster();
    } catch (ResourceNotFoundException e) {
      throw notFound(ref, e);
    }
  }

  private static List<InProgressUpdate> inProgress(EksClient eks, ClusterRef ref) {
    try {
      return EksUpdates.inProgress(eks, ref.name());
    } catch (ResourceNotFoundException e) {
      throw notFound(ref, e);
    }
  }

  private static ApplicationFailure notFound(ClusterRef ref, ResourceNotFoundException e) {
    return AwsErrors.clusterNotFound(ref, e);
  }

  private static String eksMessage(AwsServiceException e) {
    return AwsErrors.message(e);
  }
}
