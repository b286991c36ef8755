package io.eksupgrader.worker;

import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code eks-upgrader.kubernetes.*}: how the worker reaches target clusters' API servers. By
 * default through DescribeCluster and an EKS bearer token; {@code kubeconfig} with {@code
 * contexts} entries ({@code region/cluster=context}) reach listed clusters through a kubeconfig
 * context instead.
 */
@ConfigurationProperties("eks-upgrader.kubernetes")
public class KubernetesSettings {

  private Duration requestTimeout = Duration.ofSeconds(30);
  private Duration connectionTimeout = Duration.ofSeconds(10);
  private Duration tokenRefreshAfter = Duration.ofMinutes(10);
  private String kubeconfig = "";
  private List<String> contexts = List.of();

  KubernetesClientSettings toClientSettings() {
    KubernetesClientSettings settings =
        new KubernetesClientSettings(requestTimeout, connectionTimeout, tokenRefreshAfter, null, Map.of());
    if (kubeconfig.isBlank()) {
      if (!contexts.isEmpty()) {
        throw new IllegalStateException("eks-upgrader.kubernetes.contexts needs eks-upgrader.kubernetes.kubeconfig");
      }
      return settings;
    }
    Map<String, String> byCluster = new LinkedHashMap<>();
    for (String entry : contexts) {
      int eq = entry.indexOf('=');
      if (eq < 1 || eq == entry.length() - 1 || !entry.substring(0, eq).contains("/")) {
        throw new IllegalStateException(
            "eks-upgrader.kubernetes.contexts: '" + entry + "' is not region/cluster=context, e.g. eu-west-1/prod-1=prod-admin");
      }
      byCluster.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
    }
    return settings.withKubeconfig(Path.of(kubeconfig), byCluster);
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  public Duration getTokenRefreshAfter() {
    return tokenRefreshAfter;
  }

  public void setTokenRefreshAfter(Duration tokenRefreshAfter) {
    this.tokenRefreshAfter = tokenRefreshAfter;
  }

  public String getKubeconfig() {
    return kubeconfig;
  }

  public void setKubeconfig(String kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  public List<String> getContexts() {
    return contexts;
  }

  public void setContexts(List<String> contexts) {
    this.contexts = contexts;
  }
}
