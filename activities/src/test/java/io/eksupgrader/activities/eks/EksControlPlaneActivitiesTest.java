package io.eksupgrader.activities.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AwaitVersionUpdateRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.VersionUpdateHandle;
import io.eksupgrader.workflows.model.VersionUpdateHandle.How;
import io.eksupgrader.workflows.model.VersionUpdateOutcome;
import io.eksupgrader.workflows.model.VersionUpdateRequest;
import io.eksupgrader.workflows.activities.ControlPlaneActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.model.Update;

/** The control-plane activities against the sandbox, each test a small upgrade story. */
class EksControlPlaneActivitiesTest {

  private static final ClusterRef DEMO = new ClusterRef("us-east-1", "demo");
  private static final String UPDATE = "UpdateClusterVersion";

  private SandboxActivityHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private VersionUpdateHandle start(String version, String token) {
    return h.controlPlane.startVersionUpdate(new VersionUpdateRequest(DEMO, version, token));
  }

  private VersionUpdateOutcome await(VersionUpdateHandle handle, String version) {
    return h.controlPlane.awaitVersionUpdate(new AwaitVersionUpdateRequest(DEMO, handle.updateId(), version));
  }

  private static ApplicationFailure failureOf(Runnable activity) {
    ActivityFailure f = catchThrowableOfType(ActivityFailure.class, activity::run);
    assertThat(f).as("the activity should have failed").isNotNull();
    return (ApplicationFailure) f.getCause();
  }

  @Test
  void aClusterAlreadyAtTheTargetGetsNoMutatingCall() {
    h = new SandboxActivityHarness(
        """
        name: at-target
        clusters: [{name: demo, region: us-east-1, version: "1.33"}]
        """);

    VersionUpdateHandle handle = start("1.33", "tok-1");

    assertThat(handle).isEqualTo(new VersionUpdateHandle(null, How.ALREADY_AT_TARGET, "1.33"));
    assertThat(h.sandbox.callLog().entries()).isEmpty();
  }

  @Test
  void startThenAwaitMovesTheClusterOneMinor() {
    h = new SandboxActivityHarness(
        """
        name: one-minor
        timeScale: 6000                 # 25 simulated minutes take 250 ms
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        durations: {controlPlaneUpdate: 25m}
        """);

    VersionUpdateHandle handle = start("1.33", "tok-1");
    VersionUpdateOutcome outcome = await(handle, "1.33");
    ClusterSnapshot after = h.inspection.inspectCluster(DEMO);

    assertThat(handle.how()).isEqualTo(How.STARTED);
    assertThat(handle.observedVersion()).isEqualTo("1.32");
    assertThat(outcome.updateId()).isEqualTo(handle.updateId());
    assertThat(outcome.status()).isEqualTo("Successful");
    assertThat(outcome.clusterVersion()).isEqualTo("1.33");
    assertThat(outcome.polls()).as("polled while the update ran, then once more").isGreaterThan(1);
    assertThat(Instant.parse(outcome.updateCreatedAt())).isBefore(h.sandbox.clock().instant());
    assertThat(h.heartbeats).as("the first poll heartbeats at once").startsWith(1);
    assertThat(after.version()).isEqualTo("1.33");
    assertThat(after.status()).isEqualTo("ACTIVE");
    assertThat(after.updatesInProgress()).isEmpty();
    assertThat(h.sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::clientRequestToken, CallLog.Entry::version, CallLog.Entry::effect)
        .containsExactly(tuple(UPDATE, "tok-1", "1.33", Effect.CREATED));
  }

  @Test
  void anUpdateLeftByAKilledAttemptIsAdoptedNotStartedAgain() {
    h = new SandboxActivityHarness(
        """
        name: killed-attempt
        timeScale: 600
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        durations: {controlPlaneUpdate: 2m}
        """);
    // The earlier attempt got as far as UpdateClusterVersion, then its worker died.
    Update orphan =
        h.eks("us-east-1")
            .updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("attempt-1"))
            .update();

    VersionUpdateHandle handle = start("1.33", "attempt-2");
    VersionUpdateOutcome outcome = await(handle, "1.33");

