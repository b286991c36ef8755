package io.eksupgrader.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * An EKS managed node group as {@code DescribeNodegroup} reports it: everything a replacement
 * must copy, and what teardown must know.
 *
 * @param version the Kubernetes version of its nodes
 * @param status CREATING, ACTIVE, UPDATING, DELETING, CREATE_FAILED, DELETE_FAILED or DEGRADED
 * @param amiType e.g. AL2_x86_64, AL2023_x86_64_STANDARD, CUSTOM
 * @param launchTemplate null when the group uses none
 * @param autoScalingGroups the names of the ASGs behind it
 */
public record NodeGroupInfo(
    String name,
    String version,
    String releaseVersion,
    String status,
    String amiType,
    String capacityType,
    List<String> instanceTypes,
    List<String> subnets,
    Scaling scaling,
    Map<String, String> labels,
    List<Taint> taints,
    String nodeRole,
    LaunchTemplate launchTemplate,
    List<String> autoScalingGroups) {

  /** The group's scaling configuration. */
  public record Scaling(int minSize, int maxSize, int desiredSize) {}

  /** A taint as EKS spells it: effect NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE. */
  public record Taint(String key, String value, String effect) {}

  /** A launch template reference: id or name, and the version the group uses. */
  public record LaunchTemplate(String id, String name, String version) {}
}
