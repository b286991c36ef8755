package io.eksupgrader.sandbox;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Real AWS SDK clients for the services besides EKS, pointed at a sandbox: one endpoint serves
 * them all, told apart by their signatures. The SDK's standard retry conditions with {@code
 * attempts} attempts and no backoff, so that 1 shows every answer as it is.
 */
final class AwsClients {

  private AwsClients() {}

  static AutoScalingClient autoScaling(SandboxServer server, String region, int attempts) {
    return atSandbox(AutoScalingClient.builder(), server, Region.of(region), attempts);
  }

  static Ec2Client ec2(SandboxServer server, String region, int attempts) {
    return atSandbox(Ec2Client.builder(), server, Region.of(region), attempts);
  }

  static SsmClient ssm(SandboxServer server, String region, int attempts) {
    return atSandbox(SsmClient.builder(), server, Region.of(region), attempts);
  }

  /** IAM is global: the client signs for us-east-1 whatever region the activity runs in. */
  static IamClient iam(SandboxServer server, int attempts) {
    return atSandbox(IamClient.builder(), server, Region.AWS_GLOBAL, attempts);
  }

  static KmsClient kms(SandboxServer server, String region, int attempts) {
    return atSandbox(KmsClient.builder(), server, Region.of(region), attempts);
  }

  /** One configuration for every service's builder. */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C atSandbox(
      B builder, SandboxServer server, Region region, int attempts) {
    return builder
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(server.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSANDBOX", "secret")))
        .region(region)
        .overrideConfiguration(o -> o.retryStrategy(b -> standard(b, attempts)))
        .build();
  }

  /** The standard retry conditions with {@code attempts} attempts and no backoff. */
  private static void standard(RetryStrategy.Builder<?, ?> b, int attempts) {
    b.maxAttempts(attempts)
        .backoffStrategy(BackoffStrategy.retryImmediately())
        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately());
  }
}
