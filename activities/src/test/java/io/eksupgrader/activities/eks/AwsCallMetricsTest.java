package io.eksupgrader.activities.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.activities.metrics.ActivityMetrics;
import io.eksupgrader.activities.metrics.RecordedMetrics;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryUtils;

/**
 * The AWS clients the activities use, against the sandbox with throttling injected: every call is
 * counted once by service, operation and outcome, and every throttled attempt is counted, also
 * those that the SDK's retry then got through. The sandbox counts the throttles it injected, so the
 * two must agree exactly.
 */
class AwsCallMetricsTest {

  /** A few AWS calls made from inside an activity, as the real activities make them. */
  @ActivityInterface
  public interface AwsCalls {
    @ActivityMethod(name = "DescribeClusterRepeatedly")
    Counts describeCluster(String cluster, int times);

    @ActivityMethod(name = "DescribeSubnetsRepeatedly")
    Counts describeSubnets(int times);
  }

  /** How the calls ended, as the activity saw them. */
  public record Counts(int succeeded, int throttled, int failedOtherwise) {}

  static final class AwsCallsImpl implements AwsCalls {
    private final DefaultEksClientProvider eks;
    private final DefaultAwsClientsProvider aws;

    AwsCallsImpl(DefaultEksClientProvider eks, DefaultAwsClientsProvider aws) {
      this.eks = eks;
      this.aws = aws;
    }

    @Override
    public Counts describeCluster(String cluster, int times) {
      return repeat(times, () -> eks.forRegion("us-east-1").describeCluster(r -> r.name(cluster)));
    }

    @Override
    public Counts describeSubnets(int times) {
      return repeat(times, () -> aws.ec2("us-east-1").describeSubnets());
    }

    private static Counts repeat(int times, Runnable call) {
      int ok = 0;
      int throttled = 0;
      int other = 0;
      for (int i = 0; i < times; i++) {
        try {
          call.run();
          ok++;
        } catch (SdkException e) {
          if (RetryUtils.isThrottlingException(e)) {
            throttled++;
          } else {
            other++;
          }
        }
      }
      return new Counts(ok, throttled, other);
    }
  }

  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private SandboxServer sandbox;
  private DefaultEksClientProvider eks;
  private DefaultAwsClientsProvider aws;
  private TestActivityEnvironment env;
  private final RecordedMetrics metrics = new RecordedMetrics();

  private AwsCalls start(String faults) {
    sandbox =
        SandboxServer.start(
            Scenario.parse(
                """
                name: aws-metrics
                clusters: [{name: shop, region: us-east-1, version: "1.32"}]
                faults: %s
                """
                    .formatted(faults),
                "aws metrics"),
            0);
    EksClientSettings settings = EksClientSettings.sandbox(sandbox.endpoint());
    eks = new DefaultEksClientProvider(settings);
    aws = new DefaultAwsClientsProvider(settings);
    env = TestActivityEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setMetricsScope(metrics.scope()).build());
    env.registerActivitiesImplementations(new AwsCallsImpl(eks, aws));
    return env.newActivityStub(AwsCalls.class, ONE_ATTEMPT);
  }

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
    if (eks != null) {
      eks.close();
      aws.close();
      sandbox.close();
    }
  }

  @Test
  void everyThrottledAttemptIsCountedAlsoWhenTheRetryGotThrough() {
    AwsCalls calls = start("{seed: 11, throttlingRate: 0.35}");

    Counts counts = calls.describeCluster("shop", 12);
    metrics.finish();

    Map<String, String> describe = Map.of("service", "EKS", "operation", "DescribeCluster");
    long injected = sandbox.stats().throttled();
    assertThat(injected).as("the seed throttles some attempts").isGreaterThan(counts.throttled());
    assertThat(metrics.counter(ActivityMetrics.AWS_THROTTLES, describe))
        .as("throttled attempts, as the sandbox injected them")
        .isEqualTo(injected);
    assertThat(metrics.counter(ActivityMetrics.AWS_CALLS, describe)).as("one per call").isEqualTo(12);
    assertThat(metrics.counter(ActivityMetrics.AWS_CALLS, with(describe, "outcome", "success")))
        .isEqualTo(counts.succeeded());
    assertThat(metrics.counter(ActivityMetrics.AWS_CALLS, with(describe, "outcome", "throttled")))
        .isEqualTo(counts.throttled());
    assertThat(metrics.timerSamples(ActivityMetrics.AWS_CALL_LATENCY, describe)).isEqualTo(12);
  }

  @Test
  void ec2sRequestLimitExceededIsAThrottleAlthoughItComesAs503() {
    AwsCalls calls = start("{seed: 3, throttlingRate: 1.0}");

    Counts counts = calls.describeSubnets(2);
    metrics.finish();

    Map<String, String> describe = Map.of("service", "EC2", "operation", "DescribeSubnets");
    assertThat(counts.throttled()).as("every attempt throttled, so every call fails").isEqualTo(2);
    assertThat(metrics.counter(ActivityMetrics.AWS_CALLS, with(describe, "outcome", "throttled"))).isEqualTo(2);
    assertThat(metrics.counter(ActivityMetrics.AWS_CALLS, with(describe, "outcome", "server_error"))).isZero();
    assertThat(metrics.counter(ActivityMetrics.AWS_THROTTLES, describe))
        .as("the standard retry mode's three attempts per call")
        .isEqualTo(6)
        .isEqualTo(sandbox.stats().throttled());
  }

  @Test
  void aServiceErrorBelow500IsAnErrorAndNoThrottle() {
    AwsCalls calls = start("{seed: 1, throttlingRate: 0.0}");

    Counts counts = calls.describeCluster("no-such-cluster", 1);
    metrics.finish();

    Map<String, String> describe = Map.of("service", "EKS", "operation", "DescribeCluster");
    assertThat(counts.failedOtherwise()).isEqualTo(1);
    assertThat(metrics.counter(ActivityMetrics.AWS_CALLS, with(describe, "outcome", "error")))
        .as("404 ResourceNotFoundException")
        .isEqualTo(1);
    assertThat(metrics.counter(ActivityMetrics.AWS_THROTTLES, Map.of())).isZero();
  }

  @Test
  void aServerErrorThatOutlastsTheRetriesIsAServerError() {
    AwsCalls calls = start("{seed: 1, serverErrorRate: 1.0}");

    Counts counts = calls.describeCluster("shop", 1);
    metrics.finish();

    Map<String, String> describe = Map.of("service", "EKS", "operation", "DescribeCluster");
    assertThat(counts.failedOtherwise()).isEqualTo(1);
    assertThat(metrics.counter(ActivityMetrics.AWS_CALLS, with(describe, "outcome", "server_error"))).isEqualTo(1);
    assertThat(metrics.counter(ActivityMetrics.AWS_THROTTLES, Map.of())).isZero();
  }

  @Test
  void aCallOutsideAnActivityWorksAndIsNotCounted() {
    start("{seed: 1, throttlingRate: 0.0}");

    assertThat(eks.forRegion("us-east-1").describeCluster(r -> r.name("shop")).cluster().name()).isEqualTo("shop");
    metrics.finish();

    assertThat(metrics.counters()).filteredOn(s -> s.name().startsWith("eks_upgrader_")).isEmpty();
  }

  private static Map<String, String> with(Map<String, String> tags, String key, String value) {
    Map<String, String> all = new java.util.HashMap<>(tags);
    all.put(key, value);
    return all;
  }
}
