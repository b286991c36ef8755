package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.ComponentTarget;
import io.eksupgrader.workflows.model.HelmReleaseInfo;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.IstioInstallation.Gateway;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioInstallation.Revision;
import io.eksupgrader.workflows.model.IstioInstallation.RevisionTag;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.PlanStep;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which component steps a cluster gets, and how the mesh's namespaces move between revisions. */
class ComponentPlannerTest {

  private static final HelmReleaseInfo ISTIOD =
      new HelmReleaseInfo("istiod-1-26", "istio-system", "istiod", "1.26.2", "1.26.2", 1, "deployed");

  private static IstioInstallation mesh(List<RevisionTag> tags, List<MeshNamespace> namespaces, List<Gateway> gateways) {
    return new IstioInstallation(
        true,
        "istio-system",
        List.of(new Revision("1-26", "1.26.2", "istiod-1-26", 1, ISTIOD)),
        tags,
        namespaces,
        gateways,
        null,
        new ComponentTarget("1.26.2", List.of("1.27.0"), "Istio 1.26.2 does not support 1.34", "table", List.of()));
  }

  @Test
  void namespacesThatFollowATagKeepTheirLabelsAndTheOthersAreRelabelled() {
    IstioInstallation istio =
        mesh(
            List.of(new RevisionTag("default", "1-26"), new RevisionTag("prod-stable", "1-26")),
            List.of(
                new MeshNamespace("shop", "enabled", null, "1-26"),
                new MeshNamespace("payments", null, "prod-stable", "1-26"),
                new MeshNamespace("billing", "enabled", "1-26", "1-26")),
            List.of());

    assertThat(ComponentPlanner.selectionAfter(istio, "1-27"))
        .containsExactly(
            new MeshNamespace("shop", "enabled", null, "1-27"),
            new MeshNamespace("payments", null, "prod-stable", "1-27"),
            new MeshNamespace("billing", null, "1-27", "1-27"));
    assertThat(ComponentPlanner.tagsAfter(istio, "1-27"))
        .containsExactly(new RevisionTag("default", "1-27"), new RevisionTag("prod-stable", "1-27"));
  }

  @Test
  void withoutADefaultTagAnInjectionEnabledNamespaceIsRelabelledToTheRevision() {
    IstioInstallation istio = mesh(List.of(), List.of(new MeshNamespace("shop", "enabled", null, "1-26")), List.of());

    assertThat(ComponentPlanner.selectionAfter(istio, "1-27")).containsExactly(new MeshNamespace("shop", null, "1-27", "1-27"));
    assertThat(ComponentPlanner.istioSteps(istio, IstioOptions.defaults()))
        .extracting(PlanStep::id)
        .as("no gateways: no gateway step")
        .containsExactly("istio-1.27-install", "istio-1.27-workloads", "istio-1.27-validate", "istio-1.26-remove");
  }

  @Test
  void withHelmEveryRevisionAndGatewayMustBeAReleaseAndTheNewRevisionNeedsANewName() {
    IstioInstallation istio =
        new IstioInstallation(
            true,
            "istio-system",
            List.of(new Revision("1-27", "1.26.2", "istiod-1-27", 1, null)),
            List.of(),
            List.of(new MeshNamespace("shop", null, "1-27", "1-27")),
            List.of(new Gateway("istio-ingress", "ingress", "1-27", "1.26.2", null)),
            null,
            new ComponentTarget("1.26.2", List.of("1.27.0"), "r", "table", List.of()));

    assertThat(ComponentPlanner.blockers(null, istio, ComponentOptions.defaults()))
        .anySatisfy(b -> assertThat(b).startsWith("the new revision 1-27 has the name of the one that serves the mesh now"))
        .anySatisfy(b -> assertThat(b).startsWith("istiod revision 1-27 (istiod-1-27) is not a Helm release"))
        .anySatisfy(b -> assertThat(b).startsWith("Istio gateway istio-ingress/ingress is not a Helm release"));
    assertThat(
            ComponentPlanner.blockers(
                null, istio, new ComponentOptions(null, new IstioOptions(ComponentStrategy.EXTERNAL, null, null, 0))))
        .as("with GitOps the worker installs nothing itself")
        .containsExactly(
            "the new revision 1-27 has the name of the one that serves the mesh now: rename the installed revision, then start again");
  }

  @Test
  void externalIstioGatewaysWaitAtAGateOfTheirOwn() {
    IstioInstallation istio =
        mesh(
            List.of(new RevisionTag("default", "1-26")),
            List.of(new MeshNamespace("shop", "enabled", null, "1-26")),
            List.of(new Gateway("istio-ingress", "ingress", "1-26", "1.26.2", null)));

    assertThat(ComponentPlanner.istioSteps(istio, new IstioOptions(ComponentStrategy.EXTERNAL, null, null, 0)))
        .filteredOn(s -> s.gate() != null)
        .extracting(PlanStep::gate)
        .containsExactly("istio-1.27", "istio-1.27-gateways", "istio-1.26-remove");
  }

  @Test
  void karpenterWithoutAnythingToChangeGetsNoSteps() {
    KarpenterInstallation current =
        new KarpenterInstallation(
            true, "kube-system", "karpenter", "1.6.3", null, null, List.of(), List.of(), List.of(), List.of(),
            new ComponentTarget("1.6.3", List.of(), "Karpenter 1.6.3 supports 1.32, 1.33, 1.34", "table", List.of()));

    assertThat(ComponentPlanner.karpenterSteps(current, KarpenterOptions.defaults())).isEmpty();
    assertThat(ComponentPlanner.blockers(current, null, new ComponentOptions(new KarpenterOptions(ComponentStrategy.SKIP, null, null), null)))
        .isEmpty();
    assertThat(ComponentPlanner.karpenterSteps(KarpenterInstallation.notInstalled(), KarpenterOptions.defaults())).isEmpty();
  }

  @Test
  void revisionsAreNamedAfterTheirMinor() {
    assertThat(ComponentPlanner.revisionName("1.28.3")).isEqualTo("1-28");
    assertThat(ComponentPlanner.minorOf("1.27.0")).isEqualTo("1.27");
  }
}
