package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.EksWorld.Issue;
import io.eksupgrader.sandbox.EksWorld.LaunchTemplateRef;
import io.eksupgrader.sandbox.EksWorld.Scaling;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An EKS managed node group. Its status moves only when {@link EksWorld} settles it: CREATING
 * until {@link #activeAt}, DELETING until {@link #deleteEndsAt}; the outcome depends on its Auto
 * Scaling group at that moment.
 */
final class SimNodeGroup {
  final String name;
  final String cluster;
  final String id;
  final String arn;
  final String version;
  final String releaseVersion;
  final String amiType;
  final String capacityType;
  final List<String> instanceTypes;
  final List<String> subnets;
  final Scaling scaling;
  final Map<String, String> labels;
  final List<TaintSpec> taints;
  final String nodeRole;
  final LaunchTemplateRef launchTemplate;
  final Map<String, String> tags;
  final Instant createdAt;
  final SimAutoScalingGroup asg;
  /** The scenario's fault: deletion fails until the ASG is deleted with ForceDelete. */
  final boolean asgStuck;
  final List<Issue> issues = new ArrayList<>();
  String status;
  Instant modifiedAt;
  Instant activeAt;
  Instant deleteEndsAt;

  SimNodeGroup(
      String name,
      String cluster,
      String id,
      String arn,
      String version,
      String releaseVersion,
      String amiType,
      String capacityType,
      List<String> instanceTypes,
      List<String> subnets,
      Scaling scaling,
      Map<String, String> labels,
      List<TaintSpec> taints,
      String nodeRole,
      LaunchTemplateRef launchTemplate,
      Map<String, String> tags,
      Instant createdAt,
      SimAutoScalingGroup asg,
      boolean asgStuck) {
    this.name = name;
    this.cluster = cluster;
    this.id = id;
    this.arn = arn;
    this.version = version;
    this.releaseVersion = releaseVersion;
    this.amiType = amiType;
    this.capacityType = capacityType;
    this.instanceTypes = List.copyOf(instanceTypes);
    this.subnets = List.copyOf(subnets);
    this.scaling = scaling;
    this.labels = Map.copyOf(labels);
    this.taints = List.copyOf(taints);
    this.nodeRole = nodeRole;
    this.launchTemplate = launchTemplate;
    this.tags = Map.copyOf(tags);
    this.createdAt = createdAt;
    this.asg = asg;
    this.asgStuck = asgStuck;
    this.modifiedAt = createdAt;
  }
}
