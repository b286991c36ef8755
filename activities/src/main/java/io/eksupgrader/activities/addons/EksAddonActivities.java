package io.eksupgrader.activities.addons;

import io.eksupgrader.activities.eks.AwsErrors;
import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.activities.eks.EksUpdates;
import io.eksupgrader.activities.eks.Heartbeats;
import io.eksupgrader.activities.kube.GoDurations;
import io.eksupgrader.workflows.activities.AddonActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AddonInfo;
import io.eksupgrader.workflows.model.AddonUpdateHandle;
import io.eksupgrader.workflows.model.AddonUpdateHandle.How;
import io.eksupgrader.workflows.model.AddonUpdateOutcome;
import io.eksupgrader.workflows.model.AddonUpdateRequest;
import io.eksupgrader.workflows.model.AwaitAddonRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Addon;
import software.amazon.awssdk.services.eks.model.AddonIssue;
import software.amazon.awssdk.services.eks.model.AddonVersionInfo;
import software.amazon.awssdk.services.eks.model.Compatibility;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateParamType;
import software.amazon.awssdk.services.eks.model.UpdateStatus;

/**
 * EKS add-ons, moved safely when run more than once.
 *
 * <p>Start: the target is the pinned version or the default {@code DescribeAddonVersions} names
 * for the Kubernetes version. Then observe before acting: the add-on already ACTIVE at the target
 * needs nothing; an InProgress update to the target (an earlier attempt's) is adopted; one to
 * another version, or a 409, is waited out with a backoff. Only then {@code UpdateAddon}, with the
 * request's token (a repeated call answers the update already made) and {@code resolveConflicts}.
 *
 * <p>Await polls the update and the add-on, heartbeating the poll count, until the update is
 * Successful and the add-on ACTIVE at the target. A Failed update or a DEGRADED add-on is
 * non-retryable: EKS's errors and health issues go to the operator.
 */
public class EksAddonActivities implements AddonActivities {

  private static final Logger log = LoggerFactory.getLogger(EksAddonActivities.class);

  private final EksClientProvider clients;
  private final AddonSettings settings;

  public EksAddonActivities(EksClientProvider clients, AddonSettings settings) {
    this.clients = clients;
    this.settings = settings;
  }

  @Override
  public List<AddonInfo> listAddons(ClusterRef cluster) {
    EksClient eks = clients.forRegion(cluster.region());
    List<AddonInfo> result = new ArrayList<>();
    try {
      for (String name : eks.listAddonsPaginator(r -> r.clusterName(cluster.name())).addons()) {
        try {
          Addon a = eks.describeAddon(r -> r.clusterName(cluster.name()).addonName(name)).addon();
          result.add(new AddonInfo(a.addonName(), a.addonVersion(), a.statusAsString()));
        } catch (ResourceNotFoundException e) {
          // Removed between the list and the describe: it is no longer there.
        }
      }
    } catch (ResourceNotFoundException e) {
      throw AwsErrors.clusterNotFound(cluster, e);
    }
    return result;
  }

