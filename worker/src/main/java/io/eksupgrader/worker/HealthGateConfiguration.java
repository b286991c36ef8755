package io.eksupgrader.worker;

import io.eksupgrader.activities.health.HealthGateSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Path;
import java.time.Duration;

/** {@code eks-upgrader.health.*}: how health gates reach the cluster's Prometheus. */
@ConfigurationProperties("eks-upgrader.health")
public class HealthGateConfiguration {

  private Duration requestTimeout = HealthGateSettings.defaults().requestTimeout();
  private Duration connectTimeout = HealthGateSettings.defaults().connectTimeout();
  private String bearerTokenFile = "";

  HealthGateSettings toSettings() {
    return new HealthGateSettings(
        requestTimeout,
        connectTimeout,
        bearerTokenFile == null || bearerTokenFile.isBlank() ? null : Path.of(bearerTokenFile));
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /** A path, never the token itself: the token stays out of configuration dumps. */
  public String getBearerTokenFile() {
    return bearerTokenFile;
  }

  public void setBearerTokenFile(String bearerTokenFile) {
    this.bearerTokenFile = bearerTokenFile;
  }
}
