package io.eksupgrader.activities.preflight;

import static org.awaitility.Awaitility.await;

import io.eksupgrader.activities.eks.DefaultAwsClientsProvider;
import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.activities.PreflightActivities.PreflightRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;

/**
 * A sandbox world with cluster {@code shop}, and the pre-flight activities over the real AWS SDK
 * and fabric8 clients (reached through DescribeCluster and an EKS token), with the sandbox's
 * simulated clock as theirs, each run once in a Temporal activity test environment.
 */
final class PreflightHarness implements AutoCloseable {

  static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");

  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(60))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  final SandboxServer sandbox;
  final PreflightActivities preflight;
  private final DefaultEksClientProvider eks;
  private final DefaultAwsClientsProvider aws;
  private final EksKubernetesClientProvider kubernetes;
  private final TestActivityEnvironment env;

  PreflightHarness(String scenarioYaml) {
    sandbox = SandboxServer.start(Scenario.parse(scenarioYaml, "test scenario"), 0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    aws = new DefaultAwsClientsProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    kubernetes = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new ClusterPreflightActivities(eks, aws, kubernetes, sandbox.clock()));
    preflight = env.newActivityStub(PreflightActivities.class, ONE_ATTEMPT);
  }

  /** The sandbox's own client of the cluster, to set the scene. */
  KubernetesClient admin() {
    return sandbox.kubernetes(SHOP.region(), SHOP.name()).adminClient();
  }

  static PreflightRequest request(String current, String target, List<String> minors) {
    return request(current, target, minors, DrainOptions.defaults(), List.of());
  }

  static PreflightRequest request(
      String current, String target, List<String> minors, DrainOptions drain, List<String> managedGroups) {
    return new PreflightRequest(SHOP, current, target, minors, drain, managedGroups);
  }

  /** Waits until the sandbox's controllers have started this many pods. */
  void awaitPods(int pods) {
    await(pods + " pods").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> admin().pods().inAnyNamespace().list().getItems().size() >= pods);
  }

  /** How many mutating calls the sandbox has logged (it logs no reads): pre-flight must add none. */
  int mutatingCalls() {
    return sandbox.callLog().entries().size();
  }

  static List<PreflightFinding> ofSeverity(List<PreflightFinding> findings, Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).toList();
  }

  @Override
  public void close() {
    env.close();
    kubernetes.close();
    aws.close();
    eks.close();
    sandbox.close();
  }
}
