package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * The node groups of a cluster, as pre-flight found them: the upgrade plans one step per group that
 * must move. (Karpenter's nodes and Fargate profiles are not covered yet.)
 */
public record DataPlaneInventory(
    List<NodeGroupInfo> managedNodeGroups, List<SelfManagedGroupInfo> selfManagedGroups) {

  public DataPlaneInventory {
    managedNodeGroups = managedNodeGroups == null ? List.of() : List.copyOf(managedNodeGroups);
    selfManagedGroups = selfManagedGroups == null ? List.of() : List.copyOf(selfManagedGroups);
  }

  /** Managed node groups only. */
  public static DataPlaneInventory managedOnly(List<NodeGroupInfo> managedNodeGroups) {
    return new DataPlaneInventory(managedNodeGroups, List.of());
  }
}
