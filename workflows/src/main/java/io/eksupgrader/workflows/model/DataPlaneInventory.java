package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * The data plane of a cluster, as pre-flight found it: the upgrade plans one step per node group
 * that must move, one for Karpenter's nodes and one per Fargate profile.
 */
public record DataPlaneInventory(
    List<NodeGroupInfo> managedNodeGroups,
    List<SelfManagedGroupInfo> selfManagedGroups,
    KarpenterInventory karpenter,
    List<FargateProfileInfo> fargateProfiles) {

  public DataPlaneInventory {
    managedNodeGroups = managedNodeGroups == null ? List.of() : List.copyOf(managedNodeGroups);
    selfManagedGroups = selfManagedGroups == null ? List.of() : List.copyOf(selfManagedGroups);
    karpenter = karpenter == null ? KarpenterInventory.notInstalled() : karpenter;
    fargateProfiles = fargateProfiles == null ? List.of() : List.copyOf(fargateProfiles);
  }

  /** Node groups only: an upgrade started before Karpenter and Fargate were looked at. */
  public DataPlaneInventory(
      List<NodeGroupInfo> managedNodeGroups, List<SelfManagedGroupInfo> selfManagedGroups) {
    this(managedNodeGroups, selfManagedGroups, null, null);
  }

  /** Managed node groups only. */
  public static DataPlaneInventory managedOnly(List<NodeGroupInfo> managedNodeGroups) {
    return new DataPlaneInventory(managedNodeGroups, List.of());
  }
}
