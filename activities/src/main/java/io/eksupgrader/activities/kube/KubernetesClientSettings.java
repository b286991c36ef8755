package io.eksupgrader.activities.kube;

import io.eksupgrader.workflows.model.ClusterRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the API servers of target clusters.
 *
 * @param requestTimeout how long one API request may take
 * @param connectionTimeout how long opening a connection may take
 * @param tokenRefreshAfter how old a bearer token may get before a new one is made; EKS accepts a
 *     token for 15 minutes, so this must stay well below that
 * @param kubeconfig a kubeconfig file whose contexts override EKS discovery, or null for none
 * @param kubeconfigContexts the context to use per cluster, keyed by {@link ClusterRef#toString()}
 *     ({@code region/name}); clusters not listed are reached through DescribeCluster and a token
 */
public record KubernetesClientSettings(
    Duration requestTimeout,
    Duration connectionTimeout,
    Duration tokenRefreshAfter,
    Path kubeconfig,
    Map<String, String> kubeconfigContexts) {

  /** EKS bearer tokens are valid for 15 minutes after they are made. */
  public static final Duration TOKEN_VALIDITY = Duration.ofMinutes(15);

  public KubernetesClientSettings {
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(connectionTimeout, "connectionTimeout");
    requirePositive(tokenRefreshAfter, "tokenRefreshAfter");
    // A token used right before its refresh still needs time for the request itself.
    if (tokenRefreshAfter.compareTo(TOKEN_VALIDITY.minus(requestTimeout)) >= 0) {
      throw new IllegalArgumentException(
          "tokenRefreshAfter must leave room for a request before the token's 15 minutes end, was "
              + tokenRefreshAfter);
    }
    kubeconfigContexts = kubeconfigContexts == null ? Map.of() : Map.copyOf(kubeconfigContexts);
    if (!kubeconfigContexts.isEmpty() && kubeconfig == null) {
      throw new IllegalArgumentException("kubeconfigContexts need a kubeconfig file");
    }
  }

  /** Requests up to 30 s, connections up to 10 s, a new token every 10 minutes, no kubeconfig. */
  public static KubernetesClientSettings defaults() {
    return new KubernetesClientSettings(
        Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(10), null, Map.of());
  }

  /** The same settings, with clusters reached through contexts of a kubeconfig file. */
  public KubernetesClientSettings withKubeconfig(Path file, Map<String, String> contexts) {
    return new KubernetesClientSettings(
        requestTimeout, connectionTimeout, tokenRefreshAfter, file, contexts);
  }

  /** The kubeconfig context that overrides discovery for the cluster, if one is configured. */
  public Optional<String> contextFor(ClusterRef cluster) {
    return Optional.ofNullable(kubeconfigContexts.get(cluster.toString()));
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
