package io.eksupgrader.activities.velero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.activities.BackupActivities;
import io.eksupgrader.workflows.activities.BackupActivities.BackupRequest;
import io.eksupgrader.workflows.activities.BackupActivities.BackupStatus;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Velero backup over fabric8 against the sandbox's Velero: one Backup however often it is
 * asked for, a wait that ends at Completed or with Velero's reason, and a clear refusal where
 * Velero is not installed.
 */
class VeleroActivitiesTest {

  private static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");
  private static final BackupRequest BACKUP =
      new BackupRequest(SHOP, "velero", "eks-upgrader-shop-1-34", "default", "720h0m0s");
  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(60))
          .setHeartbeatTimeout(Duration.ofSeconds(20))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private SandboxServer sandbox;
  private DefaultEksClientProvider eks;
  private EksKubernetesClientProvider kubernetes;
  private TestActivityEnvironment env;
  private BackupActivities backups;

  @AfterEach
  void close() {
    env.close();
    kubernetes.close();
    eks.close();
    sandbox.close();
  }

  private void start(String clusterKeys, String faults) {
    sandbox =
        SandboxServer.start(
            Scenario.parse(
                """
                name: velero
                timeScale: 600
                durations: {veleroBackup: 2m, podStart: 10s}
                clusters:
                  - name: shop
                    region: us-east-1
                    version: "1.32"
                    nodeGroups: [{name: apps, desiredSize: 1}]
                    kubernetes:
                      workloads: [{namespace: shop, name: web, replicas: 2}]
                """
                    + clusterKeys.indent(4)
                    + faults,
                "velero"),
            0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    kubernetes = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new KubernetesVeleroActivities(kubernetes, Duration.ofMillis(50)));
    backups = env.newActivityStub(BackupActivities.class, ONE_ATTEMPT);
  }

  private List<String> createBackupCalls() {
    return sandbox.callLog().entries().stream()
        .filter(e -> e.operation().equals("CreateBackup") && e.effect() == CallLog.Effect.CREATED)
        .map(CallLog.Entry::resourceId)
        .toList();
  }

  @Test
  void oneBackupIsMadeHoweverOftenItIsAskedForAndTheWaitEndsAtCompleted() {
    start("velero: {namespace: velero}", "");

    BackupStatus first = backups.createBackup(BACKUP);
    BackupStatus again = backups.createBackup(BACKUP);

    assertThat(first.created()).isTrue();
    assertThat(again.created()).as("a second attempt finds the Backup it made").isFalse();
    assertThat(again.name()).isEqualTo(BACKUP.name());
    assertThat(createBackupCalls()).hasSize(1);
    GenericKubernetesResource stored =
        sandbox.kubernetes("us-east-1", "shop").adminClient()
            .genericKubernetesResources(KubernetesVeleroActivities.BACKUPS).inNamespace("velero").withName(BACKUP.name()).get();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) stored.getAdditionalProperties().get("spec");
    assertThat(spec)
        .containsEntry("includedNamespaces", List.of("*"))
        .containsEntry("storageLocation", "default")
        .containsEntry("ttl", "720h0m0s");
    assertThat(stored.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "eks-upgrader");

    BackupStatus done = backups.awaitBackup(BACKUP);

    assertThat(done.phase()).isEqualTo("Completed");
    assertThat(done.itemsBackedUp()).isPositive();
    assertThat(backups.awaitBackup(BACKUP).phase()).as("waiting again sees the same Completed backup").isEqualTo("Completed");
    assertThat(createBackupCalls()).hasSize(1);
  }

  @Test
  void aFailedBackupEndsTheWaitWithVelerosReasonAndWhatToDo() {
    start("velero: {namespace: velero}", "faults: {veleroBackupFails: true}\n");

    backups.createBackup(BACKUP);
    ActivityFailure failure = catchThrowableOfType(() -> backups.awaitBackup(BACKUP), ActivityFailure.class);

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.BACKUP_FAILED);
    assertThat(cause.isNonRetryable()).isTrue();
    assertThat(cause.getOriginalMessage())
        .contains("ended Failed")
        .contains("BackupStorageLocation \"default\" is unavailable")
        .contains("velero backup describe " + BACKUP.name())
        .contains("delete it, then decide retry");
  }

  @Test
  void withoutVeleroTheBackupIsRefusedBeforeAnythingIsCreated() {
    start("", "");

    ActivityFailure failure = catchThrowableOfType(() -> backups.createBackup(BACKUP), ActivityFailure.class);

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.BACKUP_FAILED);
    assertThat(cause.getOriginalMessage()).contains("serves no velero.io/v1 Backups").contains("backup.velero: false");
    assertThat(createBackupCalls()).isEmpty();
  }
}
