package io.eksupgrader.workflows.upgrade;

import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.approve;
import static io.eksupgrader.workflows.upgrade.DataPlaneWorkflowTest.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.eksupgrader.workflows.codec.PayloadEncryptionCodec;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upgrade whose worker and client encrypt payloads: what Temporal records is unreadable, the
 * workflow still runs to its result, and an approval sent in plain JSON (the Temporal UI without a
 * codec server) is still accepted.
 */
class EncryptedPayloadsWorkflowTest {

  private static final ClusterRef CLUSTER = new ClusterRef("us-east-1", "payments");
  private static final String ID = WorkflowIds.clusterUpgrade(CLUSTER);
  private static final PayloadEncryptionCodec CODEC =
      PayloadEncryptionCodec.of("k1", Map.of("k1", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));

  private final FakeEks eks = new FakeEks("1.33");
  private final FakeDataPlane nodes = new FakeDataPlane();

  @RegisterExtension
  final TestWorkflowExtension testWorkflow =
      ClusterUpgradeWorkflowTest.extensionBuilder(eks, nodes)
          .setWorkflowClientOptions(
              WorkflowClientOptions.newBuilder()
                  .setDataConverter(
                      new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(CODEC)))
                  .build())
          .build();

  @Test
  void theRecordedHistoriesHoldOnlyCiphertextWhileTheResultDecodes(
      TestWorkflowEnvironment env, WorkflowClient client, WorkflowOptions options) {
    nodes.addGroup("apps", "1.33", 2);
    ClusterUpgradeWorkflow upgrade = DataPlaneWorkflowTest.start(client, options, DataPlaneWorkflowTest.options(1, 1));

    awaitGate(client, "control-plane-1.34");
    // The Temporal UI's Send Signal without a codec server: a client with the default converter.
    WorkflowClient ui =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace()).build());
    ui.newUntypedWorkflowStub(ID).signal("approve", Map.of("gate", "control-plane-1.34", "by", "bob"));
    approve(client, upgrade, "data-plane");
    approve(client, upgrade, "teardown-apps");

    UpgradeResult result = client.newUntypedWorkflowStub(ID).getResult(UpgradeResult.class);
    assertThat(result.outcome()).isEqualTo(UpgradeOutcome.SUCCEEDED);
    assertThat(result.finalVersion()).isEqualTo("1.34");

    List<String> executions =
        List.of(ID, WorkflowIds.step(ID, "control-plane-1.34"), WorkflowIds.step(ID, "nodegroup-apps"));
    int encrypted = 0;
    int versionMarkers = 0;
    int plainSignals = 0;
    for (String execution : executions) {
      var history = client.fetchHistory(execution).getHistory();
      assertThat(history.getEventsCount()).as(execution).isGreaterThan(0);
      for (var event : history.getEventsList()) {
        if (event.hasMarkerRecordedEventAttributes()
            && event.getMarkerRecordedEventAttributes().getMarkerName().equals("Version")) {
          // The SDK writes getVersion markers (change id, version number) without the codec: code names, no data.
          versionMarkers++;
          continue;
        }
        List<Payload> payloads = new ArrayList<>();
        collectPayloads(event, payloads);
        for (Payload payload : payloads) {
          String data = payload.getData().toStringUtf8();
          if (event.hasWorkflowExecutionSignaledEventAttributes()
              && !PayloadEncryptionCodec.isEncrypted(payload)
              && data.contains("\"by\":\"bob\"")) {
            plainSignals++; // The plaintext signal itself, as the UI sent it.
            continue;
          }
          assertThat(PayloadEncryptionCodec.isEncrypted(payload))
              .as("%s %s: %s", execution, event.getEventType(), payload)
              .isTrue();
          assertThat(data).doesNotContain("payments").doesNotContain("1.34").doesNotContain("apps");
          encrypted++;
        }
      }
    }
    System.out.printf("encrypted payloads: %d, version markers left plain: %d%n", encrypted, versionMarkers);
    assertThat(plainSignals).as("the UI's plaintext approval, recorded as sent and accepted").isEqualTo(1);
    assertThat(encrypted).as("payloads seen across the three histories").isGreaterThan(20);
  }

  /** Every payload in a message, except search attributes, which the server must index and so stay readable. */
  private static void collectPayloads(Message message, List<Payload> out) {
    if (message instanceof Payload payload) {
      out.add(payload);
      return;
    }
    if (message instanceof SearchAttributes) {
      return;
    }
    message.getAllFields()
        .forEach(
            (field, value) -> {
              if (value instanceof Message nested) {
                collectPayloads(nested, out);
              } else if (value instanceof List<?> list) {
                list.forEach(item -> {
                  if (item instanceof Message nested) {
                    collectPayloads(nested, out);
                  }
                });
              }
            });
  }
}
