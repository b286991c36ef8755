package io.eksupgrader.activities.istio;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the Istio activities wait, and where {@code istioctl} is.
 *
 * @param pollInterval between two looks at istiod, gateways or a namespace's pods
 * @param readyTimeout how long a new istiod or an upgraded gateway may take to run Ready
 * @param stallTimeout how long a workload move may go without another pod reaching the revision
 * @param istioctl the {@code istioctl} binary, or null to look for it on the PATH; none found means
 *     validation runs without {@code istioctl analyze} and says so
 */
public record IstioSettings(Duration pollInterval, Duration readyTimeout, Duration stallTimeout, Path istioctl) {

  public IstioSettings {
    for (Duration d : new Duration[] {pollInterval, readyTimeout, stallTimeout}) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("Istio timings must be positive, was " + d);
      }
    }
  }

  /** A restart of a few pods takes a minute; ten minutes without one more pod moved is a stall. */
  public static IstioSettings defaults() {
    return new IstioSettings(Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(10), null);
  }
}
