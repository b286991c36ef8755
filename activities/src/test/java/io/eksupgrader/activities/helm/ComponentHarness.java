package io.eksupgrader.activities.helm;

import static org.awaitility.Awaitility.await;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxCharts;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.workflows.activities.HelmActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A sandbox cluster {@code shop} with the scenario's components, the sandbox's own charts in a local
 * chart repository, and the real activities reached through DescribeCluster and an EKS token, each
 * run once in a Temporal activity test environment.
 */
public final class ComponentHarness implements AutoCloseable {

  public static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");
  public static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(90))
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  public final SandboxServer sandbox;
  public final DefaultEksClientProvider eks;
  public final EksKubernetesClientProvider clients;
  public final Path charts;
  public final Path work;
  private final List<TestActivityEnvironment> envs = new ArrayList<>();

  /** @param clusterYaml the cluster's keys after name, region and version, indented as a list item's */
  public ComponentHarness(Path work, String clusterYaml) {
    this.work = work;
    this.charts = work.resolve("charts");
    SandboxCharts.materialize(charts);
    String yaml =
        """
        name: components
        timeScale: 60
        durations: {podStart: 10s, karpenterLaunch: 30s}
        clusters:
          - name: shop
            region: us-east-1
            version: "1.32"
            nodeGroups:
              - {name: system, desiredSize: 2, labels: {role: system}}
        """
            + clusterYaml.indent(4);
    sandbox = SandboxServer.start(Scenario.parse(yaml, "test scenario"), 0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    clients = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
  }

  /** A stub of an activity interface over the given implementation. */
  public <T> T stub(Class<T> type, Object implementation) {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    envs.add(env);
    env.registerActivitiesImplementations(implementation);
    return env.newActivityStub(type, ONE_ATTEMPT);
  }

  public HelmActivities helm() {
    return stub(HelmActivities.class, new HelmReleaseActivities(clients, new EmbeddedHelm(work.resolve("helm"), true), work.resolve("helm")));
  }

  public KubeCluster kube() {
    return sandbox.kubernetes(SHOP.region(), SHOP.name());
  }

  public KubernetesClient admin() {
    return kube().adminClient();
  }

  /** Mutating Kubernetes calls the sandbox answered with a change, as {@code Operation resource}. */
  public List<String> kubernetesChanges() {
    return sandbox.callLog().entries().stream()
        .filter(e -> e.service().equals("kubernetes") && e.effect() == CallLog.Effect.CREATED)
        .map(e -> e.operation() + " " + e.resourceId())
        .toList();
  }

  public static void eventually(BooleanSupplier condition, String what) {
    await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
  }

  @Override
  public void close() {
    envs.forEach(TestActivityEnvironment::close);
    clients.close();
    eks.close();
    sandbox.close();
  }
}
