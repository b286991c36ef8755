package io.eksupgrader.worker;

import io.eksupgrader.activities.kube.DrainSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code eks-upgrader.drain.*}: the drain's timing. What to drain (kubectl's flags, the per-node
 * timeout) is part of each upgrade's spec, not of the worker.
 */
@ConfigurationProperties("eks-upgrader.drain")
public class DrainConfiguration {

  private Duration evictionRetryInterval = Duration.ofSeconds(5);
  private Duration podGonePollInterval = Duration.ofSeconds(1);
  private Duration heartbeatInterval = Duration.ofSeconds(5);
  private int evictionConcurrency = 16;

  DrainSettings toDrainSettings() {
    return new DrainSettings(evictionRetryInterval, podGonePollInterval, heartbeatInterval, evictionConcurrency);
  }

  public Duration getEvictionRetryInterval() {
    return evictionRetryInterval;
  }

  public void setEvictionRetryInterval(Duration evictionRetryInterval) {
    this.evictionRetryInterval = evictionRetryInterval;
  }

  public Duration getPodGonePollInterval() {
    return podGonePollInterval;
  }

  public void setPodGonePollInterval(Duration podGonePollInterval) {
    this.podGonePollInterval = podGonePollInterval;
  }

  public Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  public void setHeartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
  }

  public int getEvictionConcurrency() {
    return evictionConcurrency;
  }

  public void setEvictionConcurrency(int evictionConcurrency) {
    this.evictionConcurrency = evictionConcurrency;
  }
}
