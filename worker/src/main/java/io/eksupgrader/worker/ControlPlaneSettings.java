package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.control-plane.*}: how the control-plane activities poll and back off. */
@ConfigurationProperties("eks-upgrader.control-plane")
public class ControlPlaneSettings {

  private Duration pollInterval = Duration.ofSeconds(30);
  private Duration conflictBackoff = Duration.ofSeconds(20);

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getConflictBackoff() {
    return conflictBackoff;
  }

  public void setConflictBackoff(Duration conflictBackoff) {
    this.conflictBackoff = conflictBackoff;
  }
}
