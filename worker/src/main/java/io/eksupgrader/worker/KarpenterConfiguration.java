package io.eksupgrader.worker;

import io.eksupgrader.activities.karpenter.KarpenterSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.karpenter.*}: how the wait for Karpenter's drift polls and when it gives up. */
@ConfigurationProperties("eks-upgrader.karpenter")
public class KarpenterConfiguration {

  private Duration pollInterval = KarpenterSettings.defaults().pollInterval();
  private Duration stallTimeout = KarpenterSettings.defaults().stallTimeout();

  KarpenterSettings toSettings() {
    return new KarpenterSettings(pollInterval, stallTimeout);
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getStallTimeout() {
    return stallTimeout;
  }

  public void setStallTimeout(Duration stallTimeout) {
    this.stallTimeout = stallTimeout;
  }
}
