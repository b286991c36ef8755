package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.backup.*}: how often the upgrade looks at the Velero backup it waits for. */
@ConfigurationProperties("eks-upgrader.backup")
public class BackupConfiguration {

  private Duration pollInterval = Duration.ofSeconds(10);

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }
}
