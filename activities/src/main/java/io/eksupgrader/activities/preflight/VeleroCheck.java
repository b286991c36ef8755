package io.eksupgrader.activities.preflight;

import io.eksupgrader.activities.velero.KubernetesVeleroActivities;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.BackupOptions;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * When the upgrade is to back the cluster up first: that the cluster serves Velero's Backups
 * ({@code velero.io/v1}) in the namespace the upgrade will create one in. Without Velero the
 * backup step could only fail, so pre-flight blocks before anything is changed; with it, the
 * newest earlier backup is told.
 */
final class VeleroCheck {

  private final KubernetesClient client;
  private final BackupOptions backup;

  VeleroCheck(KubernetesClient client, BackupOptions backup) {
    this.client = client;
    this.backup = backup;
  }

  List<PreflightFinding> run() {
    String namespace = backup.namespaceOrDefault();
    List<GenericKubernetesResource> backups;
    try {
      backups =
          client.genericKubernetesResources(KubernetesVeleroActivities.BACKUPS).inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      return List.of(
          new PreflightFinding(
              PreflightActivities.VELERO_BACKUP,
              Severity.BLOCKER,
              "Velero (namespace " + namespace + ")",
              null,
              "the upgrade is to make a Velero backup first, but the cluster serves no velero.io/v1 Backups",
              List.of("GET /apis/velero.io/v1/namespaces/" + namespace + "/backups: 404"),
              "install Velero with a backup storage location (velero install ...), set backup.namespace to where it"
                  + " runs, or turn the backup off (backup.velero: false, or --no-velero-backup)"));
    }
    String newest =
        backups.stream()
            .filter(b -> "Completed".equals(phase(b)))
            .max(Comparator.comparing(b -> String.valueOf(b.getMetadata().getCreationTimestamp())))
            .map(b -> b.getMetadata().getName() + " (" + b.getMetadata().getCreationTimestamp() + ")")
            .orElse("none");
    return List.of(
        new PreflightFinding(
            PreflightActivities.VELERO_BACKUP,
            Severity.INFO,
            "Velero (namespace " + namespace + ")",
            null,
            "Velero serves Backups in " + namespace + ": the upgrade backs the cluster up before its first change",
            List.of(backups.size() + " Backup(s) in " + namespace + "; newest Completed: " + newest),
            null));
  }

  private static String phase(GenericKubernetesResource backup) {
    Object status = backup.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> map && map.get("phase") != null ? map.get("phase").toString() : null;
  }
}
