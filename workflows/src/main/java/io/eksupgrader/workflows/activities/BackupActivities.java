package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * A Velero backup of the cluster before the upgrade changes anything (seeds 000 and 002): a {@code
 * velero.io/v1} Backup, then a wait until Velero says Completed.
 */
@ActivityInterface
public interface BackupActivities {

  /**
   * Creates the Backup unless one of that name exists already (then it is the one to wait for). A
   * cluster without Velero's Backup API fails with the non-retryable {@link
   * FailureTypes#BACKUP_FAILED} saying so.
   */
  @ActivityMethod(name = ActivityTypes.CREATE_VELERO_BACKUP)
  BackupStatus createBackup(BackupRequest request);

  /**
   * Waits (heartbeating) until the Backup is Completed. Failed, PartiallyFailed or FailedValidation
   * fail with the non-retryable {@link FailureTypes#BACKUP_FAILED} and Velero's reasons.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_VELERO_BACKUP)
  BackupStatus awaitBackup(BackupRequest request);

  /**
   * @param namespace Velero's namespace
   * @param name the Backup's name, the same for every attempt of one upgrade
   * @param storageLocation a BackupStorageLocation, or null for Velero's default
   * @param ttl how long Velero keeps it, e.g. 720h0m0s
   */
  record BackupRequest(ClusterRef cluster, String namespace, String name, String storageLocation, String ttl) {}

  /** @param phase Velero's phase: New, InProgress, Completed, … */
  record BackupStatus(String name, String phase, int itemsBackedUp, boolean created) {}
}
