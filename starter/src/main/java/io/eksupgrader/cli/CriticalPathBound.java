package io.eksupgrader.cli;

import io.eksupgrader.sandbox.Scenario;
import java.time.Duration;

/**
 * The least simulated time an upgrade of a {@link BenchWorld} can take, from the sandbox's durations
 * and the PodDisruptionBudgets alone: what no orchestrator, however fast, can beat. The benchmark
 * divides its measured time by it.
 *
 * <p>With {@code d} the scenario's durations, {@code M} the control-plane minors and {@code w(g)}
 * the eviction waves of node group {@code g}:
 *
 * <pre>
 * parallel   = components + M × (addonBefore + d.controlPlaneUpdate) + max(addonsAfter + dataPlane, drift)
 * sequential = components + M × (3 × d.addonUpdate + d.controlPlaneUpdate) - 2 × d.addonUpdate
 *              + max(2 × d.addonUpdate + dataPlane, drift)
 *   components  = max(karpenter, istio)                  both before the first minor (seed 003), independent
 *   karpenter   = d.podStart                              the new controller's pod turns Ready
 *   istio       = steps × (d.podStart + rollout)           istiod of the new revision Ready, then every meshed
 *                                                          Deployment restarted: ceil(r / (ceil(r/4) + floor(r/4)))
 *                                                          waves of d.podStart (maxSurge 25%, maxUnavailable 25%)
 *   addonBefore = d.addonUpdate                           the VPC CNI, before each minor
 *   addonsAfter = d.addonUpdate                           kube-proxy and CoreDNS of the last minor, side by side;
 *                                                          those of earlier minors overlap the next VPC CNI
 *   (sequential: the three add-ons of every minor one after another, as the product and AWS's guide run them)
 *   dataPlane   = d.nodeGroupCreate + max_g w(g) + d.nodeGroupDelete
 *                                                          all groups created at once (their nodes are Ready by
 *                                                          ACTIVE), drained at once, deleted at once
 *   w(g)        = max over budgets of (ceil(pods / allowed) - 1) × d.podStart
 *                                                          a budget admits {@code allowed} evictions, then waits for
 *                                                          their replacements to be Ready; allowed = maxUnavailable
 *                                                          (a percentage of the replicas, rounded up, at least 1);
 *                                                          the first wave goes at once; budget-less pods cost nothing
 *   drift       = ceil(nodes / budget) × d.karpenterLaunch  Karpenter replaces drifted nodes, budget at a time,
 *                                                          each after its replacement launched
 * </pre>
 *
 * <p>It leaves out, as zero: pre-flight and verification (reads only), the Helm work itself, API
 * round trips, polling and the time evicted pods take to go (the sandbox deletes them at once);
 * those are what the measured time may add. It assumes nothing about the time scale: it is
 * simulated time, and the benchmark compares it with the measured real time × the time scale.
 */
final class CriticalPathBound {

  /** The bound, and its parts for the table. */
  record Bound(Duration sequential, Duration parallel, Duration controlPlane, Duration addons, Duration components,
      Duration dataPlane, Duration drainWaves, Duration drift) {}

  private CriticalPathBound() {}

  static Bound of(BenchWorld world) {
    Scenario.Durations d = world.durations();
    int minors = world.minors();
    Duration controlPlane = d.controlPlaneUpdate().multipliedBy(minors);
    Duration karpenter = world.karpenterNodes() > 0 ? d.podStart() : Duration.ZERO;
    Duration istio = world.istio() ? istioStep(world.meshReplicas(), d.podStart()).multipliedBy(2) : Duration.ZERO;
    Duration components = max(karpenter, istio);
    Duration drainWaves = Duration.ZERO;
    for (BenchWorld.NodeGroup group : world.nodeGroups()) {
      drainWaves = max(drainWaves, drainWaves(group, d.podStart()));
    }
    Duration dataPlane = d.nodeGroupCreate().plus(drainWaves).plus(d.nodeGroupDelete());
    Duration drift =
        world.karpenterNodes() > 0
            ? d.karpenterLaunch().multipliedBy(ceilDiv(world.karpenterNodes(), Math.max(1, world.karpenterBudget())))
            : Duration.ZERO;
    // One add-on before each minor (the VPC CNI); after the last minor kube-proxy and CoreDNS side by side.
    Duration parallel =
        components.plus(d.addonUpdate().plus(d.controlPlaneUpdate()).multipliedBy(minors))
            .plus(max(d.addonUpdate().plus(dataPlane), drift));
    // The same with every add-on of every minor one after another, three per minor: drift starts
    // with the last control plane, beside its two add-ons after and the data plane.
    Duration sequentialAddons = d.addonUpdate().multipliedBy(3L * minors);
    Duration afterLast = d.addonUpdate().multipliedBy(2);
    Duration sequential =
        components.plus(controlPlane).plus(sequentialAddons.minus(afterLast))
            .plus(max(afterLast.plus(dataPlane), drift));
    return new Bound(sequential, parallel, controlPlane, sequentialAddons, components, dataPlane, drainWaves, drift);
  }

  /** The eviction waves of one group: its slowest budget's, the first wave free. */
  static Duration drainWaves(BenchWorld.NodeGroup group, Duration podStart) {
    long waves = 0;
    for (int i = 0; i < group.deployments(); i++) {
      String budget = group.budgetOf(i);
      if (budget != null) {
        waves = Math.max(waves, ceilDiv(group.replicas(), allowed(budget, group.replicas())) - 1);
      }
    }
    return podStart.multipliedBy(waves);
  }

  /** Evictions a maxUnavailable budget admits at once; a percentage is rounded up, as Kubernetes does. */
  static int allowed(String maxUnavailable, int replicas) {
    int allowed =
        maxUnavailable.endsWith("%")
            ? (int) Math.ceil(Integer.parseInt(maxUnavailable.substring(0, maxUnavailable.length() - 1)) * replicas / 100.0)
            : Integer.parseInt(maxUnavailable);
    return Math.max(1, allowed);
  }

  /** One Istio revision step: the new istiod, then the meshed Deployment's rollout in waves of 25% + 25%. */
  static Duration istioStep(int replicas, Duration podStart) {
    int perWave = Math.max(1, (int) Math.ceil(replicas / 4.0) + replicas / 4);
    return podStart.plus(podStart.multipliedBy(replicas == 0 ? 0 : ceilDiv(replicas, perWave)));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
