package io.eksupgrader.activities.kube;

import io.eksupgrader.workflows.model.DrainOptions;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What to do with each pod of a node, decided before anything is touched, with the filters of
 * {@code kubectl drain} in its order:
 *
 * <ol>
 *   <li>Mirror pods (the API copies of static pods) are skipped: deleting them does nothing.
 *   <li>Pods an operator decided to force (by UID) are deleted, whatever else holds.
 *   <li>A finished pod (Succeeded or Failed) is evicted: nothing runs in it.
 *   <li>DaemonSet pods are skipped with ignore-daemonsets, and refuse the drain without it.
 *   <li>Pods with emptyDir volumes refuse the drain unless delete-emptydir-data; pods without a
 *       controller refuse it unless force. Unlike kubectl, which stops at the first reason, both
 *       reasons are named at once, so one decision answers them.
 *   <li>Every other pod is evicted.
 * </ol>
 *
 * Like kubectl, a node with any refused pod is not drained at all.
 *
 * @param refused pods the options do not allow, with the reason
 */
record DrainPlan(
    List<Pod> evict,
    List<Pod> forceDelete,
    List<Pod> skippedDaemonSet,
    List<Pod> skippedMirror,
    List<Refusal> refused) {

  /** A pod the options keep from being evicted, and why, in words an operator acts on. */
  record Refusal(Pod pod, String reason) {}

  static final String DAEMON_SET = "DaemonSet-managed; set ignore-daemonsets";
  static final String EMPTY_DIR = "has emptyDir data; set delete-emptydir-data";
  static final String NO_CONTROLLER = "no controller; set force";

  static DrainPlan of(Collection<Pod> pods, DrainOptions options, Set<String> forceDeleteUids) {
    List<Pod> evict = new ArrayList<>();
    List<Pod> forceDelete = new ArrayList<>();
    List<Pod> daemonSet = new ArrayList<>();
    List<Pod> mirror = new ArrayList<>();
    List<Refusal> refused = new ArrayList<>();
    List<Pod> sorted = pods.stream().sorted(Comparator.comparing(PodFacts::key)).toList();
    for (Pod pod : sorted) {
      if (PodFacts.isMirror(pod)) {
        mirror.add(pod);
      } else if (forceDeleteUids.contains(PodFacts.uid(pod))) {
        forceDelete.add(pod);
      } else if (PodFacts.isFinished(pod)) {
        evict.add(pod);
      } else if (PodFacts.isDaemonSetPod(pod)) {
        if (options.ignoreDaemonSets()) {
          daemonSet.add(pod);
        } else {
          refused.add(new Refusal(pod, DAEMON_SET));
        }
      } else {
        List<String> reasons = new ArrayList<>();
        if (PodFacts.hasEmptyDir(pod) && !options.deleteEmptyDirData()) {
          reasons.add(EMPTY_DIR);
        }
        if (PodFacts.controller(pod).isEmpty() && !options.force()) {
          reasons.add(NO_CONTROLLER);
        }
        if (reasons.isEmpty()) {
          evict.add(pod);
        } else {
          refused.add(new Refusal(pod, String.join("; ", reasons)));
        }
      }
    }
    return new DrainPlan(
        List.copyOf(evict),
        List.copyOf(forceDelete),
        List.copyOf(daemonSet),
        List.copyOf(mirror),
        List.copyOf(refused));
  }
}
