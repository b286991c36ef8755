package io.eksupgrader.activities.kube;

import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.temporal.failure.ApplicationFailure;
import java.io.Closeable;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * Kubernetes clients for EKS clusters, one per cluster, made on first use and kept until {@link
 * #close()}.
 *
 * <p>A client is built from {@code DescribeCluster}: the endpoint becomes the master URL and the
 * base64 CA is trusted for https endpoints (the sandbox's plain-http endpoint needs none). It
 * authenticates with an {@link EksTokenSource}, which signs tokens with the same credentials
 * provider as the region's EksClient and renews them before EKS's 15 minutes end. A cluster that
 * the settings map to a kubeconfig context is reached through that context instead (its own auth,
 * e.g. an exec plugin, applies).
 *
 * <p>Every client has fabric8's own request retry off ({@code requestRetryBackoffLimit 0}): the
 * client would otherwise retry a 429 from a PodDisruptionBudget up to ten times, hiding it from
 * the drain, which must see and report it. Timeouts come from the settings. Nothing is read from
 * the environment or {@code ~/.kube/config} unless a context is configured.
 */
public final class EksKubernetesClientProvider implements KubernetesClientProvider, Closeable {

  private static final Logger log = LoggerFactory.getLogger(EksKubernetesClientProvider.class);

  private final EksClientProvider eks;
  private final KubernetesClientSettings settings;
  private final Clock clock;
  private final Map<ClusterRef, KubernetesClient> clients = new ConcurrentHashMap<>();
  private final Map<ClusterRef, EksTokenSource> tokens = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public EksKubernetesClientProvider(EksClientProvider eks, KubernetesClientSettings settings) {
    this(eks, settings, Clock.systemUTC());
  }

  EksKubernetesClientProvider(
      EksClientProvider eks, KubernetesClientSettings settings, Clock clock) {
    this.eks = eks;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public KubernetesClient forCluster(ClusterRef cluster) {
    if (closed) {
      throw new IllegalStateException("the Kubernetes client provider is closed");
    }
    return clients.computeIfAbsent(cluster, this::build);
  }

  /** The token source of a cluster reached through EKS, for tests and diagnostics. */
  Optional<EksTokenSource> tokenSource(ClusterRef cluster) {
    return Optional.ofNullable(tokens.get(cluster));
  }

  private KubernetesClient build(ClusterRef cluster) {
    Optional<String> context = settings.contextFor(cluster);
    Config base = context.isPresent() ? fromKubeconfig(cluster, context.get()) : fromEks(cluster);
    Config config =
        new ConfigBuilder(base)
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout((int) settings.requestTimeout().toMillis())
            .withConnectionTimeout((int) settings.connectionTimeout().toMillis())
            .build();
    log.info(
        "Kubernetes client for {} at {}{}",
        cluster,
        config.getMasterUrl(),
        context.map(c -> " (kubeconfig context " + c + ")").orElse(""));
    EksTokenSource token = tokens.get(cluster);
    KubernetesClientBuilder builder =
        new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory());
    if (context.isEmpty() && token != null) {
      // A token refused with 401 is replaced and the request sent once more (EksTokenRenewal).
      builder.withHttpClientBuilderConsumer(
          b -> b.addOrReplaceInterceptor(TokenRefreshInterceptor.NAME, new EksTokenRenewal(token)));
    }
    return builder.build();
  }

  private Config fromEks(ClusterRef cluster) {
    EksClient client = eks.forRegion(cluster.region());
    Cluster described;
    try {
      described = client.describeCluster(r -> r.name(cluster.name())).cluster();
    } catch (ResourceNotFoundException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          cluster + ": " + e.awsErrorDetails().errorMessage(), FailureTypes.CLUSTER_NOT_FOUND);
    }
    if (described.endpoint() == null || described.endpoint().isBlank()) {
      throw new IllegalStateException(
          cluster + " has no API server endpoint yet (status " + described.statusAsString() + ")");
    }
    IdentityProvider<? extends AwsCredentialsIdentity> credentials =
        client.serviceClientConfiguration().credentialsProvider();
    EksTokenSource token =
        new EksTokenSource(cluster, credentials, settings.tokenRefreshAfter(), clock);
    tokens.put(cluster, token);
    ConfigBuilder config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(described.endpoint())
            .withOauthTokenProvider(token);
    String ca =
        described.certificateAuthority() == null ? null : described.certificateAuthority().data();
    // The CA only matters for TLS. A plain-http endpoint (the sandbox) is used as it is, without
    // the h2c upgrade the JDK client would otherwise offer on every request.
    if (described.endpoint().startsWith("https://")) {
      if (ca != null && !ca.isBlank()) {
        config.withCaCertData(ca);
      }
    } else {
      config.withHttp2Disable(true);
    }
    return config.build();
  }

  private Config fromKubeconfig(ClusterRef cluster, String context) {
    if (!Files.isReadable(settings.kubeconfig())) {
      throw new IllegalStateException(
          "cannot read kubeconfig " + settings.kubeconfig() + " for " + cluster);
    }
    Config config = Config.fromKubeconfig(context, settings.kubeconfig().toFile());
    // fabric8 falls back to the current context when the named one is missing; refuse instead.
    if (config.getCurrentContext() == null
        || !context.equals(config.getCurrentContext().getName())) {
      throw new IllegalStateException(
          "kubeconfig " + settings.kubeconfig() + " has no context " + context + " for " + cluster);
    }
    return config;
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(KubernetesClient::close);
    clients.clear();
    tokens.clear();
  }
}
