package io.eksupgrader.activities.nodegroups;

import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.NodeGroupInfo;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.AutoScalingGroup;
import software.amazon.awssdk.services.eks.model.Issue;
import software.amazon.awssdk.services.eks.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/** Reading EKS managed node groups, shared by every node group activity. */
final class EksNodeGroups {

  private EksNodeGroups() {}

  /** DescribeNodegroup; empty when EKS does not know the group. */
  static Optional<Nodegroup> describe(EksClient eks, ClusterRef cluster, String nodeGroup) {
    try {
      return Optional.of(
          eks.describeNodegroup(r -> r.clusterName(cluster.name()).nodegroupName(nodeGroup))
              .nodegroup());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  static NodeGroupInfo info(Nodegroup g) {
    NodegroupScalingConfig s = g.scalingConfig();
    LaunchTemplateSpecification lt = g.launchTemplate();
    return new NodeGroupInfo(
        g.nodegroupName(),
        g.version(),
        g.releaseVersion(),
        g.statusAsString(),
        g.amiTypeAsString(),
        g.capacityTypeAsString(),
        List.copyOf(g.instanceTypes()),
        List.copyOf(g.subnets()),
        s == null
            ? new NodeGroupInfo.Scaling(0, 0, 0)
            : new NodeGroupInfo.Scaling(orZero(s.minSize()), orZero(s.maxSize()), orZero(s.desiredSize())),
        // Sorted, so that the same group always serializes the same way.
        new TreeMap<>(g.labels()),
        g.taints().stream()
            .map(t -> new NodeGroupInfo.Taint(t.key(), t.value(), t.effectAsString()))
            .toList(),
        g.nodeRole(),
        lt == null ? null : new NodeGroupInfo.LaunchTemplate(lt.id(), lt.name(), lt.version()),
        autoScalingGroups(g));
  }

  /** The names of the Auto Scaling groups behind the group, empty while EKS has made none. */
  static List<String> autoScalingGroups(Nodegroup g) {
    if (g.resources() == null) {
      return List.of();
    }
    return g.resources().autoScalingGroups().stream().map(AutoScalingGroup::name).toList();
  }

  static int desiredSize(Nodegroup g) {
    return g.scalingConfig() == null ? 0 : orZero(g.scalingConfig().desiredSize());
  }

  /** EKS's health issues as "[code] message (resource, …); …", for failure messages. */
  static String healthIssues(Nodegroup g) {
    List<Issue> issues = g.health() == null ? List.of() : g.health().issues();
    if (issues.isEmpty()) {
      return "EKS reported no health issues";
    }
    return issues.stream().map(EksNodeGroups::issue).collect(Collectors.joining("; "));
  }

  private static String issue(Issue i) {
    String resources = i.resourceIds().isEmpty() ? "" : " (" + String.join(", ", i.resourceIds()) + ")";
    return "[" + i.codeAsString() + "] " + i.message() + resources;
  }

  /** Tags that a new group can carry: AWS refuses tags in its own {@code aws:} namespace. */
  static Map<String, String> copyableTags(Nodegroup g) {
    return g.tags().entrySet().stream()
        .filter(e -> !e.getKey().startsWith("aws:"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  static ApplicationFailure nodeGroupNotFound(ClusterRef cluster, String nodeGroup) {
    return ApplicationFailure.newNonRetryableFailure(
        cluster + ": node group " + nodeGroup + " does not exist", FailureTypes.NODE_GROUP_NOT_FOUND);
  }

  static ApplicationFailure clusterNotFound(ClusterRef cluster, AwsServiceException e) {
    return io.eksupgrader.activities.eks.AwsErrors.clusterNotFound(cluster, e);
  }

  static ApplicationFailure invalidRequest(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.EKS_INVALID_REQUEST);
  }

  static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          name + " is required", IllegalArgumentException.class.getName());
    }
  }

  static String awsMessage(AwsServiceException e) {
    return io.eksupgrader.activities.eks.AwsErrors.message(e);
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