    assertThat(handle).isEqualTo(new VersionUpdateHandle(orphan.id(), How.ADOPTED, "1.32"));
    assertThat(outcome.clusterVersion()).isEqualTo("1.33");
    assertThat(h.sandbox.callLog().entries())
        .as("only the killed attempt's call")
        .extracting(CallLog.Entry::clientRequestToken, CallLog.Entry::effect)
        .containsExactly(tuple("attempt-1", Effect.CREATED));
  }

  @Test
  void startingTwiceWithTheSameTokenMakesOneUpdate() {
    h = new SandboxActivityHarness(
        """
        name: twice
        timeScale: 60
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        durations: {controlPlaneUpdate: 25m}
        """);

    VersionUpdateHandle first = start("1.33", "tok-1");
    VersionUpdateHandle again = start("1.33", "tok-1"); // e.g. the first result was lost

    assertThat(first.how()).isEqualTo(How.STARTED);
    assertThat(again).isEqualTo(new VersionUpdateHandle(first.updateId(), How.ADOPTED, "1.32"));
    assertThat(h.sandbox.callLog().count(UPDATE, Effect.CREATED)).isEqualTo(1);
    assertThat(h.sandbox.callLog().size()).isEqualTo(1);
  }

  @Test
  void aFailedUpdateFailsTheAwaitAndOnlyANewTokenStartsAnother() {
    h = new SandboxActivityHarness(
        """
        name: failing
        timeScale: 6000
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        durations: {controlPlaneUpdate: 5m}
        faults: {failUpdatesTo: ["1.33"]}
        """);

    VersionUpdateHandle handle = start("1.33", "tok-1");
    ApplicationFailure failed = failureOf(() -> await(handle, "1.33"));
    // A Temporal retry of the start (same token) gets EKS's answer for that token: the failed update.
    VersionUpdateHandle retried = start("1.33", "tok-1");
    ApplicationFailure failedAgain = failureOf(() -> await(retried, "1.33"));
    // An operator's retry is a new attempt with a new token.
    VersionUpdateHandle operatorRetry = start("1.33", "tok-2");

    assertThat(failed.getType()).isEqualTo(FailureTypes.EKS_UPDATE_FAILED);
    assertThat(failed.isNonRetryable()).isTrue();
    assertThat(failed.getOriginalMessage())
        .contains(handle.updateId())
        .contains("ended Failed")
        .contains("[Unknown]")
        .contains("Kubernetes 1.33 failed");
    assertThat(retried.updateId()).isEqualTo(handle.updateId());
    assertThat(failedAgain.getType()).isEqualTo(FailureTypes.EKS_UPDATE_FAILED);
    assertThat(operatorRetry.updateId()).isNotEqualTo(handle.updateId());
    assertThat(h.inspection.inspectCluster(DEMO).version()).isEqualTo("1.32");
    assertThat(h.sandbox.callLog().entries())
        .extracting(CallLog.Entry::clientRequestToken, CallLog.Entry::effect)
        .containsExactly(tuple("tok-1", Effect.CREATED), tuple("tok-1", Effect.REPLAYED), tuple("tok-2", Effect.CREATED));
  }

  @Test
  void the409ThatFollowsAnUpdateIsWaitedOutBeforeTheNextMinorStarts() {
    h = new SandboxActivityHarness(
        """
        name: busy-after-active
        timeScale: 600                  # 1 simulated minute = 100 ms
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        durations: {controlPlaneUpdate: 1m}
        faults: {conflictAfterUpdate: 10m}
        """);

    VersionUpdateOutcome first = await(start("1.33", "minor-1.33"), "1.33");
    h.heartbeats.clear();
    VersionUpdateHandle second = start("1.34", "minor-1.34");
    VersionUpdateOutcome secondOutcome = await(second, "1.34");

    assertThat(first.clusterVersion()).isEqualTo("1.33");
    assertThat(second.how()).isEqualTo(How.STARTED);
    assertThat(second.observedVersion()).isEqualTo("1.33");
    assertThat(secondOutcome.clusterVersion()).isEqualTo("1.34");
    assertThat(h.heartbeats)
        .filteredOn(String.class::isInstance)
        .first()
        .asString()
        .startsWith("round 1: 409 ");
    List<CallLog.Entry> calls = h.sandbox.callLog().entries();
    assertThat(calls.get(0))
        .extracting(CallLog.Entry::clientRequestToken, CallLog.Entry::effect)
        .containsExactly("minor-1.33", Effect.CREATED);
    assertThat(calls.subList(1, calls.size() - 1))
        .as("refused while EKS still showed ACTIVE after the first update")
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.clientRequestToken()).isEqualTo("minor-1.34");
              assertThat(c.status()).isEqualTo(409);
              assertThat(c.effect()).isEqualTo(Effect.REJECTED);
            });
    assertThat(calls.get(calls.size() - 1))
        .extracting(CallLog.Entry::clientRequestToken, CallLog.Entry::effect)
        .containsExactly("minor-1.34", Effect.CREATED);
  }

  @Test
  void aClusterBusyWithSomethingElseIsWaitedOnWithoutCallingUntilCancelled() throws Exception {
    h = new SandboxActivityHarness(
        """
        name: busy
        clusters: [{name: demo, region: us-east-1, version: "1.32", status: UPDATING}]
        """);
    ControlPlaneActivities heartbeating =
        h.controlPlane(
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setHeartbeatTimeout(Duration.ofMillis(500))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());

    CompletableFuture<VersionUpdateHandle> waiting =
        CompletableFuture.supplyAsync(
            () -> heartbeating.startVersionUpdate(new VersionUpdateRequest(DEMO, "1.33", "tok-1")));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (h.heartbeats.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300); // a few more rounds
    h.env.requestCancelActivity();
    Throwable ended = catchThrowable(() -> waiting.get(10, TimeUnit.SECONDS));

    assertThat(h.heartbeats).first().asString().isEqualTo("round 1: cluster UPDATING");
    assertThat(ended).isInstanceOf(ExecutionException.class);
    assertThat(ended.getCause()).as("the wait ends at the next heartbeat").isInstanceOf(CanceledFailure.class);
    assertThat(h.sandbox.callLog().entries())
        .as("a busy cluster is not sent UpdateClusterVersion just to earn a 409")
        .isEmpty();
  }

  @Test
  void heavyThrottlingStillEndsInExactlyOneUpdate() {
    h = new SandboxActivityHarness(
        """
        name: throttled
        timeScale: 600
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        durations: {controlPlaneUpdate: 1m}
        faults: {seed: 11, throttlingRate: 0.3}
        """);

    VersionUpdateHandle handle = h.withRetries(10, () -> start("1.33", "tok-1"));
    VersionUpdateOutcome outcome = h.withRetries(10, () -> await(handle, "1.33"));
    ClusterSnapshot after = h.withRetries(10, () -> h.inspection.inspectCluster(DEMO));

    assertThat(outcome.clusterVersion()).isEqualTo("1.33");
    assertThat(after.version()).isEqualTo("1.33");
    assertThat(h.sandbox.stats().throttled()).as("requests answered 429").isPositive();
    assertThat(h.sandbox.callLog().count(UPDATE, Effect.CREATED)).isEqualTo(1);
    assertThat(h.sandbox.callLog().entries())
        .as("any other call was a throttled attempt with the same token")
        .filteredOn(c -> c.effect() != Effect.CREATED)
        .allSatisfy(
            c -> {
              assertThat(c.status()).isEqualTo(429);
              assertThat(c.clientRequestToken()).isEqualTo("tok-1");
            });
  }

  @Test
  void aRetriedAwaitContinuesThePollCount() {
    h = new SandboxActivityHarness(
        """
        name: resumed
        timeScale: 6000
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        durations: {controlPlaneUpdate: 5m}
        """);
    VersionUpdateHandle handle = start("1.33", "tok-1");
    h.heartbeats.clear();

    h.env.setHeartbeatDetails(7); // the previous attempt's last heartbeat
    VersionUpdateOutcome outcome = await(handle, "1.33");

    assertThat(h.heartbeats).startsWith(8);
    assertThat(outcome.polls()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void anUpdateToAnotherVersionInFlightIsAConflictForAnOperator() {
    h = new SandboxActivityHarness(
        """
        name: conflicting
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        """);
    h.eks("us-east-1").updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("someone-else"));

    ApplicationFailure failure = failureOf(() -> start("1.34", "tok-1"));

    assertThat(failure.getType()).isEqualTo(FailureTypes.CONFLICTING_UPDATE);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("1.33").contains("1.34");
    assertThat(h.sandbox.callLog().entries())
        .extracting(CallLog.Entry::clientRequestToken)
        .containsExactly("someone-else");
  }

  @Test
  void aVersionEksRefusesIsANonRetryableInvalidRequestWithEksMessage() {
    h = new SandboxActivityHarness(
        """
        name: skip-a-minor
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        """);

    ApplicationFailure failure = failureOf(() -> start("1.34", "tok-1"));

    assertThat(failure.getType()).isEqualTo(FailureTypes.EKS_INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .contains("Unsupported Kubernetes minor version update from 1.32 to 1.34");
    assertThat(h.sandbox.callLog().entries())
        .extracting(CallLog.Entry::status, CallLog.Entry::effect)
        .containsExactly(tuple(400, Effect.REJECTED));
  }

  @Test
  void aStartWithoutATokenIsRefusedBeforeEksIsCalled() {
    h = new SandboxActivityHarness(
        """
        name: no-token
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        """);

    ApplicationFailure failure = failureOf(() -> start("1.33", null));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("clientRequestToken is required");
    assertThat(h.sandbox.callLog().entries()).isEmpty();
  }

  @Test
  void anUnknownClusterOrUpdateIsClusterNotFound() {
    h = new SandboxActivityHarness(
        """
        name: empty
        clusters: [{name: demo, region: us-east-1, version: "1.32"}]
        """);

    ApplicationFailure noCluster =
        failureOf(
            () ->
                h.controlPlane.startVersionUpdate(
                    new VersionUpdateRequest(new ClusterRef("us-east-1", "ghost"), "1.33", "tok-1")));
    ApplicationFailure noUpdate =
        failureOf(
            () -> h.controlPlane.awaitVersionUpdate(new AwaitVersionUpdateRequest(DEMO, "no-such-update", "1.33")));

    assertThat(noCluster.getType()).isEqualTo(FailureTypes.CLUSTER_NOT_FOUND);
    assertThat(noCluster.isNonRetryable()).isTrue();
    assertThat(noCluster.getOriginalMessage()).contains("No cluster found for name: ghost.");
    assertThat(noUpdate.getType()).isEqualTo(FailureTypes.CLUSTER_NOT_FOUND);
    assertThat(noUpdate.getOriginalMessage()).contains("no-such-update");
    assertThat(h.sandbox.callLog().entries()).as("observed first, so nothing was called").isEmpty();
  }
}
