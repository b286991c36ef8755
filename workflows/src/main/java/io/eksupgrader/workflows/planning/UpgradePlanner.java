package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.AddonInfo;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.DataPlaneInventory;
import io.eksupgrader.workflows.model.FargateProfileInfo;
import io.eksupgrader.workflows.model.KarpenterInventory;
import io.eksupgrader.workflows.model.NodeGroupInfo;
import io.eksupgrader.workflows.model.SelfManagedGroupInfo;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.UpgradePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a current and a target version into the ordered steps of an upgrade. EKS moves a control
 * plane one minor at a time, so 1.32 to 1.34 is two control-plane steps, each behind an approval
 * gate. Then the data plane: every managed node group older than the target is replaced blue/green
 * (one step each, the first behind the {@value #DATA_PLANE_GATE} gate), and only after all of them
 * the old groups are deleted, each behind its own gate ("check the service", seed 001). A
 * verification ends the plan. Pure: the same versions and node groups always give the same plan.
 *
 * <p>The data plane follows the last control-plane step because kubelets may lag the control
 * plane by up to three minors from 1.28 on, and EKS refuses a node group newer than its control
 * plane. Inserting node steps between minors when the skew rule requires it belongs to the
 * pre-flight planner.
 */
public final class UpgradePlanner {

  public static final String PREFLIGHT_STEP = "preflight";
  public static final String VERIFY_STEP = "verify";
  public static final String DATA_PLANE_GATE = "data-plane";
  public static final String KARPENTER_DRIFT_STEP = "karpenter-drift";

  private UpgradePlanner() {}

  /** The minors to pass through, excluding the current one: 1.32 to 1.34 gives [1.33, 1.34]. */
  public static List<KubernetesVersion> minorSteps(KubernetesVersion current, KubernetesVersion target) {
    if (target.major() != current.major() || !target.isAfter(current)) {
      throw new IllegalArgumentException(
          "no upgrade path from " + current + " to " + target + ": the target must be a later minor");
    }
    List<KubernetesVersion> steps = new ArrayList<>();
    for (KubernetesVersion v = current.nextMinor(); !v.isAfter(target); v = v.nextMinor()) {
      steps.add(v);
    }
    return steps;
  }

  public static UpgradePlan plan(ClusterRef cluster, String currentVersion, String targetVersion) {
    return plan(cluster, currentVersion, targetVersion, (DataPlaneInventory) null);
  }

  /**
   * The plan with the data plane; {@code nodeGroups} null leaves it out (upgrades started before
   * the data plane existed).
   */
  public static UpgradePlan plan(
      ClusterRef cluster, String currentVersion, String targetVersion, List<NodeGroupInfo> nodeGroups) {
    return plan(
        cluster,
        currentVersion,
        targetVersion,
        nodeGroups == null ? null : DataPlaneInventory.managedOnly(nodeGroups));
  }

  /** The plan with every kind of node the inventory found; null leaves the data plane out. */
  public static UpgradePlan plan(
      ClusterRef cluster, String currentVersion, String targetVersion, DataPlaneInventory dataPlane) {
    return plan(cluster, currentVersion, targetVersion, dataPlane, null);
  }

  /**
   * The plan with the cluster's EKS add-ons moved with each minor (null leaves them out: upgrades
   * started before add-ons were planned).
   */
  public static UpgradePlan plan(
      ClusterRef cluster,
      String currentVersion,
      String targetVersion,
      DataPlaneInventory dataPlane,
      List<AddonInfo> addons) {
    return plan(cluster, currentVersion, targetVersion, dataPlane, addons, List.of());
  }

  /**
   * The plan with the cluster's own components (Karpenter, Istio; see {@link ComponentPlanner})
   * moved first, as seed 003 orders it: they must support every minor before the control plane
   * reaches it.
   */
  public static UpgradePlan plan(
      ClusterRef cluster,
      String currentVersion,
      String targetVersion,
      DataPlaneInventory dataPlane,
      List<AddonInfo> addons,
      List<PlanStep> componentSteps) {
    return plan(cluster, currentVersion, targetVersion, dataPlane, addons, componentSteps, false);
  }

  /**
   * The plan, and with {@code skewPasses} a data-plane pass inserted before any control-plane
   * minor that would leave a node group's kubelets further behind than {@link SkewRule} allows:
   * those groups are replaced at the control plane's version of that moment, and the final pass
   * replaces their replacements. Without it a lagging group is left to pre-flight's findings.
   */
  public static UpgradePlan plan(
      ClusterRef cluster,
      String currentVersion,
      String targetVersion,
      DataPlaneInventory dataPlane,
      List<AddonInfo> addons,
      List<PlanStep> componentSteps,
      boolean skewPasses) {
    KubernetesVersion current = KubernetesVersion.parse(currentVersion);
    KubernetesVersion target = KubernetesVersion.parse(targetVersion);
    List<PlanStep> steps = new ArrayList<>();
    steps.add(preflightStep(currentVersion));
    steps.addAll(componentSteps);
    KubernetesVersion from = current;
    DataPlaneInventory nodes = dataPlane;
    for (KubernetesVersion to : minorSteps(current, target)) {
      if (skewPasses && nodes != null) {
        DataPlaneInventory lagging = laggingGroups(nodes, to);
        if (!lagging.managedNodeGroups().isEmpty() || !lagging.selfManagedGroups().isEmpty()) {
          steps.addAll(gated(dataPlaneSteps(lagging, from), dataPlaneGate(from)));
          nodes = afterPass(nodes, lagging, from);
        }
      }
      String id = controlPlaneStepId(to);
      List<PlanStep> leading = new ArrayList<>();
      List<PlanStep> following = new ArrayList<>();
      if (addons != null) {
        for (AddonInfo addon : addonOrder(addons)) {
          PlanStep step =
              new PlanStep(
                  addonStepId(addon.name(), to),
                  StepKind.ADDON,
                  "update add-on "
                      + addon.name()
                      // The version pre-flight saw is the one the first minor starts from.
                      + (from.equals(current) ? " (" + addon.version() + ")" : "")
                      + " to its version for "
                      + to
                      + (leadsControlPlane(addon.name()) ? ", before the control plane" : ""),
                  null,
                  to.toString(),
                  null,
                  null,
                  addon.name());
          (leadsControlPlane(addon.name()) ? leading : following).add(step);
        }
      }
      String title = "control plane " + from + " → " + to;
      // The minor's gate opens before the first step that changes anything for it.
      if (leading.isEmpty()) {
        steps.add(new PlanStep(id, StepKind.CONTROL_PLANE, title, from.toString(), to.toString(), id));
      } else {
        PlanStep first = leading.get(0);
        leading.set(
            0,
            new PlanStep(
                first.id(), first.kind(), first.title(), first.fromVersion(), first.toVersion(), id,
                first.nodeGroup(), first.target()));
        steps.addAll(leading);
        steps.add(new PlanStep(id, StepKind.CONTROL_PLANE, title, from.toString(), to.toString(), null));
      }
      steps.addAll(following);
      from = to;
    }
    if (nodes != null) {
      steps.addAll(dataPlaneSteps(nodes, target));
    }
    steps.add(
        new PlanStep(
            VERIFY_STEP,
            StepKind.VERIFY,
            "verify the cluster runs " + target + " and is ACTIVE",
            target.toString(),
            target.toString(),
            null));
    return new UpgradePlan(cluster, current.toString(), target.toString(), List.copyOf(steps));
  }

  public static PlanStep preflightStep(String currentVersion) {
    return new PlanStep(
        PREFLIGHT_STEP,
        StepKind.PREFLIGHT,
        "pre-flight: cluster exists, is ACTIVE, runs no update; the target is offered",
        currentVersion,
        null,
        null);
  }

  /** The node groups to replace: those older than the target, in name order. */
  public static List<NodeGroupInfo> groupsToReplace(
      List<NodeGroupInfo> nodeGroups, KubernetesVersion target) {
    return nodeGroups.stream()
        .filter(g -> g.version() != null && target.isAfter(KubernetesVersion.parse(g.version())))
        .sorted(java.util.Comparator.comparing(NodeGroupInfo::name))
        .toList();
  }

  /** The self-managed groups to replace: those whose nodes run older than the target. */
  public static List<SelfManagedGroupInfo> selfManagedToReplace(
      List<SelfManagedGroupInfo> groups, KubernetesVersion target) {
    return groups.stream()
        .filter(g -> g.version() != null && target.isAfter(KubernetesVersion.parse(g.version())))
        .sorted(java.util.Comparator.comparing(SelfManagedGroupInfo::name))
        .toList();
  }


  /**
   * Order: managed groups, then self-managed groups, then watching Karpenter's drift, then each
   * Fargate profile, then the teardown of every replaced group. The data-plane gate sits on the
   * first step. Karpenter starts replacing its nodes as soon as the control plane moves, without
   * waiting for anyone; its step only watches, so that the upgrade ends when they all run the
   * target.
   */
  private static List<PlanStep> dataPlaneSteps(DataPlaneInventory inventory, KubernetesVersion target) {
    List<NodeGroupInfo> toReplace = groupsToReplace(inventory.managedNodeGroups(), target);
    List<PlanStep> replace = new ArrayList<>();
    List<PlanStep> teardown = new ArrayList<>();
    for (NodeGroupInfo group : toReplace) {
      String replacement = NodeGroupNames.replacement(group.name(), target);
      int nodes = group.scaling() == null ? 0 : group.scaling().desiredSize();
      replace.add(
          new PlanStep(
              nodeGroupStepId(group.name()),
              StepKind.NODE_GROUP,
              "replace node group "
                  + group.name()
                  + " ("
                  + group.version()
                  + ", "
                  + nodes
                  + " nodes) with "
                  + replacement
                  + " at "
                  + target
                  + " on AL2023, then cordon and drain the old nodes",
              group.version(),
              target.toString(),
              null,
              group.name(),
              replacement));
      teardown.add(
          new PlanStep(
              teardownStepId(group.name()),
              StepKind.TEARDOWN,
              "check the service, then delete old node group " + group.name(),
              group.version(),
              null,
              teardownStepId(group.name()),
              group.name(),
              null));
    }
    for (SelfManagedGroupInfo group : selfManagedToReplace(inventory.selfManagedGroups(), target)) {
      String replacement = NodeGroupNames.replacement(group.name(), target);
      replace.add(
          new PlanStep(
              "self-managed-" + group.name(),
              StepKind.SELF_MANAGED_GROUP,
              "replace self-managed node group (ASG) "
                  + group.name()
                  + " ("
                  + group.version()
                  + ", "
                  + group.desiredSize()
                  + " nodes) with ASG "
                  + replacement
                  + " on the AL2023 AMI of "
                  + target
                  + ", then cordon and drain the old nodes",
              group.version(),
              target.toString(),
              null,
              group.name(),
              replacement));
      teardown.add(
          new PlanStep(
              teardownStepId(group.name()),
              StepKind.TEARDOWN,
              "check the service, then delete the old self-managed ASG " + group.name() + " (its instances are terminated)",
              group.version(),
              null,
              teardownStepId(group.name()),
              group.name(),
              null));
    }
    List<KarpenterInventory.KarpenterNode> drifting = karpenterNodesBehind(inventory.karpenter(), target);
    if (!drifting.isEmpty()) {
      replace.add(
          new PlanStep(
              KARPENTER_DRIFT_STEP,
              StepKind.KARPENTER_DRIFT,
              "watch Karpenter's drift replace "
                  + drifting.size()
                  + " node(s) of NodePool(s) "
                  + drifting.stream()
                      .map(KarpenterInventory.KarpenterNode::nodePool)
                      .distinct()
                      .sorted()
                      .collect(java.util.stream.Collectors.joining(", "))
                  + " with nodes at "
                  + target,
              drifting.stream().map(KarpenterInventory.KarpenterNode::version).sorted().findFirst().orElse(null),
              target.toString(),
              null));
    }
    for (FargateProfileInfo profile :
        inventory.fargateProfiles().stream()
            .sorted(java.util.Comparator.comparing(FargateProfileInfo::name))
            .toList()) {
      replace.add(
          new PlanStep(
              fargateStepId(profile.name()),
              StepKind.FARGATE_PROFILE,
              "restart the Deployments and StatefulSets of Fargate profile "
                  + profile.name()
                  + " whose pods run older than "
                  + target
                  + ", so that they come back at "
                  + target,
              null,
              target.toString(),
              null,
              null,
              profile.name()));
    }
    if (!replace.isEmpty()) {
      PlanStep first = replace.get(0);
      replace.set(
          0,
          new PlanStep(
              first.id(), first.kind(), first.title(), first.fromVersion(), first.toVersion(), DATA_PLANE_GATE,
              first.nodeGroup(), first.target()));
    }
    List<PlanStep> steps = new ArrayList<>(replace);
    steps.addAll(teardown);
    return steps;
  }

  /** The gate of a data-plane pass inserted before a minor: {@code data-plane-1.32} for nodes to 1.32. */
  public static String dataPlaneGate(KubernetesVersion version) {
    return DATA_PLANE_GATE + "-" + version;
  }

  /** The node groups whose kubelets the control plane at {@code controlPlane} would leave too far behind. */
  static DataPlaneInventory laggingGroups(DataPlaneInventory nodes, KubernetesVersion controlPlane) {
    return new DataPlaneInventory(
        nodes.managedNodeGroups().stream()
            .filter(g -> g.version() != null && !SkewRule.allows(controlPlane, KubernetesVersion.parse(g.version())))
            .toList(),
        nodes.selfManagedGroups().stream()
            .filter(g -> g.version() != null && !SkewRule.allows(controlPlane, KubernetesVersion.parse(g.version())))
            .toList());
  }

  /** The inventory once a pass replaced the lagging groups by groups at {@code version}. */
  private static DataPlaneInventory afterPass(
      DataPlaneInventory nodes, DataPlaneInventory replaced, KubernetesVersion version) {
    List<NodeGroupInfo> managed = new ArrayList<>();
    for (NodeGroupInfo g : nodes.managedNodeGroups()) {
      managed.add(
          replaced.managedNodeGroups().contains(g)
              ? new NodeGroupInfo(
                  NodeGroupNames.replacement(g.name(), version), version.toString(), null, "ACTIVE", g.amiType(),
                  g.capacityType(), g.instanceTypes(), g.subnets(), g.scaling(), g.labels(), g.taints(), g.nodeRole(),
                  g.launchTemplate(), List.of())
              : g);
    }
    List<SelfManagedGroupInfo> selfManaged = new ArrayList<>();
    for (SelfManagedGroupInfo g : nodes.selfManagedGroups()) {
      selfManaged.add(
          replaced.selfManagedGroups().contains(g)
              ? new SelfManagedGroupInfo(
                  NodeGroupNames.replacement(g.name(), version), version.toString(), g.launchTemplateId(), null, null,
                  g.minSize(), g.maxSize(), g.desiredSize(), g.subnets(), List.of())
              : g);
    }
    return new DataPlaneInventory(managed, selfManaged, nodes.karpenter(), nodes.fargateProfiles());
  }

  /** The steps with the first one carrying the gate instead of the data plane's own. */
  private static List<PlanStep> gated(List<PlanStep> steps, String gate) {
    List<PlanStep> result = new ArrayList<>(steps);
    if (!result.isEmpty()) {
      PlanStep first = result.get(0);
      result.set(
          0,
          new PlanStep(
              first.id(), first.kind(), first.title(), first.fromVersion(), first.toVersion(), gate, first.nodeGroup(), first.target()));
    }
    return result;
  }

  /** The step, inserted when needed, that force-deletes an old group's Auto Scaling group. */
  public static PlanStep asgDeleteStep(String nodeGroup, String autoScalingGroup, String reason) {
    String id = "delete-asg-" + nodeGroup;
    return new PlanStep(
        id,
        StepKind.ASG_DELETE,
        "force-delete Auto Scaling group "
            + autoScalingGroup
            + " of old node group "
            + nodeGroup
            + " (its instances are terminated): "
            + reason,
        null,
        null,
        id,
        nodeGroup,
        autoScalingGroup);
  }

  /** Karpenter's nodes older than the target: drift must replace them. */
  public static List<KarpenterInventory.KarpenterNode> karpenterNodesBehind(
      KarpenterInventory karpenter, KubernetesVersion target) {
    return karpenter.nodes().stream()
        .filter(n -> n.version() != null && target.isAfter(KubernetesVersion.parse(n.version())))
        .sorted(java.util.Comparator.comparing(KarpenterInventory.KarpenterNode::name))
        .toList();
  }

  /**
   * Which add-ons move before the control plane of a minor. The VPC CNI leads: AWS updates it first,
   * and its version for the new minor also runs on the old one. Everything else follows the
   * control plane: kube-proxy must never be newer than the control plane (EKS refuses kube-proxy
   * 1.34 on a 1.33 cluster), and CoreDNS's and the others' versions for the new minor are meant for
   * it.
   */
  public static boolean leadsControlPlane(String addon) {
    return addon.equals("vpc-cni");
  }

  /** VPC CNI, kube-proxy, CoreDNS, then the others by name. */
  static List<AddonInfo> addonOrder(List<AddonInfo> addons) {
    List<String> first = List.of("vpc-cni", "kube-proxy", "coredns");
    return addons.stream()
        .sorted(
            java.util.Comparator.comparingInt(
                    (AddonInfo a) -> first.contains(a.name()) ? first.indexOf(a.name()) : first.size())
                .thenComparing(AddonInfo::name))
        .toList();
  }

  public static String addonStepId(String addon, KubernetesVersion to) {
    return "addon-" + addon + "-" + to;
  }

  public static String fargateStepId(String profile) {
    return "fargate-" + profile;
  }

  public static String nodeGroupStepId(String nodeGroup) {
    return "nodegroup-" + nodeGroup;
  }

  public static String teardownStepId(String nodeGroup) {
    return "teardown-" + nodeGroup;
  }

  public static String controlPlaneStepId(KubernetesVersion to) {
    return "control-plane-" + to;
  }
}
