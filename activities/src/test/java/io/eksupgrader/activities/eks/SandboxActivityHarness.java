package io.eksupgrader.activities.eks;

import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.activities.ClusterInspectionActivities;
import io.eksupgrader.workflows.activities.ControlPlaneActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * A sandbox scenario, the real activities over the real SDK client, and a Temporal activity test
 * environment to run them in. Heartbeats are recorded. The test environment runs each activity
 * once; {@link #withRetries} plays the part of Temporal's retry policy where a test needs it.
 */
final class SandboxActivityHarness implements AutoCloseable {

  /** One attempt each, so that a test sees the failure an attempt ends with. */
  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  final SandboxServer sandbox;
  final DefaultEksClientProvider clients;
  final TestActivityEnvironment env;
  final ControlPlaneActivities controlPlane;
  final ClusterInspectionActivities inspection;
  final List<Object> heartbeats = Collections.synchronizedList(new ArrayList<>());
  int retries;

  SandboxActivityHarness(String scenarioYaml, ControlPlaneActivitySettings settings) {
    sandbox = SandboxServer.start(Scenario.parse(scenarioYaml, "test scenario"), 0);
    clients = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new EksControlPlaneActivities(clients, settings), new EksClusterInspectionActivities(clients));
    env.setActivityHeartbeatListener(Object.class, heartbeats::add);
    controlPlane = env.newActivityStub(ControlPlaneActivities.class, ONE_ATTEMPT);
    inspection = env.newActivityStub(ClusterInspectionActivities.class, ONE_ATTEMPT);
  }

  /** Fast settings: poll every 20 ms, back off 50 ms after a 409. */
  SandboxActivityHarness(String scenarioYaml) {
    this(scenarioYaml, new ControlPlaneActivitySettings(Duration.ofMillis(20), Duration.ofMillis(50)));
  }

  ControlPlaneActivities controlPlane(ActivityOptions options) {
    return env.newActivityStub(ControlPlaneActivities.class, options);
  }

  EksClient eks(String region) {
    return clients.forRegion(region);
  }

  /**
   * Runs an activity as Temporal's retry policy would: a retryable failure starts another attempt,
   * which gets the last heartbeat the previous attempt sent; non-retryable types end it.
   */
  <T> T withRetries(int maxAttempts, Supplier<T> activity) {
    try {
      for (int attempt = 1; ; attempt++) {
        int seen = heartbeats.size();
        try {
          return activity.get();
        } catch (ActivityFailure f) {
          ApplicationFailure cause = (ApplicationFailure) f.getCause();
          if (cause.isNonRetryable()
              || FailureTypes.NON_RETRYABLE.contains(cause.getType())
              || attempt == maxAttempts) {
            throw f;
          }
          retries++;
          if (heartbeats.size() > seen) {
            env.setHeartbeatDetails(heartbeats.get(heartbeats.size() - 1));
          }
        }
      }
    } finally {
      env.setHeartbeatDetails(null);
    }
  }

  @Override
  public void close() {
    env.close();
    clients.close();
    sandbox.close();
  }
}
