package io.eksupgrader.activities.compatibility;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.ComponentTarget;
import io.eksupgrader.workflows.model.KubernetesVersion;
import org.junit.jupiter.api.Test;

/** Where Karpenter and Istio must go for an upgrade, from the tables shipped with the worker. */
class CompatibilityTableTest {

  private static final KubernetesVersion K132 = KubernetesVersion.parse("1.32");
  private static final KubernetesVersion K133 = KubernetesVersion.parse("1.33");
  private static final KubernetesVersion K134 = KubernetesVersion.parse("1.34");

  private final CompatibilityTable karpenter = CompatibilityTable.karpenter();
  private final CompatibilityTable istio = CompatibilityTable.istio();

  @Test
  void seed003sKarpenterMovesToTheLowestReleaseThatSupportsEveryMinorOnTheWay() {
    ComponentTarget target = karpenter.karpenterTarget("1.0.2", K132, K134, null);

    assertThat(target.versions()).containsExactly("1.6.3");
    assertThat(target.reason()).isEqualTo("Karpenter 1.0.2 does not support 1.32, 1.33, 1.34; 1.6.3 supports 1.29–1.34");
    assertThat(target.blockers()).isEmpty();
    assertThat(target.source()).contains("karpenter.sh");
    assertThat(karpenter.karpenterTarget("1.2.4", K132, K133, null).versions()).containsExactly("1.5.4");
  }

  @Test
  void aKarpenterThatSupportsThePathStaysAndTheMatrixPatchRuleIsKept() {
    assertThat(karpenter.karpenterTarget("1.6.3", K132, K134, null).upgradeNeeded()).isFalse();
    assertThat(karpenter.supports("1.0.4", KubernetesVersion.parse("1.31"))).as("1.31 needs 1.0.5").isFalse();
    assertThat(karpenter.supports("1.0.5", KubernetesVersion.parse("1.31"))).isTrue();
  }

  @Test
  void aPinnedKarpenterMustSupportEveryMinorAndNotGoBack() {
    assertThat(karpenter.karpenterTarget("1.0.2", K132, K134, "1.8.2").versions()).containsExactly("1.8.2");
    assertThat(karpenter.karpenterTarget("1.0.2", K132, K134, "1.5.4").blockers())
        .containsExactly(
            "the pinned Karpenter 1.5.4 does not support 1.34 (it supports 1.29–1.33): pin a version that supports"
                + " every minor from the current one to the target, or none");
    assertThat(karpenter.karpenterTarget("1.7.1", K132, K134, "1.6.3").blockers())
        .contains("Karpenter 1.6.3 is older than the installed 1.7.1: pin a newer version or none");
    assertThat(karpenter.karpenterTarget("0.37.0", K132, K134, null).blockers().get(0)).contains("predates v1");
  }

  @Test
  void seed003sIstioMovesOneMinorAtATimeToTheFirstThatSupportsTheTarget() {
    ComponentTarget target = istio.istioTarget("1.26.2", K132, K134, null);

    assertThat(target.versions()).containsExactly("1.27.0", "1.28.3");
    assertThat(target.reason()).isEqualTo("Istio 1.26.2 does not support 1.34; through 1.27.0 → 1.28.3");
    assertThat(target.blockers()).isEmpty();
    assertThat(istio.istioTarget("1.26.2", K132, K133, null).upgradeNeeded()).isFalse();
    assertThat(istio.istioTarget("1.26.2", K132, K134, "1.28.9").versions()).containsExactly("1.27.0", "1.28.9");
  }

  @Test
  void anIstioMinorThatCannotRunOnTheCurrentControlPlaneIsABlocker() {
    ComponentTarget target = istio.istioTarget("1.25.1", KubernetesVersion.parse("1.29"), KubernetesVersion.parse("1.31"), "1.29.0");

    assertThat(target.versions()).containsExactly("1.26.2", "1.27.0", "1.28.3", "1.29.0");
    assertThat(target.blockers())
        .contains("Istio 1.28.3 does not support 1.29 (it supports 1.30–1.34): upgrade Istio and the control plane in steps")
        .contains("Istio 1.29.0 does not support 1.29, 1.30 (it supports 1.31–1.35): upgrade Istio and the control plane in steps");
    assertThat(istio.istioTarget("1.26.2", K132, K134, "1.26.9").blockers())
        .anyMatch(b -> b.contains("is a patch of the installed minor 1.26"));
  }

  @Test
  void versionsCompareByTheirNumbers() {
    assertThat(ComponentVersions.compare("v1.10.0", "1.9.3")).isPositive();
    assertThat(ComponentVersions.compare("1.28.3-distroless", "1.28.3")).isZero();
    assertThat(ComponentVersions.minorOf("v1.0.2")).isEqualTo("1.0");
  }
}
