package io.eksupgrader.activities.selfmanaged;

import io.eksupgrader.activities.eks.DefaultAwsClientsProvider;
import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.kube.DrainSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.eksupgrader.activities.kube.KubernetesNodeDrainActivities;
import io.eksupgrader.activities.kube.NodeInstance;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.activities.SelfManagedNodeGroupActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/**
 * A sandbox scenario with its Kubernetes side, the self-managed node group activities and the
 * drain activities over the real AWS SDK and fabric8 clients, run in a Temporal activity test
 * environment. Heartbeats are recorded.
 */
final class SelfManagedHarness implements AutoCloseable {

  static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");

  /** Fast settings: poll every 20 ms; new nodes may take 5 s, a deletion 5 s. */
  static final SelfManagedNodeGroupSettings FAST =
      new SelfManagedNodeGroupSettings(Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofSeconds(5));

  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(60))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  final SandboxServer sandbox;
  final DefaultEksClientProvider eks;
  final DefaultAwsClientsProvider aws;
  final EksKubernetesClientProvider kubernetes;
  final TestActivityEnvironment env;
  final SelfManagedNodeGroupActivities groups;
  final NodeDrainActivities drain;
  final List<Object> heartbeats = Collections.synchronizedList(new ArrayList<>());

  SelfManagedHarness(String scenarioYaml, SelfManagedNodeGroupSettings settings) {
    sandbox = SandboxServer.start(Scenario.parse(scenarioYaml, "test scenario"), 0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    aws = new DefaultAwsClientsProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    kubernetes = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new AutoScalingSelfManagedNodeGroupActivities(aws, kubernetes, settings),
        new KubernetesNodeDrainActivities(
            kubernetes, new DrainSettings(Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200), 16)));
    env.setActivityHeartbeatListener(Object.class, heartbeats::add);
    groups = env.newActivityStub(SelfManagedNodeGroupActivities.class, ONE_ATTEMPT);
    drain = env.newActivityStub(NodeDrainActivities.class, ONE_ATTEMPT);
  }

  SelfManagedHarness(String scenarioYaml) {
    this(scenarioYaml, FAST);
  }

  AutoScalingClient autoScaling() {
    return aws.autoScaling(SHOP.region());
  }

  /** The ASG as Auto Scaling describes it, or null when there is none. */
  AutoScalingGroup asg(String name) {
    return autoScaling().describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().stream()
        .findFirst()
        .orElse(null);
  }

  List<String> instancesOf(String asg) {
    return asg(asg).instances().stream().map(Instance::instanceId).sorted().toList();
  }

  /** A client of the cluster's API server for assertions. */
  KubernetesClient kube() {
    return kubernetes.forCluster(SHOP);
  }

  /** The names of the nodes on the instances, sorted. */
  List<String> nodesOn(List<String> instanceIds) {
    return kube().nodes().list().getItems().stream()
        .filter(n -> NodeInstance.runsOn(n, instanceIds))
        .map(Node::getMetadata)
        .map(m -> m.getName())
        .sorted()
        .toList();
  }

  List<String> nodesOfManagedGroup(String nodeGroup) {
    return kube().nodes().withLabel("eks.amazonaws.com/nodegroup", nodeGroup).list().getItems().stream()
        .map(n -> n.getMetadata().getName())
        .sorted()
        .toList();
  }

  /** The mutating AWS calls (operation and effect), in the order the sandbox answered them. */
  List<String> awsCalls() {
    return sandbox.callLog().entries().stream()
        .filter(e -> !"kubernetes".equals(e.service()))
        .map(e -> e.operation() + " " + e.effect())
        .toList();
  }

  List<CallLog.Entry> kubernetesCalls(String operation) {
    return sandbox.callLog().entries(operation).stream().filter(e -> "kubernetes".equals(e.service())).toList();
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
