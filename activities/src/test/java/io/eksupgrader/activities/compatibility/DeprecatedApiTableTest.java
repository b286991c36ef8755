package io.eksupgrader.activities.compatibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.activities.compatibility.DeprecatedApiTable.DeprecatedApi;
import io.eksupgrader.activities.compatibility.DeprecatedApiTable.Verdict;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.Severity;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The deprecated-API table shipped with the worker, and what a use of an API means on a path. */
class DeprecatedApiTableTest {

  private static KubernetesVersion v(String text) {
    return KubernetesVersion.parse(text);
  }

  private final DeprecatedApiTable table = DeprecatedApiTable.load();

  @Test
  void theTableHasEveryRemovalTheGuideListsFrom116To132() {
    assertThat(table.source()).contains("kubernetes.io/docs/reference/using-api/deprecation-guide");
    Set<String> removedIn =
        table.apis().stream().map(a -> a.removedIn().toString()).collect(Collectors.toSet());
    assertThat(removedIn).containsExactlyInAnyOrder("1.16", "1.22", "1.25", "1.26", "1.27", "1.29", "1.32");
    assertThat(table.byKind("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"))
        .hasValueSatisfying(
            a -> {
              assertThat(a.removedIn()).isEqualTo(v("1.32"));
              assertThat(a.deprecatedIn()).isEqualTo(v("1.29"));
              assertThat(a.replacement()).isEqualTo("flowcontrol.apiserver.k8s.io/v1");
            });
    assertThat(table.byKind("policy/v1beta1", "PodDisruptionBudget").orElseThrow().replacement()).isEqualTo("policy/v1");
    assertThat(table.byKind("autoscaling/v2beta2", "HorizontalPodAutoscaler").orElseThrow().removedIn()).isEqualTo(v("1.26"));
    assertThat(table.byKind("storage.k8s.io/v1beta1", "CSIStorageCapacity").orElseThrow().removedIn()).isEqualTo(v("1.27"));
    assertThat(table.byKind("apps/v1beta1", "Deployment").orElseThrow().removedIn()).isEqualTo(v("1.16"));
    assertThat(table.byKind("extensions/v1beta1", "Ingress").orElseThrow().replacement()).isEqualTo("networking.k8s.io/v1");
    assertThat(table.byKind("apps/v1", "Deployment")).as("served APIs are not in the table").isEmpty();
  }

  @Test
  void everyRowIsDeprecatedBeforeItIsRemovedAndItsReplacementIsAnotherVersion() {
    for (DeprecatedApi api : table.apis()) {
      assertThat(api.deprecatedIn().isAfter(api.removedIn())).as(api.display()).isFalse();
      assertThat(api.deprecatedIn()).as(api.display()).isNotEqualTo(api.removedIn());
      if (api.replacement() != null) {
        assertThat(api.replacement()).as(api.display()).isNotEqualTo(api.apiVersion());
        assertThat(api.replacementSince().isAfter(api.removedIn())).as(api.display()).isFalse();
      }
    }
    assertThat(table.apis().stream().filter(a -> a.replacement() == null).map(DeprecatedApi::display))
        .containsExactly("policy/v1beta1 PodSecurityPolicy");
    assertThat(table.apis().stream().map(a -> a.apiVersion() + " " + a.kind()).distinct().count())
        .as("one row per kind and version")
        .isEqualTo(table.apis().size());
  }

  @Test
  void theMetricsResourceNamesFindTheirRow() {
    assertThat(table.byResource("flowcontrol.apiserver.k8s.io", "v1beta3", "prioritylevelconfigurations").orElseThrow().kind())
        .isEqualTo("PriorityLevelConfiguration");
    assertThat(table.byResource("batch", "v1beta1", "cronjobs").orElseThrow().apiVersion()).isEqualTo("batch/v1beta1");
    assertThat(table.byResource("batch", "v1", "cronjobs")).isEmpty();
  }

  @Test
  void anApiRemovedAtAMinorOfThePathBlocksThatMinor() {
    Verdict verdict = DeprecatedApiTable.verdict(v("1.29"), v("1.32"), v("1.31"), List.of(v("1.32"), v("1.33")));
    assertThat(verdict).isEqualTo(new Verdict(Severity.BLOCKER, v("1.32"), false));
    assertThat(DeprecatedApiTable.verdict(v("1.29"), v("1.32"), v("1.30"), List.of(v("1.31"), v("1.32"), v("1.33"))).minor())
        .as("the first minor that no longer serves it")
        .isEqualTo(v("1.32"));
  }

  @Test
  void anApiAlreadyRemovedBlocksTheFirstMinorOfThePath() {
    assertThat(DeprecatedApiTable.verdict(v("1.9"), v("1.16"), v("1.32"), List.of(v("1.33"), v("1.34"))))
        .isEqualTo(new Verdict(Severity.BLOCKER, v("1.33"), true));
  }

  @Test
  void anApiDeprecatedButServedThroughTheTargetIsAWarningAndOneDeprecatedLaterIsInfo() {
    assertThat(DeprecatedApiTable.verdict(v("1.29"), v("1.32"), v("1.29"), List.of(v("1.30"), v("1.31"))))
        .isEqualTo(new Verdict(Severity.WARNING, null, false));
    assertThat(DeprecatedApiTable.verdict(null, null, v("1.33"), List.of(v("1.34"))).severity())
        .as("a metric's API with no removal planned")
        .isEqualTo(Severity.WARNING);
    assertThat(DeprecatedApiTable.verdict(v("1.29"), v("1.32"), v("1.26"), List.of(v("1.27"), v("1.28"))).severity())
        .isEqualTo(Severity.INFO);
  }

  @Test
  void onlyRowsThePathServesAndDeprecatesAreWorthReportingUnused() {
    assertThat(table.onPath(v("1.31"), v("1.32")).stream().map(DeprecatedApi::display))
        .containsExactlyInAnyOrder(
            "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration");
    assertThat(table.onPath(v("1.32"), v("1.34"))).as("everything in the table is gone by 1.32").isEmpty();
    assertThat(table.onPath(v("1.24"), v("1.25")).stream().map(DeprecatedApi::display))
        .contains("policy/v1beta1 PodDisruptionBudget", "storage.k8s.io/v1beta1 CSIStorageCapacity")
        .doesNotContain("apps/v1beta1 Deployment", "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema");
  }

  @Test
  void aRowWithoutItsRemovalIsRefused() {
    assertThatThrownBy(() -> DeprecatedApiTable.parse("apis:\n  - {apiVersion: a/v1, kind: A, resource: as, deprecatedIn: \"1.2\"}"))
        .hasMessageContaining("no removedIn");
  }
}
