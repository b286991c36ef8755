package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog.Effect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterStatus;
import software.amazon.awssdk.services.eks.model.ClusterVersionInformation;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.ServerException;
import software.amazon.awssdk.services.eks.model.ThrottlingException;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateParamType;
import software.amazon.awssdk.services.eks.model.UpdateStatus;
import software.amazon.awssdk.services.eks.model.UpdateType;
import software.amazon.awssdk.services.eks.model.VersionStatus;

/** The sandbox as the real AWS SDK sees it, over HTTP. */
class SandboxEksTest {

  private static final String UPDATE = "UpdateClusterVersion";

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private SandboxServer sandbox(String yaml) {
    SandboxServer server = SandboxServer.start(Scenario.parse(yaml, "test.yaml"), 0);
    resources.add(server);
    return server;
  }

  private EksClient eks(SandboxServer server, String region) {
    EksClient client = EksClients.standard(server, region);
    resources.add(client);
    return client;
  }

  private EksClient eksWithAttempts(SandboxServer server, String region, int attempts) {
    EksClient client = EksClients.attempts(server, region, attempts);
    resources.add(client);
    return client;
  }

  @Test
  void clustersAreKeptApartByTheRegionInTheRequestSignature() {
    SandboxServer sandbox =
        sandbox(
            """
            name: two-regions
            startTime: 2026-11-23T09:00:00Z
            clusters:
              - {name: shop, region: us-east-1, version: "1.32", platformVersion: eks.19}
              - {name: shop, region: eu-west-1, version: "1.31"}
            """);

    Cluster virginia = eks(sandbox, "us-east-1").describeCluster(r -> r.name("shop")).cluster();
    Cluster ireland = eks(sandbox, "eu-west-1").describeCluster(r -> r.name("shop")).cluster();

    assertThat(virginia.version()).isEqualTo("1.32");
    assertThat(virginia.status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(virginia.platformVersion()).isEqualTo("eks.19");
    assertThat(virginia.arn()).isEqualTo("arn:aws:eks:us-east-1:123456789012:cluster/shop");
    assertThat(virginia.createdAt()).isBefore(Instant.parse("2026-11-23T09:00:00Z"));
    assertThat(URI.create(virginia.endpoint()).getHost()).as("the cluster's API server").isNotBlank();
    assertThat(virginia.endpoint()).isNotEqualTo(ireland.endpoint());
    assertThat(virginia.certificateAuthority().data()).isNotBlank();
    assertThat(ireland.version()).isEqualTo("1.31");
    assertThat(ireland.platformVersion()).isEqualTo("eks.27"); // the offered default for 1.31
    assertThatThrownBy(() -> eks(sandbox, "ap-south-1").describeCluster(r -> r.name("shop")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("No cluster found for name: shop.");
    assertThat(sandbox.callLog().entries()).as("reads are not logged").isEmpty();
  }

  @Test
  void describeClusterVersionsAnswersWhatEksOffersOnTheScenariosDay() {
    SandboxServer sandbox =
        sandbox(
            """
            name: versions
            startTime: 2026-11-23T09:00:00Z
            """);
    EksClient eks = eks(sandbox, "us-east-1");

    List<ClusterVersionInformation> all =
        eks.describeClusterVersionsPaginator(r -> r.includeAll(true).maxResults(2))
            .clusterVersions()
            .stream()
            .toList();
    List<ClusterVersionInformation> current =
        eks.describeClusterVersions(r -> {}).clusterVersions();

    assertThat(all)
        .extracting(ClusterVersionInformation::clusterVersion, ClusterVersionInformation::versionStatus)
        .containsExactly(
            tuple("1.34", VersionStatus.STANDARD_SUPPORT),
            tuple("1.33", VersionStatus.EXTENDED_SUPPORT),
            tuple("1.32", VersionStatus.EXTENDED_SUPPORT),
            tuple("1.31", VersionStatus.EXTENDED_SUPPORT),
            tuple("1.30", VersionStatus.UNSUPPORTED),
            tuple("1.29", VersionStatus.UNSUPPORTED),
            tuple("1.28", VersionStatus.UNSUPPORTED));
    assertThat(all.get(0).endOfStandardSupportDate()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(all.get(0).endOfExtendedSupportDate()).isEqualTo(Instant.parse("2027-12-02T00:00:00Z"));
    assertThat(all.get(0).statusAsString()).isEqualTo("standard-support");
    assertThat(current)
        .as("without includeAll, versions past extended support are left out")
        .extracting(ClusterVersionInformation::clusterVersion)
        .containsExactly("1.34", "1.33", "1.32", "1.31");
    assertThat(
            eks.describeClusterVersions(r -> r.versionStatus(VersionStatus.STANDARD_SUPPORT))
                .clusterVersions())
        .extracting(ClusterVersionInformation::clusterVersion)
        .containsExactly("1.34");
  }

  @Test
  void anUpdateRunsForItsSimulatedDurationThenTheClusterRunsTheNewVersion() throws Exception {
    SandboxServer sandbox =
        sandbox(
            """
            name: lifecycle
            timeScale: 6000          # 25 simulated minutes take 250 ms
            startTime: 2026-11-23T09:00:00Z
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            durations:
              controlPlaneUpdate: 25m
            """);
    EksClient eks = eks(sandbox, "us-east-1");

    Update started =
        eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("step-1"))
            .update();
    Cluster during = eks.describeCluster(r -> r.name("demo")).cluster();
    Update ended = EksClients.awaitEnd(eks, "demo", started.id(), Duration.ofSeconds(5));
    Cluster after = eks.describeCluster(r -> r.name("demo")).cluster();

    assertThat(started.status()).isEqualTo(UpdateStatus.IN_PROGRESS);
    assertThat(started.type()).isEqualTo(UpdateType.VERSION_UPDATE);
    assertThat(started.params())
        .extracting(p -> p.type(), p -> p.value())
        .containsExactly(
            tuple(UpdateParamType.VERSION, "1.33"), tuple(UpdateParamType.PLATFORM_VERSION, "eks.13"));
    assertThat(started.createdAt())
        .as("timestamps are simulated time")
        .isBetween(Instant.parse("2026-11-23T09:00:00Z"), sandbox.clock().instant());
    assertThat(during.status()).isEqualTo(ClusterStatus.UPDATING);
    assertThat(during.version()).as("the version changes only at the end").isEqualTo("1.32");
    assertThat(ended.status()).isEqualTo(UpdateStatus.SUCCESSFUL);
    assertThat(ended.errors()).isEmpty();
    assertThat(after.status()).isEqualTo(ClusterStatus.ACTIVE);
    assertThat(after.version()).isEqualTo("1.33");
    assertThat(after.platformVersion()).isEqualTo("eks.13");
    assertThat(sandbox.clock().instant())
        .as("at least the update's 25 simulated minutes have passed")
        .isAfterOrEqualTo(started.createdAt().plus(Duration.ofMinutes(25)));
    assertThat(eks.listUpdates(r -> r.name("demo")).updateIds()).containsExactly(started.id());
    assertThat(sandbox.callLog().entries())
        .extracting(e -> e.operation(), e -> e.clientRequestToken(), e -> e.version(), e -> e.status(), e -> e.effect(), e -> e.resourceId())
        .containsExactly(tuple(UPDATE, "step-1", "1.33", 200, Effect.CREATED, started.id()));
    CallLog.Entry entry = sandbox.callLog().entries().get(0);
    assertThat(entry.service()).isEqualTo("eks");
    assertThat(entry.region()).isEqualTo("us-east-1");
    assertThat(entry.cluster()).isEqualTo("demo");
    assertThat(entry.simulatedTime()).isAfterOrEqualTo(started.createdAt());
  }

  @Test
  void aRepeatedTokenReturnsTheSameUpdateWhileItRunsAndAfterItEnded() throws Exception {
    SandboxServer sandbox =
        sandbox(
            """
            name: idempotent
            timeScale: 6000
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            durations: {controlPlaneUpdate: 10m}
            """);
    EksClient eks = eks(sandbox, "us-east-1");

    Update first =
        eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("tok-A")).update();
    Update whileRunning =
        eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("tok-A")).update();
    EksClients.awaitEnd(eks, "demo", first.id(), Duration.ofSeconds(5));
    Update afterEnd =
        eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("tok-A")).update();

    assertThat(whileRunning.id()).isEqualTo(first.id());
    assertThat(afterEnd.id()).isEqualTo(first.id());
    assertThat(afterEnd.status()).isEqualTo(UpdateStatus.SUCCESSFUL);
    assertThat(eks.listUpdates(r -> r.name("demo")).updateIds()).containsExactly(first.id());
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::effect)
        .containsExactly(Effect.CREATED, Effect.REPLAYED, Effect.REPLAYED);
    assertThat(sandbox.callLog().count(UPDATE, Effect.CREATED)).isEqualTo(1);
    assertThatThrownBy(
            () -> eks.updateClusterVersion(r -> r.name("demo").version("1.34").clientRequestToken("tok-A")))
        .as("a token reused for another version is refused, not replayed")
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("tok-A");
  }

  @Test
  void onlyTheNextMinorIsAccepted() {
    SandboxServer sandbox =
        sandbox(
            """
            name: versions
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            """);
    EksClient eks = eks(sandbox, "us-east-1");

    assertThatThrownBy(() -> eks.updateClusterVersion(r -> r.name("demo").version("1.34").clientRequestToken("a")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Unsupported Kubernetes minor version update from 1.32 to 1.34")
        .satisfies(e -> assertThat(((EksException) e).statusCode()).isEqualTo(400));
    assertThatThrownBy(() -> eks.updateClusterVersion(r -> r.name("demo").version("1.32").clientRequestToken("b")))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> eks.updateClusterVersion(r -> r.name("demo").version("1.31").clientRequestToken("c")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("from 1.32 to 1.31");

    assertThat(eks.describeCluster(r -> r.name("demo")).cluster().version()).isEqualTo("1.32");
    assertThat(eks.listUpdates(r -> r.name("demo")).updateIds()).isEmpty();
    assertThat(sandbox.callLog().entries())
        .extracting(e -> e.version(), e -> e.status(), e -> e.effect(), e -> e.errorCode())
        .containsExactly(
            tuple("1.34", 400, Effect.REJECTED, "InvalidParameterException"),
            tuple("1.32", 400, Effect.REJECTED, "InvalidParameterException"),
            tuple("1.31", 400, Effect.REJECTED, "InvalidParameterException"));
  }

  @Test
  void a409AnswersDuringAnUpdateAndForAWhileAfterItEndedAlthoughTheClusterShowsActive()
      throws Exception {
    SandboxServer sandbox =
        sandbox(
            """
            name: conflict
            timeScale: 600              # 1 simulated minute = 100 ms
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            durations: {controlPlaneUpdate: 1m}
            faults: {conflictAfterUpdate: 10m}
            """);
    EksClient eks = eks(sandbox, "us-east-1");

    Update first =
        eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("one")).update();
    assertThatThrownBy(
            () -> eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("other")))
        .as("during the update")
        .isInstanceOf(ResourceInUseException.class)
        .satisfies(e -> assertThat(((EksException) e).statusCode()).isEqualTo(409));
    Update ended = EksClients.awaitEnd(eks, "demo", first.id(), Duration.ofSeconds(5));
    Instant endedAt = first.createdAt().plus(Duration.ofMinutes(1));
    assertThat(ended.status()).isEqualTo(UpdateStatus.SUCCESSFUL);
    assertThat(eks.describeCluster(r -> r.name("demo")).cluster().status()).isEqualTo(ClusterStatus.ACTIVE);

    int conflicts = 0;
    Update second = null;
    while (second == null) {
      try {
        second =
            eks.updateClusterVersion(r -> r.name("demo").version("1.34").clientRequestToken("two")).update();
      } catch (ResourceInUseException e) {
        conflicts++;
        Thread.sleep(20);
      }
    }

    assertThat(conflicts).as("409s right after ACTIVE").isPositive();
    assertThat(second.createdAt())
        .as("accepted only once the 10 simulated minutes after the end had passed")
        .isAfterOrEqualTo(endedAt.plus(Duration.ofMinutes(10)));
    List<CallLog.Entry> calls = sandbox.callLog().entries();
    assertThat(calls.get(0).effect()).isEqualTo(Effect.CREATED);
    assertThat(calls.get(1)).extracting(CallLog.Entry::status, CallLog.Entry::effect).containsExactly(409, Effect.REJECTED);
    assertThat(calls.subList(2, calls.size() - 1))
        .hasSize(conflicts)
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("ResourceInUseException"));
    assertThat(calls.get(calls.size() - 1))
        .extracting(CallLog.Entry::clientRequestToken, CallLog.Entry::effect)
        .containsExactly("two", Effect.CREATED);
  }

  @Test
  void concurrentStartsMakeExactlyOneUpdate() throws Exception {
    SandboxServer sandbox =
        sandbox(
            """
            name: race
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            """);
    EksClient eks = eks(sandbox, "us-east-1");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    resources.add(pool::shutdownNow);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String token = "racer-" + i;
      Callable<String> start =
          () -> {
            go.await();
            try {
              return eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken(token))
                  .update()
                  .id();
            } catch (ResourceInUseException e) {
              return "409";
            }
          };
      results.add(pool.submit(start));
    }
    go.countDown();
    List<String> answers = new ArrayList<>();
    for (Future<String> f : results) {
      answers.add(f.get());
    }

    assertThat(answers.stream().filter(a -> !a.equals("409"))).hasSize(1);
    assertThat(sandbox.callLog().count(UPDATE, Effect.CREATED)).isEqualTo(1);
    assertThat(sandbox.callLog().count(UPDATE, Effect.REJECTED)).isEqualTo(7);
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::sequence)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void updatesToAFailingVersionEndFailedAndTheVersionStays() throws Exception {
    SandboxServer sandbox =
        sandbox(
            """
            name: failing
            timeScale: 6000
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            durations: {controlPlaneUpdate: 5m}
            faults:
              failUpdatesTo: ["1.33"]
            """);
    EksClient eks = eks(sandbox, "us-east-1");

    Update started =
        eks.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("t")).update();
    Update ended = EksClients.awaitEnd(eks, "demo", started.id(), Duration.ofSeconds(5));
    Cluster after = eks.describeCluster(r -> r.name("demo")).cluster();

    assertThat(ended.status()).isEqualTo(UpdateStatus.FAILED);
    assertThat(ended.errors()).singleElement().satisfies(err -> {
      assertThat(err.errorCodeAsString()).isEqualTo("Unknown");
      assertThat(err.errorMessage()).contains("1.33");
      assertThat(err.resourceIds()).containsExactly("demo");
    });
    assertThat(after.version()).isEqualTo("1.32");
    assertThat(after.status()).isEqualTo(ClusterStatus.ACTIVE);
  }

  @Test
  void throttlingIsAThrottlingErrorToTheSdkAndAThrottledRequestChangesNothing() {
    SandboxServer sandbox =
        sandbox(
            """
            name: throttled
            clusters:
              - {name: demo, region: us-east-1, version: "1.32"}
            faults: {seed: 3, throttlingRate: 0.5}
            """);
    EksClient once = eksWithAttempts(sandbox, "us-east-1", 1);

    int throttled = 0;
    Update update = null;
    while (update == null) {
      try {
        update =
            once.updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("same"))
                .update();
      } catch (ThrottlingException e) {
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.isThrottlingException()).as("the SDK's retry strategies treat it as throttling").isTrue();
        throttled++;
      }
    }

    // Had a throttled attempt made the update, the last one would be REPLAYED, not CREATED.
    List<CallLog.Entry> calls = sandbox.callLog().entries();
    assertThat(calls).hasSize(throttled + 1);
    assertThat(calls.subList(0, throttled))
        .allSatisfy(
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.effect()).isEqualTo(Effect.REJECTED);
              assertThat(e.errorCode()).isEqualTo("ThrottlingException");
              assertThat(e.clientRequestToken()).isEqualTo("same");
            });
    assertThat(calls.get(throttled).effect()).isEqualTo(Effect.CREATED);
    assertThat(sandbox.stats()).isEqualTo(new SandboxServer.Stats(throttled + 1, throttled, 0));
    assertThat(calls.get(throttled).resourceId()).isEqualTo(update.id());
  }

  @Test
  void theSdksStandardRetryRetriesThrottlingAndServerErrors() {
    SandboxServer throttling =
        sandbox(
            """
            name: always-throttled
            clusters: [{name: demo, region: us-east-1, version: "1.32"}]
            faults: {throttlingRate: 1.0}
            """);
    SandboxServer failing =
        sandbox(
            """
            name: always-500
            clusters: [{name: demo, region: us-east-1, version: "1.32"}]
            faults: {serverErrorRate: 1.0}
            """);

    assertThatThrownBy(
            () ->
                eksWithAttempts(throttling, "us-east-1", 3)
                    .updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("x")))
        .isInstanceOf(ThrottlingException.class);
    assertThatThrownBy(
            () ->
                eksWithAttempts(failing, "us-east-1", 3)
                    .updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("y")))
        .isInstanceOf(ServerException.class)
        .satisfies(e -> assertThat(((EksException) e).statusCode()).isEqualTo(500));

    assertThat(throttling.callLog().entries())
        .as("three attempts, all with the caller's token")
        .extracting(CallLog.Entry::status, CallLog.Entry::effect, CallLog.Entry::clientRequestToken)
        .containsExactly(
            tuple(429, Effect.REJECTED, "x"), tuple(429, Effect.REJECTED, "x"), tuple(429, Effect.REJECTED, "x"));
    assertThat(failing.callLog().entries())
        .extracting(CallLog.Entry::status, CallLog.Entry::errorCode)
        .containsExactly(
            tuple(500, "ServerException"), tuple(500, "ServerException"), tuple(500, "ServerException"));
  }

  @Test
  void unknownThingsAreNotFoundAndUnimplementedOperationsSayWhichOperation() {
    SandboxServer sandbox =
        sandbox(
            """
            name: gaps
            clusters: [{name: demo, region: us-east-1, version: "1.32"}]
            """);
    EksClient eks = eks(sandbox, "us-east-1");

    assertThatThrownBy(() -> eks.describeUpdate(r -> r.name("demo").updateId("no-such-update")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("no-such-update");
    assertThatThrownBy(() -> eks.listUpdates(r -> r.name("ghost")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(
            () -> eks.updateClusterVersion(r -> r.name("ghost").version("1.33").clientRequestToken("g")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("No cluster found for name: ghost.");
    assertThatThrownBy(() -> eks.createAddon(r -> r.clusterName("demo").addonName("vpc-cni")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("CreateAddon");
    assertThatThrownBy(
            () -> eks.updateNodegroupVersion(r -> r.clusterName("demo").nodegroupName("ng").version("1.33")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("UpdateNodegroupVersion");

    assertThat(sandbox.callLog().entries())
        .as("mutating requests are logged even when refused")
        .extracting(CallLog.Entry::operation, CallLog.Entry::cluster, CallLog.Entry::status, CallLog.Entry::effect)
        .containsExactly(
            tuple(UPDATE, "ghost", 404, Effect.REJECTED),
            tuple("CreateAddon", "demo", 400, Effect.REJECTED),
            tuple("UpdateNodegroupVersion", "demo", 400, Effect.REJECTED));
  }

  @Test
  void theCallLogAndScenarioAreReadableOverHttp() throws Exception {
    SandboxServer sandbox =
        sandbox(
            """
            name: over-http
            timeScale: 120
            clusters: [{name: demo, region: us-east-1, version: "1.32"}]
            """);
    eks(sandbox, "us-east-1").updateClusterVersion(r -> r.name("demo").version("1.33").clientRequestToken("h"));
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> calls =
        http.send(
            HttpRequest.newBuilder(URI.create(sandbox.endpoint() + "/_sandbox/calls")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> scenario =
        http.send(
            HttpRequest.newBuilder(URI.create(sandbox.endpoint() + "/_sandbox/scenario")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unsigned =
        http.send(
            HttpRequest.newBuilder(URI.create(sandbox.endpoint() + "/clusters/demo")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(calls.statusCode()).isEqualTo(200);
    assertThat(calls.body())
        .contains("\"operation\" : \"UpdateClusterVersion\"")
        .contains("\"clientRequestToken\" : \"h\"")
        .contains("\"effect\" : \"CREATED\"")
        .contains("\"sequence\" : 1");
    assertThat(scenario.body()).contains("\"name\" : \"over-http\"").contains("\"timeScale\" : 120.0");
    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
  }

  @Test
  void theBundledDemoScenarioStartsAndOffersTheWayTo134() {
    SandboxServer sandbox = SandboxServer.start(Scenario.fromResource("scenarios/demo.yaml"), 0);
    resources.add(sandbox);
    Scenario demo = sandbox.scenario();

    assertThat(demo.timeScale()).isEqualTo(600);
    assertThat(demo.durations().controlPlaneUpdate()).isEqualTo(Duration.ofMinutes(25));
    assertThat(sandbox.clock().toReal(demo.durations().controlPlaneUpdate())).isEqualTo(Duration.ofMillis(2500));
    assertThat(demo.faults().throttlingRate()).isEqualTo(0.05);
    assertThat(demo.faults().conflictAfterUpdate()).isEqualTo(Duration.ofMinutes(2));
    assertThat(demo.clusters())
        .extracting(Scenario.ClusterSpec::name, Scenario.ClusterSpec::region, Scenario.ClusterSpec::version)
        .containsExactly(tuple("demo", "us-east-1", "1.32"));
    assertThat(demo.offered("1.33")).isPresent();
    assertThat(demo.offered("1.34")).isPresent();
    assertThat(sandbox.endpoint().toString()).isEqualTo("http://127.0.0.1:" + sandbox.port());
  }
}
