package io.eksupgrader.activities.eks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.EksClientBuilder;

/**
 * One EKS client per region, built once. The SDK's standard retry mode absorbs short throttling
 * and 5xx bursts; what outlasts it fails the activity attempt and Temporal's retry policy takes
 * over.
 */
public final class DefaultEksClientProvider implements EksClientProvider {

  private final EksClientSettings settings;
  private final AwsCredentialsProvider credentials;
  private final Map<String, EksClient> clients = new ConcurrentHashMap<>();

  public DefaultEksClientProvider(EksClientSettings settings) {
    this.settings = settings;
    this.credentials =
        settings.accessKeyId() != null && settings.secretAccessKey() != null
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
            : DefaultCredentialsProvider.builder().build();
  }

  @Override
  public EksClient forRegion(String region) {
    return clients.computeIfAbsent(region, this::build);
  }

  private EksClient build(String region) {
    EksClientBuilder builder =
        EksClient.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build());
    if (settings.endpointOverride() != null) {
      builder.endpointOverride(settings.endpointOverride());
    }
    return builder.build();
  }

  @Override
  public void close() {
    clients.values().forEach(EksClient::close);
    clients.clear();
  }
}
