package io.eksupgrader.activities.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.ClusterSnapshot.InProgressUpdate;
import io.eksupgrader.workflows.model.OfferedVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.model.Update;

class EksClusterInspectionActivitiesTest {

  private SandboxActivityHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aSnapshotShowsTheClusterItsRunningUpdateAndEveryOfferedVersion() {
    h = new SandboxActivityHarness(
        """
        name: inspect
        startTime: 2026-11-23T09:00:00Z
        clusters: [{name: demo, region: us-east-1, version: "1.32", platformVersion: eks.19}]
        durations: {controlPlaneUpdate: 25m}
        """);
    Update running =
        h.eks("us-east-1")
            .updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("t"))
            .update();
    ClusterRef demo = new ClusterRef("us-east-1", "demo");

    ClusterSnapshot snapshot = h.inspection.inspectCluster(demo);

    assertThat(snapshot.cluster()).isEqualTo(demo);
    assertThat(snapshot.exists()).isTrue();
    assertThat(snapshot.status()).isEqualTo("UPDATING");
    assertThat(snapshot.version()).isEqualTo("1.32");
    assertThat(snapshot.platformVersion()).isEqualTo("eks.19");
    assertThat(snapshot.updatesInProgress())
        .containsExactly(new InProgressUpdate(running.id(), "VersionUpdate", "1.33"));
    assertThat(snapshot.offeredVersions())
        .as("all statuses, newest first, as EKS saw them on the scenario's day")
        .extracting(OfferedVersion::version, OfferedVersion::status)
        .containsExactly(
            tuple("1.34", "STANDARD_SUPPORT"),
            tuple("1.33", "EXTENDED_SUPPORT"),
            tuple("1.32", "EXTENDED_SUPPORT"),
            tuple("1.31", "EXTENDED_SUPPORT"),
            tuple("1.30", "UNSUPPORTED"),
            tuple("1.29", "UNSUPPORTED"),
            tuple("1.28", "UNSUPPORTED"));
    assertThat(snapshot.offeredVersions().get(0))
        .isEqualTo(
            new OfferedVersion("1.34", "STANDARD_SUPPORT", "2026-12-02T00:00:00Z", "2027-12-02T00:00:00Z"));
    assertThat(h.sandbox.callLog().size()).as("inspection changes nothing").isEqualTo(1);
  }

  @Test
  void anUnknownClusterIsASnapshotThatSaysSo() {
    h = new SandboxActivityHarness(
        """
        name: nothing-here
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        """);
    ClusterRef ghost = new ClusterRef("eu-west-1", "demo");

    ClusterSnapshot snapshot = h.inspection.inspectCluster(ghost);

    assertThat(snapshot.exists()).isFalse();
    assertThat(snapshot.cluster()).isEqualTo(ghost);
    assertThat(snapshot.version()).isNull();
    assertThat(snapshot.updatesInProgress()).isEmpty();
    assertThat(snapshot.offeredVersions()).extracting(OfferedVersion::version).contains("1.33", "1.34");
    assertThat(h.sandbox.callLog().entries()).isEmpty();
  }
}
