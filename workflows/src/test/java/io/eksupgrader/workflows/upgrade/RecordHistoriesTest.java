package io.eksupgrader.workflows.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records the golden histories that {@link WorkflowReplayTest} replays. Run it only when a
 * release changes workflow code on purpose, and commit the files:
 * {@code ./mvnw -pl workflows test -Dtest=RecordHistoriesTest -Drecord.histories=true}.
 */
@EnabledIfSystemProperty(named = "record.histories", matches = "true")
class RecordHistoriesTest {

  static final Path DIR = Path.of("src", "test", "resources", "histories");

  private final FakeEks eks = new FakeEks("1.32");

  @RegisterExtension final TestWorkflowExtension testWorkflow = ClusterUpgradeWorkflowTest.extension(eks);

  @Test
  void recordGatesSignalsUpdatesAndARetriedStep(WorkflowClient client, WorkflowOptions options) throws Exception {
    eks.failStarts("1.34", 1);
    String id = "eks-upgrade/us-east-1/payments";
    ClusterUpgradeWorkflow upgrade =
        client.newWorkflowStub(ClusterUpgradeWorkflow.class, WorkflowOptions.newBuilder(options).setWorkflowId(id).build());
    WorkflowClient.start(upgrade::upgrade, ClusterUpgradeWorkflowTest.request("1.34", false));
    ClusterUpgradeWorkflow running = client.newWorkflowStub(ClusterUpgradeWorkflow.class, id);
    var untyped = client.newUntypedWorkflowStub(id);

    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null);
    untyped.signal("approve", "malformed");
    running.approveGate(new Approval("control-plane-1.33", "alice", "CHG-1"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().openGate() != null
        && running.status().openGate().gate().equals("control-plane-1.34"));
    untyped.signal("approve", Map.of("gate", "control-plane-1.34", "by", "bob"));
    await().atMost(Duration.ofSeconds(20)).until(() -> running.status().pendingDecision() != null);
    running.decideStep(new OperatorDecision("control-plane-1.34", DecisionAction.RETRY, "alice", "transient"));
    UpgradeResult result = untyped.getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);

    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve("cluster-upgrade-1.32-to-1.34.json"), client.fetchHistory(id).toJson(true));
    Files.writeString(
        DIR.resolve("control-plane-1.33.json"), client.fetchHistory(id + "/control-plane-1.33").toJson(true));
  }
}
