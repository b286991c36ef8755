package io.eksupgrader.activities.eks;

import io.eksupgrader.workflows.activities.ClusterInspectionActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.OfferedVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterVersionInformation;
import software.amazon.awssdk.services.eks.model.DescribeClusterVersionsResponse;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateParamType;
import software.amazon.awssdk.services.eks.model.UpdateStatus;

/**
 * Observes a cluster: DescribeCluster, its updates still InProgress (ListUpdates, then
 * DescribeUpdate for each), and the versions EKS offers in the region. Read-only, so any attempt
 * may run any number of times.
 */
public class EksClusterInspectionActivities implements ClusterInspectionActivities {

  private final EksClientProvider clients;

  public EksClusterInspectionActivities(EksClientProvider clients) {
    this.clients = clients;
  }

  @Override
  public ClusterSnapshot inspectCluster(ClusterRef ref) {
    EksClient eks = clients.forRegion(ref.region());
    List<OfferedVersion> offered = offeredVersions(eks);
    Cluster cluster;
    try {
      cluster = eks.describeCluster(r -> r.name(ref.name())).cluster();
    } catch (ResourceNotFoundException e) {
      return ClusterSnapshot.notFound(ref, offered);
    }
    return new ClusterSnapshot(
        ref,
        true,
        cluster.statusAsString(),
        cluster.version(),
        cluster.platformVersion(),
        inProgressUpdates(eks, ref.name()),
        offered);
  }

  static List<ClusterSnapshot.InProgressUpdate> inProgressUpdates(EksClient eks, String cluster) {
    List<ClusterSnapshot.InProgressUpdate> updates = new ArrayList<>();
    for (String id : eks.listUpdatesPaginator(r -> r.name(cluster)).updateIds()) {
      Update update = eks.describeUpdate(r -> r.name(cluster).updateId(id)).update();
      if (update.status() == UpdateStatus.IN_PROGRESS) {
        updates.add(new ClusterSnapshot.InProgressUpdate(update.id(), update.typeAsString(), versionParam(update)));
      }
    }
    return updates;
  }

  static String versionParam(Update update) {
    return update.params().stream()
        .filter(p -> p.type() == UpdateParamType.VERSION)
        .map(p -> p.value())
        .findFirst()
        .orElse(null);
  }

  private static List<OfferedVersion> offeredVersions(EksClient eks) {
    List<OfferedVersion> offered = new ArrayList<>();
    String next = null;
    do {
      String token = next;
      DescribeClusterVersionsResponse page =
          eks.describeClusterVersions(r -> r.includeAll(true).nextToken(token));
      for (ClusterVersionInformation v : page.clusterVersions()) {
        offered.add(
            new OfferedVersion(
                v.clusterVersion(),
                v.versionStatusAsString() != null ? v.versionStatusAsString() : v.statusAsString(),
                text(v.endOfStandardSupportDate()),
                text(v.endOfExtendedSupportDate())));
      }
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    return offered;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
