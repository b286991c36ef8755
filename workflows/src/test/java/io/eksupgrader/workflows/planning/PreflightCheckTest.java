package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.OfferedVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightCheckTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "demo");
  private static final List<OfferedVersion> OFFERED =
      List.of(
          new OfferedVersion("1.32", "EXTENDED_SUPPORT", null, null),
          new OfferedVersion("1.33", "STANDARD_SUPPORT", null, null),
          new OfferedVersion("1.34", "STANDARD_SUPPORT", null, null),
          new OfferedVersion("1.35", "UNSUPPORTED", null, null));

  @Test
  void anActiveIdleClusterWithOfferedStepsHasNoBlockers() {
    assertThat(PreflightCheck.blockers(snapshot("ACTIVE", "1.32"), "1.34")).isEmpty();
  }

  @Test
  void everyMinorOnThePathMustBeOfferedAndUnsupportedDoesNotCount() {
    assertThat(PreflightCheck.blockers(snapshot("ACTIVE", "1.33"), "1.35"))
        .singleElement()
        .asString()
        .contains("EKS does not offer Kubernetes 1.35 in us-east-1 (offered: 1.32, 1.33, 1.34)");
  }

  @Test
  void aBusyClusterIsRefusedWithEveryReason() {
    ClusterSnapshot busy =
        new ClusterSnapshot(
            CLUSTER, true, "UPDATING", "1.32", "eks.3",
            List.of(new ClusterSnapshot.InProgressUpdate("abc", "AddonUpdate", null)), OFFERED);
    assertThat(PreflightCheck.blockers(busy, "1.33"))
        .containsExactly(
            "cluster demo in us-east-1 is UPDATING, not ACTIVE: wait until it is ACTIVE, then start again",
            "update abc (AddonUpdate) is in progress: wait for it to end (aws eks describe-update --name demo"
                + " --update-id abc), then start again");
  }

  @Test
  void aMissingClusterStopsTheCheckAtOnce() {
    assertThat(PreflightCheck.blockers(ClusterSnapshot.notFound(CLUSTER, OFFERED), "1.33"))
        .singleElement()
        .asString()
        .startsWith("cluster demo in us-east-1 does not exist");
  }

  @Test
  void crossingAMajorVersionIsRefused() {
    assertThat(PreflightCheck.blockers(snapshot("ACTIVE", "1.34"), "2.0"))
        .singleElement()
        .asString()
        .contains("across major versions");
  }

  private static ClusterSnapshot snapshot(String status, String version) {
    return new ClusterSnapshot(CLUSTER, true, status, version, "eks.1", List.of(), OFFERED);
  }
}
