package io.eksupgrader.activities.eks;

import java.io.Closeable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.EksClientBuilder;

/**
 * One {@link EksClient} per region, made on first use and kept: clients are thread safe and hold
 * connection pools, so sharing them across activities is cheaper than building one per call.
 * Retry mode is the SDK's {@code standard} (throttling and 5xx retried with backoff a few times);
 * what still fails is left to the activity's Temporal retry policy. Every call and throttled
 * attempt is counted by {@link AwsCallMetrics}.
 */
public final class DefaultEksClientProvider implements EksClientProvider, Closeable {

  private static final Logger log = LoggerFactory.getLogger(DefaultEksClientProvider.class);

  private final EksClientSettings settings;
  private final AwsCredentialsProvider credentials;
  private final Map<String, EksClient> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public DefaultEksClientProvider(EksClientSettings settings) {
    this.settings = settings;
    this.credentials =
        settings.staticCredentials()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
            : DefaultCredentialsProvider.builder().build();
  }

  @Override
  public EksClient forRegion(String region) {
    if (closed) {
      throw new IllegalStateException("the EKS client provider is closed");
    }
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("an AWS region is required");
    }
    return clients.computeIfAbsent(region, this::build);
  }

  private EksClient build(String region) {
    EksClientBuilder builder =
        EksClient.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(
                o -> o.retryStrategy(RetryMode.STANDARD).addMetricPublisher(AwsCallMetrics.INSTANCE));
    if (settings.endpointOverride() != null) {
      builder.endpointOverride(settings.endpointOverride());
    }
    log.info(
        "EKS client for {}{}",
        region,
        settings.endpointOverride() == null ? "" : " at " + settings.endpointOverride());
    return builder.build();
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(EksClient::close);
    clients.clear();
    if (credentials instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("closing the credentials provider failed", e);
      }
    }
  }
}
