package io.eksupgrader.sandbox;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateStatus;

/** Real AWS SDK clients pointed at a sandbox. */
final class EksClients {

  private EksClients() {}

  /** The SDK's standard retry mode, as production uses it. */
  static EksClient standard(SandboxServer server, String region) {
    return EksClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(server.endpoint())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSANDBOX", "secret")))
        .region(Region.of(region))
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
        .build();
  }

  /**
   * The standard retry conditions with {@code attempts} attempts and no backoff, so that a test
   * sees each attempt in the call log without waiting for the SDK's throttling backoff.
   */
  static EksClient attempts(SandboxServer server, String region, int attempts) {
    return EksClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(server.endpoint())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSANDBOX", "secret")))
        .region(Region.of(region))
        .overrideConfiguration(
            o ->
                o.retryStrategy(
                    b ->
                        b.maxAttempts(attempts)
                            .backoffStrategy(BackoffStrategy.retryImmediately())
                            .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())))
        .build();
  }

  /** Polls DescribeUpdate until the update leaves InProgress. */
  static Update awaitEnd(EksClient eks, String cluster, String updateId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Update u = eks.describeUpdate(r -> r.name(cluster).updateId(updateId)).update();
      if (u.status() != UpdateStatus.IN_PROGRESS) {
        return u;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("update " + updateId + " still InProgress after " + timeout);
      }
      Thread.sleep(5);
    }
  }
}
