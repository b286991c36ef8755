package io.eksupgrader.activities.kube;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;

/**
 * What a drain needs to know about a pod, read the way kubectl reads it. Pre-flight reads pods
 * through the same facts, so it skips and names exactly the pods the drain would.
 */
public final class PodFacts {

  /** The kubelet marks the API copies of static pods with this annotation. */
  static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

  private PodFacts() {}

  public static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  static String uid(Pod pod) {
    return pod.getMetadata().getUid();
  }

  public static boolean isMirror(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(MIRROR_ANNOTATION);
  }

  /** The owner reference marked as controller, if any. */
  public static Optional<OwnerReference> controller(Pod pod) {
    if (pod.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return pod.getMetadata().getOwnerReferences().stream()
        .filter(o -> Boolean.TRUE.equals(o.getController()))
        .findFirst();
  }

  public static boolean isDaemonSetPod(Pod pod) {
    return controller(pod).map(o -> "DaemonSet".equals(o.getKind())).orElse(false);
  }

  /** Succeeded or Failed: kubectl deletes such pods whatever else holds, since nothing runs. */
  public static boolean isFinished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public static boolean hasEmptyDir(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getVolumes() != null
        && pod.getSpec().getVolumes().stream().anyMatch(v -> v.getEmptyDir() != null);
  }

  public static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** The pod's Ready condition is True. */
  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static boolean isSucceeded(Pod pod) {
    return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
  }
}