  @Override
  public AddonUpdateHandle startAddonUpdate(AddonUpdateRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ClusterRef ref = request.cluster();
    if (request.requestToken() == null || request.requestToken().isBlank()) {
      // Without a token the SDK makes a random one per call, and a retry could start a second update.
      throw ApplicationFailure.newNonRetryableFailure("requestToken is required", IllegalArgumentException.class.getName());
    }
    EksClient eks = clients.forRegion(ref.region());
    String target =
        request.pinnedVersion() != null
            ? request.pinnedVersion()
            : defaultVersion(eks, request.addon(), request.kubernetesVersion())
                .orElseThrow(
                    () ->
                        ApplicationFailure.newNonRetryableFailure(
                            ref + ": EKS offers no " + request.addon() + " version for Kubernetes "
                                + request.kubernetesVersion() + "; pin one in the upgrade spec (addons.versions) or remove the add-on",
                            FailureTypes.EKS_INVALID_REQUEST));
    for (int round = 1; ; round++) {
      Addon addon = describe(eks, ref, request.addon());
      if (target.equals(addon.addonVersion()) && "ACTIVE".equals(addon.statusAsString())) {
        log.info("{}: add-on {} already runs {}", ref, request.addon(), target);
        return new AddonUpdateHandle(How.ALREADY_AT_TARGET, null, addon.addonVersion(), target);
      }
      String waitingFor = null;
      for (Update u : EksUpdates.inProgressUpdates(eks, ref.name(), request.addon())) {
        String version = EksUpdates.param(u, UpdateParamType.ADDON_VERSION);
        if (target.equals(version)) {
          log.info("{}: adopting update {} of {} to {}", ref, u.id(), request.addon(), target);
          return new AddonUpdateHandle(How.ADOPTED, u.id(), addon.addonVersion(), target);
        }
        waitingFor = "update " + u.id() + " of " + request.addon() + " to " + version + " in progress";
      }
      if (waitingFor == null) {
        try {
          Update update =
              eks.updateAddon(
                      r ->
                          r.clusterName(ref.name())
                              .addonName(request.addon())
                              .addonVersion(target)
                              .resolveConflicts(request.resolveConflicts())
                              .clientRequestToken(request.requestToken()))
                  .update();
          log.info(
              "{}: add-on {} update {} from {} to {} started (resolveConflicts {})",
              ref, request.addon(), update.id(), addon.addonVersion(), target, request.resolveConflicts());
          return new AddonUpdateHandle(How.STARTED, update.id(), addon.addonVersion(), target);
        } catch (ResourceInUseException e) {
          waitingFor = "409 " + AwsErrors.message(e);
        } catch (InvalidParameterException | InvalidRequestException e) {
          throw ApplicationFailure.newNonRetryableFailure(
              ref + ": EKS refused to update " + request.addon() + " to " + target + ": " + AwsErrors.message(e),
              FailureTypes.EKS_INVALID_REQUEST);
        } catch (ResourceNotFoundException e) {
          throw AwsErrors.clusterNotFound(ref, e);
        }
      }
      String progress = "round " + round + ": " + waitingFor;
      log.info(
          "{}: waiting {} before updating {} ({})",
          ref, GoDurations.format(settings.conflictBackoff()), request.addon(), progress);
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.conflictBackoff(), progress);
    }
  }

  @Override
  public AddonUpdateOutcome awaitAddonUpdate(AwaitAddonRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ClusterRef ref = request.cluster();
    EksClient eks = clients.forRegion(ref.region());
    int polls = context.getHeartbeatDetails(Integer.class).orElse(0);
    while (true) {
      Update update;
      try {
        update =
            eks.describeUpdate(r -> r.name(ref.name()).updateId(request.updateId()).addonName(request.addon()))
                .update();
      } catch (ResourceNotFoundException e) {
        throw AwsErrors.clusterNotFound(ref, e);
      }
      Addon addon = describe(eks, ref, request.addon());
      polls++;
      context.heartbeat(polls);
      if (update.status() == UpdateStatus.FAILED
          || update.status() == UpdateStatus.CANCELLED
          || "DEGRADED".equals(addon.statusAsString())
          || "UPDATE_FAILED".equals(addon.statusAsString())) {
        // The update and the add-on are read one after the other and may change in between: read
        // both again so that the operator sees one moment's picture.
        String updateId = request.updateId();
        update = eks.describeUpdate(r -> r.name(ref.name()).updateId(updateId).addonName(request.addon())).update();
        addon = describe(eks, ref, request.addon());
        String message =
            ref + ": add-on " + request.addon() + " update " + update.id() + " ended " + update.statusAsString()
                + "; the add-on is " + addon.statusAsString() + " at " + addon.addonVersion()
                + ". EKS says: " + EksUpdates.errors(update) + ". Health: " + issues(addon);
        log.warn(message);
        throw ApplicationFailure.newNonRetryableFailure(message, FailureTypes.ADDON_UPDATE_FAILED);
      }
      if (update.status() == UpdateStatus.SUCCESSFUL
          && "ACTIVE".equals(addon.statusAsString())
          && request.targetVersion().equals(addon.addonVersion())) {
        log.info("{}: add-on {} ACTIVE at {} after {} polls", ref, request.addon(), addon.addonVersion(), polls);
        return new AddonUpdateOutcome(addon.addonVersion(), polls);
      }
      Heartbeats.sleep(context, settings.pollInterval(), polls);
    }
  }

  /** The version EKS marks default for the Kubernetes version, else the newest that runs on it. */
  private static Optional<String> defaultVersion(EksClient eks, String addon, String kubernetesVersion) {
    List<AddonVersionInfo> candidates = new ArrayList<>();
    eks.describeAddonVersionsPaginator(r -> r.addonName(addon).kubernetesVersion(kubernetesVersion))
        .addons()
        .forEach(info -> candidates.addAll(info.addonVersions()));
    for (AddonVersionInfo v : candidates) {
      for (Compatibility c : v.compatibilities()) {
        if (kubernetesVersion.equals(c.clusterVersion()) && Boolean.TRUE.equals(c.defaultVersion())) {
          return Optional.of(v.addonVersion());
        }
      }
    }
    return candidates.stream()
        .filter(v -> v.compatibilities().stream().anyMatch(c -> kubernetesVersion.equals(c.clusterVersion())))
        .map(AddonVersionInfo::addonVersion)
        .max(Comparator.comparing(EksAddonActivities::versionKey));
  }

  /** v1.19.5-eksbuild.3 sorts by 1, 19, 5, then 3. */
  private static String versionKey(String version) {
    return java.util.Arrays.stream(version.replaceAll("[^0-9]+", " ").trim().split(" "))
        .map(n -> String.format("%08d", Long.parseLong(n)))
        .collect(Collectors.joining("."));
  }

  private static Addon describe(EksClient eks, ClusterRef ref, String addon) {
    try {
      return eks.describeAddon(r -> r.clusterName(ref.name()).addonName(addon)).addon();
    } catch (ResourceNotFoundException e) {
      // The cluster exists (pre-flight saw it): the add-on was removed since.
      throw ApplicationFailure.newNonRetryableFailure(
          ref + ": add-on " + addon + " is no longer installed: " + AwsErrors.message(e) + "; skip its steps or reinstall it",
          FailureTypes.ADDON_UPDATE_FAILED);
    }
  }

  private static String issues(Addon addon) {
    if (addon.health() == null || addon.health().issues().isEmpty()) {
      return "no issues reported";
    }
    return addon.health().issues().stream()
        .map((AddonIssue i) -> "[" + i.codeAsString() + "] " + i.message() + " " + i.resourceIds())
        .collect(Collectors.joining("; "));
  }

}
