package io.eksupgrader.activities.eks;

import java.io.Closeable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * EC2, Auto Scaling and SSM clients built with the same settings as {@link
 * DefaultEksClientProvider}: one client per service and region, made on first use and kept, the
 * URL-connection HTTP client, the SDK's {@code standard} retry mode, static credentials or the
 * default chain, the sandbox's endpoint when one is set, and {@link AwsCallMetrics}.
 */
public final class DefaultAwsClientsProvider implements AwsClientsProvider, Closeable {

  private static final Logger log = LoggerFactory.getLogger(DefaultAwsClientsProvider.class);

  private final EksClientSettings settings;
  private final AwsCredentialsProvider credentials;
  private final Map<String, SdkAutoCloseable> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public DefaultAwsClientsProvider(EksClientSettings settings) {
    this.settings = settings;
    this.credentials =
        settings.staticCredentials()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
            : DefaultCredentialsProvider.builder().build();
  }

  @Override
  public Ec2Client ec2(String region) {
    return (Ec2Client) client("ec2", region, () -> configure(Ec2Client.builder(), region).build());
  }

  @Override
  public AutoScalingClient autoScaling(String region) {
    return (AutoScalingClient)
        client("autoscaling", region, () -> configure(AutoScalingClient.builder(), region).build());
  }

  @Override
  public SsmClient ssm(String region) {
    return (SsmClient) client("ssm", region, () -> configure(SsmClient.builder(), region).build());
  }

  @Override
  public IamClient iam() {
    // IAM's endpoint is global; the SDK signs its requests for aws-global (us-east-1).
    return (IamClient) client("iam", "aws-global", () -> configure(IamClient.builder(), "aws-global").build());
  }

  @Override
  public KmsClient kms(String region) {
    return (KmsClient) client("kms", region, () -> configure(KmsClient.builder(), region).build());
  }

  private SdkAutoCloseable client(
      String service, String region, Supplier<SdkAutoCloseable> build) {
    if (closed) {
      throw new IllegalStateException("the AWS client provider is closed");
    }
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("an AWS region is required");
    }
    return clients.computeIfAbsent(
        service + "/" + region,
        key -> {
          log.info(
              "{} client for {}{}",
              service,
              region,
              settings.endpointOverride() == null ? "" : " at " + settings.endpointOverride());
          return build.get();
        });
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, String region) {
    builder
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(
                o -> o.retryStrategy(RetryMode.STANDARD).addMetricPublisher(AwsCallMetrics.INSTANCE));
    if (settings.endpointOverride() != null) {
      builder.endpointOverride(settings.endpointOverride());
    }
    return builder;
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(SdkAutoCloseable::close);
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
