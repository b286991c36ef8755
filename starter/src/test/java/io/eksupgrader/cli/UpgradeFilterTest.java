package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.cli.UpgradeFilter.Awaiting;
import io.eksupgrader.cli.UpgradeFilter.Openness;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code list}'s visibility queries, and the same filters on one listed upgrade. */
class UpgradeFilterTest {

  private static UpgradeRow row(String status, String cluster, String phase, String gate) {
    return new UpgradeRow("eks-upgrade/" + cluster, "run", status, null, null, cluster, "1.34", phase, gate);
  }

  @Test
  void withoutFiltersItAsksForRunningUpgradesOnly() {
    assertThat(new UpgradeFilter(Openness.OPEN, List.of(), null, null, null, null).query())
        .isEqualTo("WorkflowType = 'ClusterUpgrade' AND ExecutionStatus = 'Running'");
    assertThat(new UpgradeFilter(Openness.ALL, List.of(), null, null, null, null).query())
        .isEqualTo("WorkflowType = 'ClusterUpgrade'");
    assertThat(new UpgradeFilter(Openness.CLOSED, List.of(), null, null, null, null).query())
        .isEqualTo("WorkflowType = 'ClusterUpgrade' AND ExecutionStatus != 'Running'");
  }

  @Test
  void everyFilterBecomesATermOnItsSearchAttribute() {
    assertThat(new UpgradeFilter(Openness.OPEN, List.of("nodegroup-apps"), Awaiting.any(), "us-east-1", "demo", "1.34").query())
        .isEqualTo(
            "WorkflowType = 'ClusterUpgrade' AND ExecutionStatus = 'Running' AND EksUpgradePhase = 'nodegroup-apps'"
                + " AND EksAwaitingGate IS NOT NULL AND EksCluster = 'us-east-1/demo' AND EksTargetVersion = '1.34'");
    assertThat(new UpgradeFilter(Openness.ALL, List.of("succeeded", "rejected"), Awaiting.parse("control-plane-1.33"), "eu-west-1", null, null).query())
        .isEqualTo(
            "WorkflowType = 'ClusterUpgrade' AND EksUpgradePhase IN ('succeeded', 'rejected')"
                + " AND EksAwaitingGate = 'control-plane-1.33' AND EksCluster STARTS_WITH 'eu-west-1/'");
  }

  @Test
  void gateTypesAndStarsArePrefixesAndOtherNamesExactGates() {
    assertThat(Awaiting.parse("control-plane")).isEqualTo(new Awaiting(null, "control-plane-"));
    assertThat(Awaiting.parse("decide")).isEqualTo(new Awaiting(null, "decide:"));
    assertThat(Awaiting.parse("istio-1.27*")).isEqualTo(new Awaiting(null, "istio-1.27"));
    assertThat(Awaiting.parse("karpenter")).isEqualTo(new Awaiting("karpenter", null));
    assertThat(Awaiting.parse("")).isEqualTo(Awaiting.any());
    assertThat(Awaiting.parse("any")).isEqualTo(Awaiting.any());
    assertThat(new UpgradeFilter(Openness.OPEN, List.of(), Awaiting.parse("decide"), null, null, null).query())
        .endsWith(" AND EksAwaitingGate STARTS_WITH 'decide:'");
  }

  @Test
  void aValueCannotEndItsLiteralOrAddTerms() {
    String hostile = "x' OR WorkflowType != '\\";
    String query = new UpgradeFilter(Openness.OPEN, List.of(hostile), null, null, null, null).query();
    assertThat(query).endsWith(" AND EksUpgradePhase = 'x\\' OR WorkflowType != \\'\\\\'");
    assertThat(UpgradeFilter.quote("it's")).isEqualTo("'it\\'s'");
    assertThat(UpgradeFilter.quote("a\\")).isEqualTo("'a\\\\'");
    assertThatThrownBy(() -> new UpgradeFilter(Openness.OPEN, List.of("a\nb"), null, null, null, null))
        .isInstanceOf(CliFailure.class)
        .hasMessageContaining("control characters")
        .extracting(e -> ((CliFailure) e).exitCode())
        .isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void theSameFiltersOnOneUpgradeAsTheQuerySaysThemAndAClusterNameWithoutItsRegion() {
    UpgradeRow atGate = row("RUNNING", "us-east-1/demo", "control-plane-1.33", "control-plane-1.33");
    UpgradeRow failed = row("RUNNING", "eu-west-1/shop", "nodegroup-apps", "decide:nodegroup-apps");
    UpgradeRow running = row("RUNNING", "eu-west-1/demo", "nodegroup-apps", null);
    UpgradeRow done = row("COMPLETED", "us-east-1/old", "succeeded", null);
    List<UpgradeRow> rows = List.of(atGate, failed, running, done);

    assertThat(rows.stream().filter(new UpgradeFilter(Openness.OPEN, List.of(), null, null, null, null)::matches))
        .containsExactly(atGate, failed, running);
    assertThat(rows.stream().filter(new UpgradeFilter(Openness.CLOSED, List.of(), null, null, null, null)::matches))
        .containsExactly(done);
    assertThat(rows.stream().filter(new UpgradeFilter(Openness.ALL, List.of(), Awaiting.any(), null, null, null)::matches))
        .containsExactly(atGate, failed);
    assertThat(rows.stream().filter(new UpgradeFilter(Openness.ALL, List.of(), Awaiting.parse("decide"), null, null, null)::matches))
        .containsExactly(failed);
    assertThat(rows.stream().filter(new UpgradeFilter(Openness.ALL, List.of("nodegroup-apps"), null, "eu-west-1", null, null)::matches))
        .containsExactly(failed, running);
    assertThat(rows.stream().filter(new UpgradeFilter(Openness.ALL, List.of(), null, null, "demo", null)::matches))
        .containsExactly(atGate, running);
    assertThat(rows.stream().filter(new UpgradeFilter(Openness.ALL, List.of(), null, null, null, "1.33")::matches)).isEmpty();
  }
}
