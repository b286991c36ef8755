package io.eksupgrader.workflows.model;

/**
 * How nodes are drained, with the meaning of {@code kubectl drain}'s flags of the same names.
 *
 * @param ignoreDaemonSets {@code --ignore-daemonsets}: leave DaemonSet pods (they would come back
 *     at once); when false a node with DaemonSet pods is not drained and the pods are named
 * @param deleteEmptyDirData {@code --delete-emptydir-data}: evict pods with emptyDir volumes,
 *     whose data is lost; when false such pods block the drain and are named
 * @param force {@code --force}: evict pods that no controller owns, which nothing recreates; when
 *     false such pods block the drain and are named. It never bypasses a PodDisruptionBudget
 * @param gracePeriodSeconds {@code --grace-period}: -1 uses each pod's own
 * @param timeoutSeconds {@code --timeout} per node: how long evictions refused by a
 *     PodDisruptionBudget (429) are retried before the drain fails naming the pod and the budget
 * @param concurrency how many nodes of a node group drain at once
 */
public record DrainOptions(
    boolean ignoreDaemonSets,
    boolean deleteEmptyDirData,
    boolean force,
    int gracePeriodSeconds,
    int timeoutSeconds,
    int concurrency) {

  public static final int DEFAULT_TIMEOUT_SECONDS = 900;

  /** kubectl's defaults, except that DaemonSet pods are ignored, as every upgrade guide does. */
  public static DrainOptions defaults() {
    return new DrainOptions(true, false, false, -1, DEFAULT_TIMEOUT_SECONDS, 1);
  }

  public int timeoutSecondsOrDefault() {
    return timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
  }

  public int concurrencyOrDefault() {
    return concurrency > 0 ? concurrency : 1;
  }
}
