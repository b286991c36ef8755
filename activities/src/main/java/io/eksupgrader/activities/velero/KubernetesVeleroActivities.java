package io.eksupgrader.activities.velero;

import io.eksupgrader.activities.eks.Heartbeats;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.workflows.activities.BackupActivities;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Velero backup through Velero's own API ({@code velero.io/v1} Backups): the upgrade creates the
 * Backup object and Velero does the work. Observed first: a Backup of that name is the one to wait
 * for, never a second one. The wait ends at Completed; Failed, PartiallyFailed and
 * FailedValidation end it with Velero's reasons, for the operator to decide (a retry waits again
 * for the same Backup, so a failed one must be deleted first).
 */
public class KubernetesVeleroActivities implements BackupActivities {

  private static final Logger log = LoggerFactory.getLogger(KubernetesVeleroActivities.class);

  /** Velero's Backups, which pre-flight also lists to see that Velero is there. */
  public static final ResourceDefinitionContext BACKUPS =
      new ResourceDefinitionContext.Builder()
          .withGroup("velero.io")
          .withVersion("v1")
          .withKind("Backup")
          .withPlural("backups")
          .withNamespaced(true)
          .build();
  private static final List<String> FAILED = List.of("Failed", "PartiallyFailed", "FailedValidation");

  private final KubernetesClientProvider clients;
  private final Duration pollInterval;

  public KubernetesVeleroActivities(KubernetesClientProvider clients, Duration pollInterval) {
    this.clients = clients;
    this.pollInterval = pollInterval;
  }

  @Override
  public BackupStatus createBackup(BackupRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    GenericKubernetesResource existing = get(client, request);
    if (existing != null) {
      return status(existing, false);
    }
    GenericKubernetesResource backup = new GenericKubernetesResource();
    backup.setApiVersion("velero.io/v1");
    backup.setKind("Backup");
    backup.setMetadata(
        new ObjectMetaBuilder()
            .withName(request.name())
            .withNamespace(request.namespace())
            .withLabels(Map.of("app.kubernetes.io/managed-by", "eks-upgrader"))
            .build());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("includedNamespaces", List.of("*"));
    if (request.storageLocation() != null) {
      spec.put("storageLocation", request.storageLocation());
    }
    if (request.ttl() != null) {
      spec.put("ttl", request.ttl());
    }
    backup.setAdditionalProperty("spec", spec);
    try {
      GenericKubernetesResource created =
          client.genericKubernetesResources(BACKUPS).inNamespace(request.namespace()).resource(backup).create();
      log.info("Velero backup {}/{} of {} created", request.namespace(), request.name(), request.cluster());
      return status(created, true);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return status(get(client, request), false);
      }
      if (e.getCode() == 404) {
        throw notInstalled(request);
      }
      throw e;
    }
  }

  @Override
  public BackupStatus awaitBackup(BackupRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    ActivityExecutionContext context = Activity.getExecutionContext();
    while (true) {
      GenericKubernetesResource backup = get(client, request);
      if (backup == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Velero backup " + request.namespace() + "/" + request.name() + " is gone; decide retry to make it again",
            FailureTypes.BACKUP_FAILED);
      }
      BackupStatus status = status(backup, false);
      if ("Completed".equals(status.phase())) {
        log.info("Velero backup {}/{} Completed: {} item(s)", request.namespace(), request.name(), status.itemsBackedUp());
        return status;
      }
      if (FAILED.contains(status.phase())) {
        Map<?, ?> s = section(backup, "status");
        throw ApplicationFailure.newNonRetryableFailure(
            "Velero backup " + request.namespace() + "/" + request.name() + " ended " + status.phase()
                + (s.get("failureReason") == null ? "" : ": " + s.get("failureReason"))
                + (s.get("validationErrors") == null ? "" : ": " + s.get("validationErrors"))
                + ". Look at it (velero backup describe " + request.name() + " --details), delete it, then decide retry;"
                + " or skip to upgrade without a backup",
            FailureTypes.BACKUP_FAILED);
      }
      context.heartbeat(status.phase());
      Heartbeats.sleep(context, pollInterval, status.phase());
    }
  }

  private static GenericKubernetesResource get(KubernetesClient client, BackupRequest request) {
    try {
      return client.genericKubernetesResources(BACKUPS).inNamespace(request.namespace()).withName(request.name()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw notInstalled(request);
      }
      throw e;
    }
  }

  /** fabric8 answers a GET of an unserved resource with null, so the 404 shows only on create. */
  private static ApplicationFailure notInstalled(BackupRequest request) {
    return ApplicationFailure.newNonRetryableFailure(
        "the cluster serves no velero.io/v1 Backups: install Velero (namespace " + request.namespace()
            + "), or turn the backup off (backup.velero: false)",
        FailureTypes.BACKUP_FAILED);
  }

  private static BackupStatus status(GenericKubernetesResource backup, boolean created) {
    Map<?, ?> status = section(backup, "status");
    Object phase = status.get("phase");
    int items = 0;
    if (status.get("progress") instanceof Map<?, ?> progress && progress.get("itemsBackedUp") instanceof Number n) {
      items = n.intValue();
    }
    return new BackupStatus(backup.getMetadata().getName(), phase == null ? "New" : phase.toString(), items, created);
  }

  private static Map<?, ?> section(GenericKubernetesResource resource, String name) {
    Object value = resource.getAdditionalProperties().get(name);
    return value instanceof Map<?, ?> map ? map : Map.of();
  }
}
