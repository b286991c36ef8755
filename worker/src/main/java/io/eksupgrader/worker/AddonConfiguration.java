package io.eksupgrader.worker;

import io.eksupgrader.activities.addons.AddonSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.addons.*}: how EKS add-on updates are observed. */
@ConfigurationProperties("eks-upgrader.addons")
public class AddonConfiguration {

  private Duration pollInterval = AddonSettings.defaults().pollInterval();
  private Duration conflictBackoff = AddonSettings.defaults().conflictBackoff();

  AddonSettings toSettings() {
    return new AddonSettings(pollInterval, conflictBackoff);
  }

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
