package io.eksupgrader.activities.eks;

import io.eksupgrader.workflows.activities.ClusterInspectionActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.ClusterSnapshot.InProgressUpdate;
import io.eksupgrader.workflows.model.OfferedVersion;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterVersionInformation;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * Observes a cluster without changing anything: DescribeCluster, then its InProgress updates
 * (ListUpdates, DescribeUpdate each), then every version EKS offers in the region, unsupported
 * ones included (DescribeClusterVersions with includeAll, all pages). A cluster EKS does not know
 * is reported as a snapshot, not a failure, so that the workflow can refuse with a clear message.
 */
public class EksClusterInspectionActivities implements ClusterInspectionActivities {

  private static final Logger log = LoggerFactory.getLogger(EksClusterInspectionActivities.class);

  private final EksClientProvider clients;

  public EksClusterInspectionActivities(EksClientProvider clients) {
    this.clients = clients;
  }

  @Override
  public ClusterSnapshot inspectCluster(ClusterRef cluster) {
    EksClient eks = clients.forRegion(cluster.region());
    List<OfferedVersion> offered = offeredVersions(eks);
    try {
      Cluster c = eks.describeCluster(r -> r.name(cluster.name())).cluster();
      List<InProgressUpdate> running = EksUpdates.inProgress(eks, cluster.name());
      log.info(
          "{}: {} {} {}, {} update(s) in progress",
          cluster,
          c.version(),
          c.statusAsString(),
          c.platformVersion(),
          running.size());
      return new ClusterSnapshot(
          cluster, true, c.statusAsString(), c.version(), c.platformVersion(), running, offered);
    } catch (ResourceNotFoundException e) {
      log.info("{}: not found", cluster);
      return ClusterSnapshot.notFound(cluster, offered);
    }
  }

  private static List<OfferedVersion> offeredVersions(EksClient eks) {
    return eks.describeClusterVersionsPaginator(r -> r.includeAll(true)).clusterVersions().stream()
        .map(EksClusterInspectionActivities::offered)
        .toList();
  }

  private static OfferedVersion offered(ClusterVersionInformation v) {
    // versionStatus replaced the older status field; fall back for responses that lack it.
    String status =
        v.versionStatusAsString() != null
            ? v.versionStatusAsString()
            : v.statusAsString() == null ? null : v.statusAsString().toUpperCase().replace('-', '_');
    return new OfferedVersion(
        v.clusterVersion(), status, iso(v.endOfStandardSupportDate()), iso(v.endOfExtendedSupportDate()));
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
