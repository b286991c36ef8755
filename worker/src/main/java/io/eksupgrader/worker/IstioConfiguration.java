package io.eksupgrader.worker;

import io.eksupgrader.activities.istio.IstioSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Path;
import java.time.Duration;

/** {@code eks-upgrader.istio.*}: how the Istio activities wait, and where istioctl is. */
@ConfigurationProperties("eks-upgrader.istio")
public class IstioConfiguration {

  private Duration pollInterval = IstioSettings.defaults().pollInterval();
  private Duration readyTimeout = IstioSettings.defaults().readyTimeout();
  private Duration stallTimeout = IstioSettings.defaults().stallTimeout();
  private String istioctl = "";

  IstioSettings toSettings() {
    return new IstioSettings(
        pollInterval, readyTimeout, stallTimeout, istioctl == null || istioctl.isBlank() ? null : Path.of(istioctl));
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

  public Duration getStallTimeout() {
    return stallTimeout;
  }

  public void setStallTimeout(Duration stallTimeout) {
    this.stallTimeout = stallTimeout;
  }

  public String getIstioctl() {
    return istioctl;
  }

  public void setIstioctl(String istioctl) {
    this.istioctl = istioctl;
  }
}
