package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.EksWorld.LaunchTemplateRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An EC2 Auto Scaling group with its instances: the one behind a managed node group, or a
 * self-managed node group ({@link #nodeGroup} null) whose instances join the cluster it is tagged
 * for.
 */
final class SimAutoScalingGroup {
  final String name;
  final String region;
  final String arn;
  final String cluster;
  final String nodeGroup;
  final Instant createdAt;
  final List<String> subnets;
  final List<String> availabilityZones;
  final LaunchTemplateRef launchTemplate;
  final Map<String, String> tags;
  final List<SimInstance> instances = new ArrayList<>();
  int minSize;
  int maxSize;
  int desiredCapacity;
  boolean newInstancesProtectedFromScaleIn;
  /** Set by DeleteAutoScalingGroup: when it is removed ({@code durations.asgDelete} later). */
  Instant deleteEndsAt;
  /** Set when DeleteAutoScalingGroup removed it; the node group may still point at it. */
  boolean deleted;
  /** Self-managed only: the kubelet version its nodes run, from its launch template's image. */
  String nodeVersion;
  /** Self-managed only: the labels its nodes register with (the kubelet's --node-labels). */
  Map<String, String> nodeLabels = Map.of();

  SimAutoScalingGroup(
      String name,
      String region,
      String arn,
      String cluster,
      String nodeGroup,
      Instant createdAt,
      List<String> subnets,
      List<String> availabilityZones,
      LaunchTemplateRef launchTemplate,
      Map<String, String> tags) {
    this.name = name;
    this.region = region;
    this.arn = arn;
    this.cluster = cluster;
    this.nodeGroup = nodeGroup;
    this.createdAt = createdAt;
    this.subnets = List.copyOf(subnets);
    this.availabilityZones = List.copyOf(availabilityZones);
    this.launchTemplate = launchTemplate;
    this.tags = Map.copyOf(tags);
  }

  List<SimInstance> protectedInstances() {
    return instances.stream().filter(i -> i.protectedFromScaleIn).toList();
  }
}
