package io.eksupgrader.worker;

import io.eksupgrader.activities.fargate.FargateSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.fargate.*}: how Fargate profiles' workloads are restarted and watched. */
@ConfigurationProperties("eks-upgrader.fargate")
public class FargateConfiguration {

  private Duration pollInterval = FargateSettings.defaults().pollInterval();
  private Duration stallTimeout = FargateSettings.defaults().stallTimeout();
  private int concurrentRestarts = FargateSettings.defaults().concurrentRestarts();

  FargateSettings toSettings() {
    return new FargateSettings(pollInterval, stallTimeout, concurrentRestarts);
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

  public int getConcurrentRestarts() {
    return concurrentRestarts;
  }

  public void setConcurrentRestarts(int concurrentRestarts) {
    this.concurrentRestarts = concurrentRestarts;
  }
}
