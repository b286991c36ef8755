package io.eksupgrader.activities.kube;

import static io.eksupgrader.activities.kube.DrainScenario.SHOP;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.activities.eks.DefaultAwsClientsProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/**
 * A self-managed group's nodes carry no {@code eks.amazonaws.com/nodegroup} label: cordon and the
 * drained check find them by the instances their {@code spec.providerID} names, and leave the
 * managed group's node alone.
 */
class SelfManagedNodeSelectionTest {

  private static final String SCENARIO =
      """
      name: self-managed-drain
      timeScale: 10
      durations: {podStart: 4s}
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          nodeGroups:
            - {name: managed, desiredSize: 1}
          selfManagedGroups:
            - {name: workers, desiredSize: 2, labels: {role: worker}}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: worker}}
      """;

  @Test
  void theNodesOfTheListedInstancesAreCordonedAndCheckedNotTheManagedOnes() {
    try (DrainScenario s = new DrainScenario(SCENARIO);
        DefaultAwsClientsProvider aws = new DefaultAwsClientsProvider(EksClientSettings.sandbox(s.sandbox.endpoint()))) {
      List<String> instances =
          aws.autoScaling(SHOP.region())
              .describeAutoScalingGroups(r -> r.autoScalingGroupNames("workers"))
              .autoScalingGroups()
              .get(0)
              .instances()
              .stream()
              .map(Instance::instanceId)
              .toList();
      s.awaitRunning(2);
      List<Node> all = s.admin().nodes().list().getItems();
      List<String> workers = namesOn(all, instances);
      String managed = s.nodesOf("managed").get(0);
      assertThat(workers).hasSize(2).doesNotContain(managed);
      NodeSetRequest group = new NodeSetRequest(SHOP, "workers", instances);

      DrainedCheck before = s.drain.checkNodesDrained(group);
      NodeSetResult cordoned = s.drain.cordonNodes(group);
      NodeSetResult one = s.drain.uncordonNodes(new NodeSetRequest(SHOP, "workers", instances.subList(0, 1)));

      assertThat(before.nodes()).isEqualTo(workers);
      assertThat(before.uncordoned()).isEqualTo(workers);
      assertThat(before.remainingPods()).hasSize(2).allMatch(p -> p.startsWith("shop/web-"));
      assertThat(cordoned).isEqualTo(new NodeSetResult("workers", workers, workers));
      assertThat(one.nodes()).as("only the node of the one instance listed").hasSize(1).isSubsetOf(workers);
      assertThat(s.calls("PatchNode", Effect.CREATED))
          .as("the managed node is never touched")
          .doesNotContain(managed)
          .hasSize(3);
      assertThat(s.drain.cordonNodes(new NodeSetRequest(SHOP, "workers")))
          .as("without instance ids the managed label is used, which no self-managed node has")
          .isEqualTo(new NodeSetResult("workers", List.of(), List.of()));
    }
  }

  private static List<String> namesOn(List<Node> nodes, List<String> instances) {
    return nodes.stream()
        .filter(n -> NodeInstance.runsOn(n, instances))
        .map(n -> n.getMetadata().getName())
        .sorted()
        .toList();
  }
}
