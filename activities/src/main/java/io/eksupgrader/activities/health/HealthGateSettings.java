package io.eksupgrader.activities.health;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How health gates reach Prometheus.
 *
 * @param requestTimeout how long one query may take, answer included; a slower one fails the
 *     evaluation, which Temporal retries
 * @param connectTimeout how long opening a connection may take
 * @param bearerTokenFile a file holding the bearer token of a Prometheus behind authentication
 *     (e.g. a projected service account token), read again for every evaluation so that a rotated
 *     token is picked up; null: no Authorization header. The token itself is never logged nor
 *     part of an activity's input or result
 */
public record HealthGateSettings(Duration requestTimeout, Duration connectTimeout, Path bearerTokenFile) {

  public HealthGateSettings {
    for (Duration d : new Duration[] {requestTimeout, connectTimeout}) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("health gate timeouts must be positive, was " + d);
      }
    }
  }

  /** Five gates at 10 s each still end inside the activity's one-minute start-to-close timeout. */
  public static HealthGateSettings defaults() {
    return new HealthGateSettings(Duration.ofSeconds(10), Duration.ofSeconds(5), null);
  }
}
