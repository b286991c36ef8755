package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Everything that runs pods in a cluster besides the control plane, as pre-flight found it: the
 * upgrade plans one step per unit that must move.
 */
public record DataPlaneInventory(
    List<NodeGroupInfo> managedNodeGroups,
    List<SelfManagedGroupInfo> selfManagedGroups,
    KarpenterNodes karpenter,
    List<FargateProfileInfo> fargateProfiles) {

  public DataPlaneInventory {
    managedNodeGroups = managedNodeGroups == null ? List.of() : List.copyOf(managedNodeGroups);
    selfManagedGroups = selfManagedGroups == null ? List.of() : List.copyOf(selfManagedGroups);
    fargateProfiles = fargateProfiles == null ? List.of() : List.copyOf(fargateProfiles);
  }

  /** Managed node groups only, as upgrades planned before the other node kinds saw it. */
  public static DataPlaneInventory managedOnly(List<NodeGroupInfo> managedNodeGroups) {
    return new DataPlaneInventory(managedNodeGroups, List.of(), null, List.of());
  }
}
