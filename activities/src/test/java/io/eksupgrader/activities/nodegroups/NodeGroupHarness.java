package io.eksupgrader.activities.nodegroups;

import io.eksupgrader.activities.eks.DefaultAwsClientsProvider;
import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.activities.NodeGroupActivities;
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
import software.amazon.awssdk.services.eks.EksClient;

/**
 * A sandbox scenario with its Kubernetes side, the node group activities over the real AWS SDK
 * and fabric8 clients, and a Temporal activity test environment to run them in. Heartbeats are
 * recorded; a test plays a retried attempt by handing it a heartbeat with {@code
 * env.setHeartbeatDetails}.
 */
final class NodeGroupHarness implements AutoCloseable {

  static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");

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
  final NodeGroupActivities nodeGroups;
  final List<Object> heartbeats = Collections.synchronizedList(new ArrayList<>());

  NodeGroupHarness(String scenarioYaml, NodeGroupActivitySettings settings) {
    sandbox = SandboxServer.start(Scenario.parse(scenarioYaml, "test scenario"), 0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    aws = new DefaultAwsClientsProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    kubernetes = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new EksNodeGroupActivities(eks, aws, kubernetes, settings));
    env.setActivityHeartbeatListener(Object.class, heartbeats::add);
    nodeGroups = env.newActivityStub(NodeGroupActivities.class, ONE_ATTEMPT);
  }

  /** Fast settings: poll every 20 ms; nodes may stay NotReady 2 s, a deletion DELETING 5 s. */
  NodeGroupHarness(String scenarioYaml) {
    this(
        scenarioYaml,
        new NodeGroupActivitySettings(Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofSeconds(5)));
  }

  EksClient eks() {
    return eks.forRegion(SHOP.region());
  }

  /** A client of the cluster's API server for assertions. */
  KubernetesClient kube() {
    return kubernetes.forCluster(SHOP);
  }

  List<String> nodesOf(String nodeGroup) {
    return kube().nodes().withLabel("eks.amazonaws.com/nodegroup", nodeGroup).list().getItems().stream()
        .map(Node::getMetadata)
        .map(m -> m.getName())
        .sorted()
        .toList();
  }

  /** The operations of the mutating AWS calls, in the order the sandbox answered them. */
  List<String> awsCalls() {
    return sandbox.callLog().entries().stream()
        .filter(e -> !"kubernetes".equals(e.service()))
        .map(CallLog.Entry::operation)
        .toList();
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
