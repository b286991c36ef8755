package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's lower bound, worked out by hand for R1 and for the cases where a rule decides. */
class CriticalPathBoundTest {

  @Test
  void r1IsTwoMinorsOfAddonsAndControlPlaneThenNodeGroupsCreatedDrainedAndDeletedAtOnce() {
    CriticalPathBound.Bound bound = CriticalPathBound.of(BenchWorld.r1());

    // Budgets of maxUnavailable 1 over 20 replicas: 20 waves, the first free, 20 s each.
    assertThat(bound.drainWaves()).isEqualTo(Duration.ofSeconds(19 * 20));
    // 15 min create + 380 s of waves + 5 min delete.
    assertThat(bound.dataPlane()).isEqualTo(Duration.ofSeconds(900 + 380 + 300));
    // Istio's two steps (istiod 20 s, then the meshed Deployment of 4 in two waves of 2) beat Karpenter's 20 s.
    assertThat(bound.components()).isEqualTo(Duration.ofSeconds(2 * (20 + 40)));
    // Karpenter's two nodes, budget 1, 60 s launches: off the critical path.
    assertThat(bound.drift()).isEqualTo(Duration.ofSeconds(120));
    // 120 s + 2 × (3 min VPC CNI + 25 min) + 3 min kube-proxy beside CoreDNS + data plane.
    assertThat(bound.parallel()).isEqualTo(Duration.ofSeconds(120 + 2 * (180 + 1500) + 180 + 1580));
    // The same with six add-on updates one after another.
    assertThat(bound.sequential()).isEqualTo(Duration.ofSeconds(120 + 2 * 1500 + 6 * 180 + 1580));
  }

  @Test
  void aPercentageBudgetIsRoundedUpAsKubernetesDoesAndNeverAdmitsLessThanOne() {
    assertThat(CriticalPathBound.allowed("10%", 20)).isEqualTo(2);
    assertThat(CriticalPathBound.allowed("10%", 25)).isEqualTo(3);
    assertThat(CriticalPathBound.allowed("1%", 5)).isEqualTo(1);
    assertThat(CriticalPathBound.allowed("0", 5)).isEqualTo(1);
    assertThat(CriticalPathBound.allowed("3", 5)).isEqualTo(3);
  }

  @Test
  void theSlowestBudgetOfAGroupDecidesItsWavesAndPodsWithoutBudgetsCostNone() {
    Duration podStart = Duration.ofSeconds(20);
    // 25 replicas at 10% (3 at a time): 9 waves, 8 of them waited; at 1: 25 waves, 24 waited.
    assertThat(CriticalPathBound.drainWaves(new BenchWorld.NodeGroup("g", 25, 2, 25, List.of("10%")), podStart))
        .isEqualTo(Duration.ofSeconds(8 * 20));
    assertThat(CriticalPathBound.drainWaves(new BenchWorld.NodeGroup("g", 25, 2, 25, List.of("10%", "1")), podStart))
        .isEqualTo(Duration.ofSeconds(24 * 20));
    assertThat(CriticalPathBound.drainWaves(new BenchWorld.NodeGroup("g", 50, 30, 50, List.of()), podStart))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void karpenterDriftDecidesTheTailWhenItOutlastsTheNodeGroups() {
    BenchWorld r1 = BenchWorld.r1();
    BenchWorld slowDrift =
        new BenchWorld(
            r1.name(), r1.fromVersion(), r1.toVersion(), r1.nodeGroups(), r1.daemonSets(), 40, 1, r1.istio(),
            r1.meshReplicas(), r1.durations(), 0.0);

    CriticalPathBound.Bound bound = CriticalPathBound.of(slowDrift);

    // 40 nodes one at a time, 60 s each, from the last control plane on: 2,400 s against 3 min + 1,580 s.
    assertThat(bound.drift()).isEqualTo(Duration.ofSeconds(2400));
    assertThat(bound.parallel()).isEqualTo(Duration.ofSeconds(120 + 2 * (180 + 1500) + 2400));
    assertThat(bound.sequential()).isEqualTo(Duration.ofSeconds(120 + 2 * 1500 + 4 * 180 + 2400));
  }
}
