package io.eksupgrader.worker;

import io.eksupgrader.activities.karpenter.KarpenterUpgradeSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.karpenter-upgrade.*}: how the wait for Karpenter's new controller and CRDs looks. */
@ConfigurationProperties("eks-upgrader.karpenter-upgrade")
public class KarpenterUpgradeConfiguration {

  private Duration pollInterval = KarpenterUpgradeSettings.defaults().pollInterval();
  private Duration readyTimeout = KarpenterUpgradeSettings.defaults().readyTimeout();

  KarpenterUpgradeSettings toSettings() {
    return new KarpenterUpgradeSettings(pollInterval, readyTimeout);
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getReadyTimeout() {
    return readyTimeout;
  }

  public void setReadyTimeout(Duration readyTimeout) {
    this.readyTimeout = readyTimeout;
  }
}
