package io.eksupgrader.workflows.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 500-node cluster (10 managed node groups of 50 nodes) upgraded end to end: every execution's
 * history stays far below Temporal's 10,240-event warning, because each node group drains in its own
 * child workflow.
 */
class LargeClusterHistoryTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);
  private static final int GROUPS = 10;
  private static final int NODES_PER_GROUP = 50;
  private static final int EVENT_LIMIT = 10_240;

  private final FakeEks eks = new FakeEks("1.33");
  private final FakeDataPlane nodes = new FakeDataPlane();

  @RegisterExtension
  final TestWorkflowExtension testWorkflow = ClusterUpgradeWorkflowTest.extension(eks, nodes);

  @Test
  void noExecutionOfA500NodeUpgradeComesNearTheEventLimit(WorkflowClient client, WorkflowOptions options) {
    List<String> groups = new ArrayList<>();
    for (int g = 1; g <= GROUPS; g++) {
      String group = String.format("pool-%02d", g); // Teardowns go in name order.
      groups.add(group);
      nodes.addGroup(group, "1.33", NODES_PER_GROUP);
    }
    ClusterUpgradeWorkflow upgrade = DataPlaneWorkflowTest.start(client, options, DataPlaneWorkflowTest.options(4, 2));
    approve(client, upgrade, "control-plane-1.34");
    approve(client, upgrade, "data-plane");
    for (String group : groups) {
      approve(client, upgrade, "teardown-" + group);
    }
    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(nodes.calls().stream().filter(c -> c.startsWith("DrainNode ")))
        .as("one drain activity per node")
        .hasSize(GROUPS * NODES_PER_GROUP);

    Map<String, Integer> events = new LinkedHashMap<>();
    events.put(ID, client.fetchHistory(ID).getHistory().getEventsCount());
    events.put(
        WorkflowIds.step(ID, "control-plane-1.34"),
        client.fetchHistory(WorkflowIds.step(ID, "control-plane-1.34")).getHistory().getEventsCount());
    for (String group : groups) {
      String child = WorkflowIds.step(ID, "nodegroup-" + group);
      events.put(child, client.fetchHistory(child).getHistory().getEventsCount());
    }
    events.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(e -> System.out.printf("history events %6d  %s%n", e.getValue(), e.getKey()));

    assertThat(events.get(ID)).as("the parent").isGreaterThan(0);
    assertThat(events).as("the parent, the control plane and %d node groups", GROUPS).hasSize(GROUPS + 2);
    assertThat(events).allSatisfy((id, count) -> assertThat(count).as(id).isLessThan(EVENT_LIMIT));
  }

  /** 500 drains take a while on a shared machine: a longer wait than the other tests' 20 s. */
  private static void approve(WorkflowClient client, ClusterUpgradeWorkflow upgrade, String gate) {
    ClusterUpgradeWorkflow status = client.newWorkflowStub(ClusterUpgradeWorkflow.class, ID);
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> status.status().openGate() != null && status.status().openGate().gate().equals(gate));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      var now = status.status();
      throw new AssertionError(
          "gate " + gate + " never opened; open: " + (now.openGate() == null ? null : now.openGate().gate()) + "; steps: "
              + now.steps().stream().map(st -> st.id() + "=" + st.state() + " " + st.detail()).toList(),
          e);
    }
    upgrade.approveGate(new Approval(gate, "alice", null));
  }
}
