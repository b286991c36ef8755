package io.eksupgrader.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code eks-upgrader.metrics.*}: how the Temporal SDK's metrics reach the Prometheus registry. */
@ConfigurationProperties("eks-upgrader.metrics")
public class MetricsSettings {

  private Duration reportInterval = Duration.ofSeconds(10);

  /**
   * How often the SDK's tally scope hands what it counted to the registry; a scrape sees values at
   * most this old. Shorter than Prometheus' scrape interval.
   */
  public Duration getReportInterval() {
    return reportInterval;
  }

  public void setReportInterval(Duration reportInterval) {
    this.reportInterval = reportInterval;
  }
}
