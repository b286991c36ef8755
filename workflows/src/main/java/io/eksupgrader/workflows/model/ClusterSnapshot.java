package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * What one observation of a cluster found: {@code DescribeCluster}, its in-progress updates
 * ({@code ListUpdates} + {@code DescribeUpdate}) and the versions EKS offers in its region.
 *
 * @param exists false when EKS answered ResourceNotFoundException; the other fields are then empty
 * @param status CREATING, ACTIVE, UPDATING, DELETING, FAILED or PENDING
 * @param updatesInProgress ids of updates whose status is InProgress
 */
public record ClusterSnapshot(
    ClusterRef cluster,
    boolean exists,
    String status,
    String version,
    String platformVersion,
    List<InProgressUpdate> updatesInProgress,
    List<OfferedVersion> offeredVersions) {

  public static ClusterSnapshot notFound(ClusterRef cluster, List<OfferedVersion> offered) {
    return new ClusterSnapshot(cluster, false, null, null, null, List.of(), offered);
  }

  /** An EKS update that has not finished yet. */
  public record InProgressUpdate(String id, String type, String targetVersion) {}
}
