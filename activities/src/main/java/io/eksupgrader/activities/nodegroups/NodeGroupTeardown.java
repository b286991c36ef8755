package io.eksupgrader.activities.nodegroups;

import io.eksupgrader.activities.eks.Heartbeats;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.autoScalingGroups;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.awsMessage;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.describe;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.healthIssues;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.require;

import io.eksupgrader.activities.eks.AwsClientsProvider;
import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.ForceDeleteAsgRequest;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupDeletion.Outcome;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * Deletes an old node group and waits until EKS no longer knows it.
 *
 * <p>Delete observes first: a group that is not there was already gone (or, on a retried attempt
 * that had asked for the deletion, is now deleted). A group that is not DELETING gets
 * DeleteNodegroup; a 409 (the group is busy) is waited out and the call repeated on the next
 * observation. While it waits, the activity heartbeats its progress, which a retried attempt
 * continues.
 *
 * <p>When the deletion ends DELETE_FAILED, or stays DELETING longer than the stall timeout, the
 * Auto Scaling groups behind the node group are inspected: NewInstancesProtectedFromScaleIn is
 * turned off (UpdateAutoScalingGroup), then the scale-in protection of each protected instance is
 * removed (SetInstanceProtection, 50 instances a call), and DeleteNodegroup is called again. A
 * failure with no protection left to remove earns one more DeleteNodegroup, in case the cause was
 * passing; a second such failure means the ASG blocks for a reason only deleting it would clear,
 * and the activity returns {@link Outcome#ASG_BLOCKS} with EKS's health issues. It never deletes
 * the ASG itself: that is {@link #forceDeleteAutoScalingGroup}, behind its own approval.
 *
 * <p>Force delete checks that the ASG belongs to the group (the group's resources name it, or, once
 * the group is gone, the ASG's {@code eks:nodegroup-name} and {@code eks:cluster-name} tags do),
 * deletes it with ForceDelete unless it is gone or already being deleted, then finishes the node
 * group's deletion.
 */
final class NodeGroupTeardown {

  private static final Logger log = LoggerFactory.getLogger(NodeGroupTeardown.class);

  /** SetInstanceProtection takes at most 50 instance ids. */
  private static final int PROTECTION_BATCH = 50;

  /** DELETE_FAILED after the ASG is gone this often means EKS fails for another reason. */
  private static final int FAILURES_AFTER_ASG_GONE = 3;

  private final EksClientProvider eksClients;
  private final AwsClientsProvider awsClients;
  private final NodeGroupActivitySettings settings;

  NodeGroupTeardown(EksClientProvider eksClients, AwsClientsProvider awsClients, NodeGroupActivitySettings settings) {
    this.eksClients = eksClients;
    this.awsClients = awsClients;
    this.settings = settings;
  }

  /** The state of one deletion, heartbeated as {@link DeletionProgress}. */
  private static final class Deletion {
    final ClusterRef cluster;
    final String nodeGroup;
    int polls;
    boolean deleteRequested;
    final Set<String> released = new LinkedHashSet<>();
    boolean groupProtectionReleased;
    String autoScalingGroup;
    int unprotectedFailures;

    Deletion(ClusterRef cluster, String nodeGroup, DeletionProgress p) {
      this.cluster = cluster;
      this.nodeGroup = nodeGroup;
      polls = p.polls();
      deleteRequested = p.deleteRequested();
      released.addAll(p.protectedInstancesReleased());
      groupProtectionReleased = p.groupProtectionReleased();
      autoScalingGroup = p.autoScalingGroup();
      unprotectedFailures = p.unprotectedFailures();
    }

    DeletionProgress progress() {
      return new DeletionProgress(
          polls, deleteRequested, List.copyOf(released), groupProtectionReleased, autoScalingGroup, unprotectedFailures);
    }

    void saw(Nodegroup group) {
      List<String> asgs = autoScalingGroups(group);
      if (!asgs.isEmpty()) {
        autoScalingGroup = asgs.get(0);
      }
    }

    NodeGroupDeletion result(Outcome outcome, String reason) {
      return new NodeGroupDeletion(
          nodeGroup, outcome, List.copyOf(released), groupProtectionReleased, autoScalingGroup, reason, polls);
    }
  }

  NodeGroupDeletion delete(DeleteNodeGroupRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    require(request.nodeGroup(), "nodeGroup");
    ClusterRef cluster = request.cluster();
    EksClient eks = eksClients.forRegion(cluster.region());
    Deletion d =
        new Deletion(
            cluster,
            request.nodeGroup(),
            context.getHeartbeatDetails(DeletionProgress.class).orElse(DeletionProgress.start()));
    if (d.polls > 0) {
      log.info("{}: resuming the deletion of node group {} after {} polls", cluster, d.nodeGroup, d.polls);
    }
    Optional<Nodegroup> first = describe(eks, cluster, d.nodeGroup);
    if (first.isEmpty()) {
      Outcome outcome = d.deleteRequested ? Outcome.DELETED : Outcome.ALREADY_GONE;
      log.info("{}: node group {} not found: {}", cluster, d.nodeGroup, outcome);
      return d.result(outcome, null);
    }
    d.saw(first.get());
    switch (first.get().statusAsString()) {
      case "DELETING" -> d.deleteRequested = true;
      // A retried attempt often starts here: the same rule as in the loop, so that it never repeats
      // a DeleteNodegroup that the protection still in place would fail again.
      case "DELETE_FAILED" -> {
        Optional<NodeGroupDeletion> blocked = retryFailedDeletion(eks, first.get(), d);
        if (blocked.isPresent()) {
          return blocked.get();
        }
      }
      default -> requestDelete(eks, d);
    }
    long lastDelete = System.nanoTime();
    while (true) {
      context.heartbeat(d.progress());
      Heartbeats.sleep(context, settings.pollInterval(), d.progress());
      Optional<Nodegroup> seen = describe(eks, cluster, d.nodeGroup);
      d.polls++;
      if (seen.isEmpty()) {
        log.info("{}: node group {} deleted after {} polls", cluster, d.nodeGroup, d.polls);
        return d.result(Outcome.DELETED, null);
      }
      Nodegroup group = seen.get();
      d.saw(group);
      switch (group.statusAsString()) {
        case "DELETING" -> {
          if (elapsed(lastDelete).compareTo(settings.deleteStallTimeout()) > 0) {
            log.warn(
                "{}: node group {} DELETING for more than {}; inspecting its Auto Scaling group",
                cluster, d.nodeGroup, settings.deleteStallTimeout());
            releaseProtection(group, d);
            // Either the release lets the deletion go on, or nothing could be done: look again later.
            lastDelete = System.nanoTime();
          }
        }
        case "DELETE_FAILED" -> {
          Optional<NodeGroupDeletion> blocked = retryFailedDeletion(eks, group, d);
          if (blocked.isPresent()) {
            return blocked.get();
          }
          lastDelete = System.nanoTime();
        }
        // ACTIVE, UPDATING, CREATING…: the last DeleteNodegroup was refused with a 409; ask again.
        default -> requestDelete(eks, d);
      }
    }
  }

  /**
   * After DELETE_FAILED: releases the ASG's scale-in protection and deletes again, or, on the
   * second failure with nothing left to release, gives up with {@link Outcome#ASG_BLOCKS}.
   */
  private Optional<NodeGroupDeletion> retryFailedDeletion(EksClient eks, Nodegroup group, Deletion d) {
    String issues = healthIssues(group);
    log.warn("{}: deleting node group {} failed: {}", d.cluster, d.nodeGroup, issues);
    if (!releaseProtection(group, d) && ++d.unprotectedFailures >= 2) {
      log.warn(
          "{}: node group {} cannot be deleted while its Auto Scaling group {} stands",
          d.cluster, d.nodeGroup, d.autoScalingGroup);
      return Optional.of(d.result(Outcome.ASG_BLOCKS, issues));
    }
    requestDelete(eks, d);
    return Optional.empty();
  }

  NodeGroupDeletion forceDeleteAutoScalingGroup(ForceDeleteAsgRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    require(request.nodeGroup(), "nodeGroup");
    require(request.autoScalingGroup(), "autoScalingGroup");
    ClusterRef cluster = request.cluster();
    EksClient eks = eksClients.forRegion(cluster.region());
    AutoScalingClient autoScaling = awsClients.autoScaling(cluster.region());
    Deletion d =
        new Deletion(
            cluster,
            request.nodeGroup(),
            context.getHeartbeatDetails(DeletionProgress.class).orElse(DeletionProgress.start()));
    d.autoScalingGroup = request.autoScalingGroup();

    Optional<Nodegroup> group = describe(eks, cluster, d.nodeGroup);
    Optional<AutoScalingGroup> asg = describeAsg(autoScaling, request.autoScalingGroup());
    if (asg.isPresent()) {
      requireBelongs(request, group, asg.get());
      String status = asg.get().status();
      if (status != null && status.startsWith("Delete")) {
        log.info("{}: Auto Scaling group {} is already being deleted ({})", cluster, request.autoScalingGroup(), status);
      } else {
        log.info("{}: deleting Auto Scaling group {} with ForceDelete", cluster, request.autoScalingGroup());
        autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName(request.autoScalingGroup()).forceDelete(true));
      }
    } else {
      log.info("{}: Auto Scaling group {} is already gone", cluster, request.autoScalingGroup());
    }
    // Deleting the ASG can move the group on by itself (EKS retries a failed deletion): look again.
    group = describe(eks, cluster, d.nodeGroup);
    if (group.isEmpty()) {
      return d.result(Outcome.DELETED, null);
    }
    if ("DELETING".equals(group.get().statusAsString())) {
      d.deleteRequested = true;
    } else {
      requestDelete(eks, d);
    }
    int failuresWithoutAsg = 0;
    while (true) {
      context.heartbeat(d.progress());
      Heartbeats.sleep(context, settings.pollInterval(), d.progress());
      Optional<Nodegroup> seen = describe(eks, cluster, d.nodeGroup);
      d.polls++;
      if (seen.isEmpty()) {
        log.info("{}: node group {} deleted after its ASG, {} polls", cluster, d.nodeGroup, d.polls);
        return d.result(Outcome.DELETED, null);
      }
      switch (seen.get().statusAsString()) {
        case "DELETING" -> {}
        case "DELETE_FAILED" -> {
          if (describeAsg(autoScaling, request.autoScalingGroup()).isPresent()) {
            // The ASG is still on its way out; EKS can finish once it is gone.
            log.info("{}: node group {} DELETE_FAILED while its ASG is deleted; waiting", cluster, d.nodeGroup);
          } else if (++failuresWithoutAsg > FAILURES_AFTER_ASG_GONE) {
            throw ApplicationFailure.newNonRetryableFailure(
                cluster
                    + ": node group "
                    + d.nodeGroup
                    + " still fails to delete after its Auto Scaling group is gone: "
                    + healthIssues(seen.get()),
                FailureTypes.NODE_GROUP_FAILED);
          } else {
            requestDelete(eks, d);
          }
        }
        default -> requestDelete(eks, d);
      }
    }
  }

  /**
   * Never delete an ASG that cannot be tied to the node group: the request names it, and a wrong
   * name would terminate another group's instances.
   */
  private static void requireBelongs(ForceDeleteAsgRequest request, Optional<Nodegroup> group, AutoScalingGroup asg) {
    boolean belongs;
    if (group.isPresent()) {
      belongs = autoScalingGroups(group.get()).contains(asg.autoScalingGroupName());
    } else {
      belongs =
          tag(asg, "eks:nodegroup-name").filter(request.nodeGroup()::equals).isPresent()
              && tag(asg, "eks:cluster-name").filter(request.cluster().name()::equals).isPresent();
    }
    if (!belongs) {
      throw ApplicationFailure.newNonRetryableFailure(
          request.cluster()
              + ": refusing to delete Auto Scaling group "
              + asg.autoScalingGroupName()
              + ": it does not belong to node group "
              + request.nodeGroup()
              + (group.isPresent() ? " (the group's ASGs are " + autoScalingGroups(group.get()) + ")" : ""),
          IllegalArgumentException.class.getName());
    }
  }

  private static Optional<String> tag(AutoScalingGroup asg, String key) {
    return asg.tags().stream().filter(t -> key.equals(t.key())).map(TagDescription::value).findFirst();
  }

  private static void requestDelete(EksClient eks, Deletion d) {
    try {
      eks.deleteNodegroup(r -> r.clusterName(d.cluster.name()).nodegroupName(d.nodeGroup));
      log.info("{}: DeleteNodegroup {}", d.cluster, d.nodeGroup);
      d.deleteRequested = true;
    } catch (ResourceInUseException e) {
      log.info("{}: DeleteNodegroup {} answered 409 ({}); observing", d.cluster, d.nodeGroup, awsMessage(e));
    } catch (ResourceNotFoundException e) {
      // Gone between the describe and the delete; the next observation says so.
      d.deleteRequested = true;
    }
  }

  /**
   * Removes scale-in protection from the node group's ASGs: the group's flag first, so that no new
   * protected instance appears, then each protected instance. Returns whether anything was
   * released.
   */
  private boolean releaseProtection(Nodegroup group, Deletion d) {
    List<String> names = autoScalingGroups(group);
    if (names.isEmpty()) {
      return false;
    }
    AutoScalingClient autoScaling = awsClients.autoScaling(d.cluster.region());
    boolean any = false;
    for (AutoScalingGroup asg :
        autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(names)).autoScalingGroups()) {
      String name = asg.autoScalingGroupName();
      if (Boolean.TRUE.equals(asg.newInstancesProtectedFromScaleIn())) {
        autoScaling.updateAutoScalingGroup(r -> r.autoScalingGroupName(name).newInstancesProtectedFromScaleIn(false));
        log.info("{}: NewInstancesProtectedFromScaleIn turned off on {}", d.cluster, name);
        d.groupProtectionReleased = true;
        any = true;
      }
      List<String> protectedIds =
          asg.instances().stream()
              .filter(i -> Boolean.TRUE.equals(i.protectedFromScaleIn()))
              .map(Instance::instanceId)
              .toList();
      for (int from = 0; from < protectedIds.size(); from += PROTECTION_BATCH) {
        List<String> batch = new ArrayList<>(protectedIds.subList(from, Math.min(protectedIds.size(), from + PROTECTION_BATCH)));
        try {
          autoScaling.setInstanceProtection(
              r -> r.autoScalingGroupName(name).instanceIds(batch).protectedFromScaleIn(false));
          log.info("{}: scale-in protection removed from {} in {}", d.cluster, batch, name);
          d.released.addAll(batch);
          any = true;
        } catch (AutoScalingException e) {
          if (e.isThrottlingException() || e.statusCode() >= 500) {
            // Deleting again while the protection stands would only fail again: let a retried
            // attempt observe and release first.
            throw e;
          }
          // Instances that are terminating already can refuse the call; the next failure looks again.
          log.warn("{}: SetInstanceProtection on {} failed: {}", d.cluster, name, awsMessage(e));
        }
      }
    }
    return any;
  }

  private static Optional<AutoScalingGroup> describeAsg(AutoScalingClient autoScaling, String name) {
    return autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().stream()
        .filter(g -> name.equals(g.autoScalingGroupName()))
        .findFirst();
  }

  private static Duration elapsed(long sinceNanos) {
    return Duration.ofNanos(System.nanoTime() - sinceNanos);
  }
}
