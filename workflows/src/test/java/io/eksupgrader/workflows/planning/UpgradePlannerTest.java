package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.UpgradePlan;
import org.junit.jupiter.api.Test;

class UpgradePlannerTest {

  private static final ClusterRef CLUSTER = new ClusterRef("eu-west-1", "shop");

  @Test
  void plansOneGatedControlPlaneStepPerMinorBetweenPreflightAndVerify() {
    UpgradePlan plan = UpgradePlanner.plan(CLUSTER, "1.32", "1.34");

    assertThat(plan.steps()).extracting(PlanStep::id)
        .containsExactly("preflight", "control-plane-1.33", "control-plane-1.34", "verify");
    assertThat(plan.steps()).extracting(PlanStep::gate)
        .containsExactly(null, "control-plane-1.33", "control-plane-1.34", null);
    assertThat(plan.steps().get(1).fromVersion()).isEqualTo("1.32");
    assertThat(plan.steps().get(2).fromVersion()).isEqualTo("1.33");
    assertThat(plan.steps().get(2).toVersion()).isEqualTo("1.34");
  }

  @Test
  void replacesEveryGroupOlderThanTheTargetAfterTheControlPlaneAndTearsThemDownAfterAllReplacements() {
    UpgradePlan plan =
        UpgradePlanner.plan(
            CLUSTER,
            "1.32",
            "1.34",
            java.util.List.of(group("zeta", "1.32", 3), group("alpha", "1.33", 2), group("new-1-34", "1.34", 2)));

    assertThat(plan.steps()).extracting(PlanStep::id)
        .containsExactly(
            "preflight",
            "control-plane-1.33",
            "control-plane-1.34",
            "nodegroup-alpha",
            "nodegroup-zeta",
            "teardown-alpha",
            "teardown-zeta",
            "verify");
    assertThat(plan.steps()).extracting(PlanStep::gate)
        .containsExactly(
            null, "control-plane-1.33", "control-plane-1.34", "data-plane", null, "teardown-alpha", "teardown-zeta", null);
    PlanStep zeta = plan.steps().get(4);
    assertThat(zeta.nodeGroup()).isEqualTo("zeta");
    assertThat(zeta.target()).isEqualTo("zeta-1-34");
    assertThat(zeta.fromVersion()).isEqualTo("1.32");
    assertThat(zeta.toVersion()).isEqualTo("1.34");
    assertThat(zeta.title()).contains("3 nodes");
  }

  @Test
  void withoutNodeGroupsThePlanHasNoDataPlane() {
    assertThat(UpgradePlanner.plan(CLUSTER, "1.32", "1.33", java.util.List.of()).steps())
        .extracting(PlanStep::id)
        .containsExactly("preflight", "control-plane-1.33", "verify");
  }

  private static io.eksupgrader.workflows.model.NodeGroupInfo group(String name, String version, int nodes) {
    return new io.eksupgrader.workflows.model.NodeGroupInfo(
        name, version, null, "ACTIVE", "AL2_x86_64", "ON_DEMAND", java.util.List.of("m5.large"),
        java.util.List.of("subnet-a"), new io.eksupgrader.workflows.model.NodeGroupInfo.Scaling(1, 5, nodes),
        java.util.Map.of(), java.util.List.of(), "role", null, java.util.List.of());
  }

  @Test
  void minorStepsCountAcrossTwoDigitMinors() {
    assertThat(UpgradePlanner.minorSteps(KubernetesVersion.parse("1.9"), KubernetesVersion.parse("1.11")))
        .extracting(KubernetesVersion::toString)
        .containsExactly("1.10", "1.11");
  }

  @Test
  void refusesToPlanADowngradeOrAStandStill() {
    assertThatThrownBy(() -> UpgradePlanner.plan(CLUSTER, "1.33", "1.32"))
        .hasMessageContaining("no upgrade path from 1.33 to 1.32");
    assertThatThrownBy(() -> UpgradePlanner.plan(CLUSTER, "1.33", "1.33"))
        .hasMessageContaining("the target must be a later minor");
  }

  @Test
  void versionsAreComparedAsNumbersNotText() {
    assertThat(KubernetesVersion.parse("1.10").isAfter(KubernetesVersion.parse("1.9"))).isTrue();
    assertThat(KubernetesVersion.parse(" 1.33 ")).isEqualTo(new KubernetesVersion(1, 33));
  }

  @Test
  void refusesVersionsEksDoesNotName() {
    for (String bad : new String[] {"1.33.1", "v1.33", "1", "latest", "", "1.x"}) {
      assertThatThrownBy(() -> KubernetesVersion.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("e.g. 1.33");
    }
  }

  @Test
  void requestTokensAreStablePerAttemptAndDifferBetweenAttemptsAndRuns() {
    String first = WorkflowIds.requestToken("eks-upgrade/a/b", "run-1", "control-plane-1.33", 1);
    assertThat(WorkflowIds.requestToken("eks-upgrade/a/b", "run-1", "control-plane-1.33", 1)).isEqualTo(first);
    assertThat(WorkflowIds.requestToken("eks-upgrade/a/b", "run-1", "control-plane-1.33", 2)).isNotEqualTo(first);
    assertThat(WorkflowIds.requestToken("eks-upgrade/a/b", "run-2", "control-plane-1.33", 1)).isNotEqualTo(first);
    assertThat(first).hasSizeLessThanOrEqualTo(64);
    assertThat(WorkflowIds.clusterUpgrade(new ClusterRef("us-west-2", "api"))).isEqualTo("eks-upgrade/us-west-2/api");
  }
}
