package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.PhaseSelection;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.UpgradePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhasesTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");

  @Test
  void aNodeGroupPassTheSkewRuleNeedsCannotBeLeftOut() {
    UpgradePlan plan =
        new UpgradePlan(
            CLUSTER,
            "1.30",
            "1.34",
            List.of(
                new PlanStep("control-plane-1.31", StepKind.CONTROL_PLANE, "t", "1.30", "1.31", "control-plane-1.31"),
                new PlanStep("nodegroup-apps-1-31", StepKind.NODE_GROUP, "t", "1.27", "1.31", "data-plane-1.31", "apps", "apps-1-31"),
                new PlanStep("control-plane-1.32", StepKind.CONTROL_PLANE, "t", "1.31", "1.32", "control-plane-1.32"),
                new PlanStep("nodegroup-apps", StepKind.NODE_GROUP, "t", "1.31", "1.32", "data-plane", "apps", "apps-1-32")));

    assertThat(Phases.problems(plan, new PhaseSelection(true, false)))
        .singleElement()
        .asString()
        .contains("phases.dataPlane is false, but the kubelet skew rule needs node groups replaced on the way (apps before 1.31)");
    assertThat(Phases.problems(plan, PhaseSelection.all())).isEmpty();
    assertThat(Phases.apply(plan, PhaseSelection.all())).isSameAs(plan);
  }
}
