package io.eksupgrader.activities.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.workflows.model.DrainOptions;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** kubectl drain's pod filters, decided before anything is touched. */
class DrainPlanTest {

  private static final DrainOptions KUBECTL_DEFAULTS = new DrainOptions(false, false, false, -1, 60, 1);
  private static final DrainOptions SEED_001 = new DrainOptions(true, true, true, -1, 60, 1);

  private final Pod web = pod("shop", "web-1", "ReplicaSet", false, "Running");
  private final Pod cache = pod("shop", "cache-0", "StatefulSet", true, "Running");
  private final Pod bare = pod("shop", "debug", null, false, "Running");
  private final Pod agent = pod("kube-system", "aws-node-x", "DaemonSet", false, "Running");
  private final Pod mirror =
      new PodBuilder(pod("kube-system", "kube-proxy-static", null, false, "Running"))
          .editMetadata()
          .addToAnnotations(PodFacts.MIRROR_ANNOTATION, "abc")
          .endMetadata()
          .build();
  private final Pod finishedBare = pod("shop", "migrate", null, true, "Succeeded");

  @Test
  void withoutOptionsEveryPodTheFlagsGuardIsRefusedWithItsReason() {
    DrainPlan plan =
        DrainPlan.of(List.of(web, cache, bare, agent, mirror, finishedBare), KUBECTL_DEFAULTS, Set.of());

    assertThat(plan.refused())
        .extracting(r -> PodFacts.key(r.pod()), DrainPlan.Refusal::reason)
        .containsExactly(
            tuple("kube-system/aws-node-x", DrainPlan.DAEMON_SET),
            tuple("shop/cache-0", DrainPlan.EMPTY_DIR),
            tuple("shop/debug", DrainPlan.NO_CONTROLLER));
    assertThat(plan.evict()).extracting(PodFacts::key).containsExactly("shop/migrate", "shop/web-1");
    assertThat(plan.skippedMirror()).containsExactly(mirror);
  }

  @Test
  void seedOnesFlagsEvictAllButDaemonSetAndMirrorPods() {
    DrainPlan plan =
        DrainPlan.of(List.of(web, cache, bare, agent, mirror, finishedBare), SEED_001, Set.of());

    assertThat(plan.refused()).isEmpty();
    assertThat(plan.evict())
        .extracting(PodFacts::key)
        .containsExactly("shop/cache-0", "shop/debug", "shop/migrate", "shop/web-1");
    assertThat(plan.skippedDaemonSet()).containsExactly(agent);
    assertThat(plan.skippedMirror()).containsExactly(mirror);
  }

  @Test
  void aBarePodWithEmptyDirNamesBothReasons() {
    Pod scratch = pod("shop", "scratch", null, true, "Running");

    DrainPlan plan = DrainPlan.of(List.of(scratch), KUBECTL_DEFAULTS, Set.of());

    assertThat(plan.refused())
        .singleElement()
        .extracting(DrainPlan.Refusal::reason)
        .isEqualTo(DrainPlan.EMPTY_DIR + "; " + DrainPlan.NO_CONTROLLER);
  }

  @Test
  void onlyTheForcedUidIsDeletedAndItBypassesTheOptions() {
    DrainPlan plan =
        DrainPlan.of(List.of(web, bare, cache), KUBECTL_DEFAULTS, Set.of(PodFacts.uid(bare)));

    assertThat(plan.forceDelete()).containsExactly(bare);
    assertThat(plan.evict()).containsExactly(web);
    assertThat(plan.refused()).extracting(r -> r.pod()).containsExactly(cache);
  }

  @Test
  void budgetsSelectLikePolicyV1() {
    Map<String, String> labels = Map.of("app", "web", "tier", "front");

    assertThat(PodDisruptionBudgets.matches(null, labels)).isFalse();
    assertThat(PodDisruptionBudgets.matches(new LabelSelectorBuilder().build(), labels)).isTrue();
    assertThat(
            PodDisruptionBudgets.matches(
                new LabelSelectorBuilder().addToMatchLabels("app", "web").build(), labels))
        .isTrue();
    assertThat(
            PodDisruptionBudgets.matches(
                new LabelSelectorBuilder().addToMatchLabels("app", "db").build(), labels))
        .isFalse();
    assertThat(
            PodDisruptionBudgets.matches(
                new LabelSelectorBuilder()
                    .addToMatchExpressions(new LabelSelectorRequirement("tier", "In", List.of("front", "edge")))
                    .addToMatchExpressions(new LabelSelectorRequirement("canary", "DoesNotExist", List.of()))
                    .build(),
                labels))
        .isTrue();
    assertThat(
            PodDisruptionBudgets.matches(
                new LabelSelectorBuilder()
                    .addToMatchExpressions(new LabelSelectorRequirement("tier", "NotIn", List.of("front")))
                    .build(),
                labels))
        .isFalse();
  }

  @Test
  void durationsReadLikeKubectls() {
    assertThat(NodeDrain.format(java.time.Duration.ofMinutes(15))).isEqualTo("15m0s");
    assertThat(NodeDrain.format(java.time.Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
    assertThat(NodeDrain.format(java.time.Duration.ofMillis(4900))).isEqualTo("4s");
  }

  private static Pod pod(String namespace, String name, String ownerKind, boolean emptyDir, String phase) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withUid("uid-" + name)
            .endMetadata()
            .withNewSpec()
            .withNodeName("ip-10-0-1-1.ec2.internal")
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if (ownerKind != null) {
      b.editMetadata()
          .addNewOwnerReference()
          .withKind(ownerKind)
          .withName(name + "-owner")
          .withController(true)
          .endOwnerReference()
          .endMetadata();
    }
    if (emptyDir) {
      b.editSpec().addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume().endSpec();
    }
    return b.build();
  }
}
