package io.eksupgrader.activities.addons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.activities.AddonActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AddonInfo;
import io.eksupgrader.workflows.model.AddonUpdateHandle;
import io.eksupgrader.workflows.model.AddonUpdateHandle.How;
import io.eksupgrader.workflows.model.AddonUpdateOutcome;
import io.eksupgrader.workflows.model.AddonUpdateRequest;
import io.eksupgrader.workflows.model.AwaitAddonRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The add-on activities over the real SDK against the sandbox's EKS add-on API. */
class EksAddonActivitiesTest {

  private static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");
  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private SandboxServer sandbox;
  private DefaultEksClientProvider eks;
  private TestActivityEnvironment env;
  private AddonActivities addons;

  @AfterEach
  void close() {
    env.close();
    eks.close();
    sandbox.close();
  }

  private void start(String faults) {
    sandbox =
        SandboxServer.start(
            Scenario.parse(
                """
                name: addons
                timeScale: 600
                clusters:
                  - name: shop
                    region: us-east-1
                    version: "1.32"
                    addons:
                      - {name: coredns}
                      - {name: kube-proxy}
                      - {name: vpc-cni, version: v1.18.3-eksbuild.2}
                durations: {addonUpdate: 3m, controlPlaneUpdate: 10m}
                """
                    + faults,
                "addons"),
            0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new EksAddonActivities(eks, new AddonSettings(Duration.ofMillis(50), Duration.ofMillis(100))));
    addons = env.newActivityStub(AddonActivities.class, ONE_ATTEMPT);
  }

  private AddonUpdateRequest request(String addon, String kubernetes, String pinned, String token) {
    return new AddonUpdateRequest(SHOP, addon, kubernetes, pinned, "PRESERVE", token);
  }

  private List<String> updateAddonCalls() {
    return sandbox.callLog().entries("UpdateAddon").stream()
        .map(e -> e.effect() == CallLog.Effect.CREATED ? e.resourceId() + " CREATED" : e.effect().toString())
        .toList();
  }

  @Test
  void anAddonAtItsDefaultNeedsNothingAndAnotherMovesOnceToTheDefaultOfTheKubernetesVersion() {
    start("");
    assertThat(addons.listAddons(SHOP))
        .containsExactly(
            new AddonInfo("coredns", "v1.11.3-eksbuild.2", "ACTIVE"),
            new AddonInfo("kube-proxy", "v1.32.0-eksbuild.2", "ACTIVE"),
            new AddonInfo("vpc-cni", "v1.18.3-eksbuild.2", "ACTIVE"));
    AddonUpdateHandle nothing = addons.startAddonUpdate(request("coredns", "1.32", null, "t-0"));
    assertThat(nothing.how()).isEqualTo(How.ALREADY_AT_TARGET);

    AddonUpdateHandle started = addons.startAddonUpdate(request("vpc-cni", "1.33", null, "t-1"));
    assertThat(started.how()).isEqualTo(How.STARTED);
    assertThat(started.targetVersion()).as("the default EKS names for 1.33").isEqualTo("v1.19.5-eksbuild.3");
    AddonUpdateHandle again = addons.startAddonUpdate(request("vpc-cni", "1.33", null, "t-2"));
    assertThat(again.how()).as("a second attempt adopts the running update").isEqualTo(How.ADOPTED);
    assertThat(again.updateId()).isEqualTo(started.updateId());

    AddonUpdateOutcome done =
        addons.awaitAddonUpdate(new AwaitAddonRequest(SHOP, "vpc-cni", started.updateId(), started.targetVersion()));
    assertThat(done.version()).isEqualTo("v1.19.5-eksbuild.3");
    assertThat(addons.startAddonUpdate(request("vpc-cni", "1.33", null, "t-3")).how()).isEqualTo(How.ALREADY_AT_TARGET);
    assertThat(updateAddonCalls()).containsExactly("vpc-cni v1.19.5-eksbuild.3 CREATED");
  }

  @Test
  void kubeProxyAheadOfTheControlPlaneIsRefusedWithEksWordsAndNothingChanges() {
    start("");
    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class, () -> addons.startAddonUpdate(request("kube-proxy", "1.33", null, "t-1")));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.EKS_INVALID_REQUEST);
    assertThat(cause.isNonRetryable()).isTrue();
    assertThat(cause.getOriginalMessage())
        .contains("EKS refused to update kube-proxy to v1.33.0-eksbuild.2")
        .contains("Kubernetes version 1.32");
    assertThat(updateAddonCalls()).containsExactly("REJECTED");

    var client = eks.forRegion("us-east-1");
    client.updateClusterVersion(r -> r.name("shop").version("1.33"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(
        () -> client.describeCluster(r -> r.name("shop")).cluster().version().equals("1.33"));
    AddonUpdateHandle started = addons.startAddonUpdate(request("kube-proxy", "1.33", null, "t-2"));
    assertThat(addons.awaitAddonUpdate(new AwaitAddonRequest(SHOP, "kube-proxy", started.updateId(), started.targetVersion())).version())
        .isEqualTo("v1.33.0-eksbuild.2");
  }

  @Test
  void aDegradedAddonFailsTheWaitWithItsHealthIssueAndAPinnedVersionIsUsedAsIs() {
    start("faults: {degradedAddons: [coredns]}\n");
    AddonUpdateHandle started = addons.startAddonUpdate(request("coredns", "1.32", "v1.11.4-eksbuild.14", "t-1"));
    assertThat(started.targetVersion()).isEqualTo("v1.11.4-eksbuild.14");
    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class,
            () -> addons.awaitAddonUpdate(new AwaitAddonRequest(SHOP, "coredns", started.updateId(), started.targetVersion())));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.ADDON_UPDATE_FAILED);
    assertThat(cause.getOriginalMessage())
        .contains("ended Failed; the add-on is DEGRADED at v1.11.4-eksbuild.14")
        .contains("[InsufficientNumberOfReplicas]");
    assertThat(sandbox.callLog().entries().stream().map(CallLog.Entry::operation))
        .as("the only change: one UpdateAddon")
        .containsExactly("UpdateAddon");
  }
}
