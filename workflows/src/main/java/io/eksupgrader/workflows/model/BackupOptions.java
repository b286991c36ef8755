package io.eksupgrader.workflows.model;

/**
 * A Velero backup before the upgrade changes anything (seeds 000 and 002).
 *
 * @param namespace Velero's namespace; null means {@code velero}
 * @param storageLocation a BackupStorageLocation; null means Velero's default
 * @param ttl how long Velero keeps the backup, e.g. 720h0m0s; null means Velero's default (30 days)
 */
public record BackupOptions(boolean enabled, String namespace, String storageLocation, String ttl) {

  public String namespaceOrDefault() {
    return namespace == null || namespace.isBlank() ? "velero" : namespace;
  }
}
