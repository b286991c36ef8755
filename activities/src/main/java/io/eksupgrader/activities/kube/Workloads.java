package io.eksupgrader.activities.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workloads behind pods, and {@code kubectl rollout restart} of them: a pod belongs to a
 * Deployment through its ReplicaSet, or to a StatefulSet or DaemonSet directly; a pod of anything
 * else has nobody who would recreate it.
 */
public final class Workloads {

  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  private Workloads() {}

  /** The controller owner reference of an object, or null. */
  public static OwnerReference controllerOf(List<OwnerReference> owners) {
    return owners == null
        ? null
        : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst().orElse(null);
  }

  /**
   * The Deployment (through its ReplicaSet), StatefulSet or DaemonSet that recreates the pod, or
   * null. {@code replicaSets} caches ReplicaSets by namespace/name across calls.
   */
  public static HasMetadata workloadOf(KubernetesClient client, Pod pod, Map<String, ReplicaSet> replicaSets) {
    OwnerReference owner = controllerOf(pod.getMetadata().getOwnerReferences());
    String namespace = pod.getMetadata().getNamespace();
    if (owner == null) {
      return null;
    }
    switch (owner.getKind()) {
      case "StatefulSet" -> {
        return client.apps().statefulSets().inNamespace(namespace).withName(owner.getName()).get();
      }
      case "DaemonSet" -> {
        return client.apps().daemonSets().inNamespace(namespace).withName(owner.getName()).get();
      }
      case "ReplicaSet" -> {
        ReplicaSet rs =
            replicaSets.computeIfAbsent(
                namespace + "/" + owner.getName(),
                k -> client.apps().replicaSets().inNamespace(namespace).withName(owner.getName()).get());
        OwnerReference deployment = rs == null ? null : controllerOf(rs.getMetadata().getOwnerReferences());
        if (deployment != null && deployment.getKind().equals("Deployment")) {
          return client.apps().deployments().inNamespace(namespace).withName(deployment.getName()).get();
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /** {@code Kind namespace/name}, the key workloads are reported by. */
  public static String key(HasMetadata workload) {
    return workload.getKind() + " " + workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName();
  }

  public static PodTemplateSpec template(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      return d.getSpec().getTemplate();
    }
    if (workload instanceof StatefulSet s) {
      return s.getSpec().getTemplate();
    }
    if (workload instanceof DaemonSet d) {
      return d.getSpec().getTemplate();
    }
    throw new IllegalArgumentException("not a Deployment, StatefulSet or DaemonSet: " + key(workload));
  }

  /** An annotation of the workload's pod template, or null. */
  public static String templateAnnotation(HasMetadata workload, String key) {
    PodTemplateSpec template = template(workload);
    return template.getMetadata() == null || template.getMetadata().getAnnotations() == null
        ? null
        : template.getMetadata().getAnnotations().get(key);
  }

  /**
   * {@code kubectl rollout restart}: a new {@code restartedAt} on the pod template, with {@code
   * markers} beside it (they say why, so that a retried attempt can see the restart happened),
   * applied only to the version of the workload that was read (the patch carries
   * its resourceVersion, which the API server checks). An attempt that timed out may still run
   * beside its retry; both read the workload unmarked, and only the first restart may land. False
   * when the workload changed since it was read (409 Conflict): read it again before deciding.
   */
  public static boolean restartIfUnchanged(
      KubernetesClient client, HasMetadata workload, Map<String, String> markers, Instant now) {
    String version = workload.getMetadata().getResourceVersion();
    if (version == null) {
      throw new IllegalArgumentException(key(workload) + " was not read from the API server: it has no resourceVersion");
    }
    try {
      patchTemplate(client, workload, markers, now, version);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  private static void patchTemplate(
      KubernetesClient client, HasMetadata workload, Map<String, String> markers, Instant now, String resourceVersion) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(RESTARTED_AT, now.truncatedTo(ChronoUnit.SECONDS).toString());
    annotations.putAll(markers);
    StringBuilder patch = new StringBuilder("{");
    patch.append("\"metadata\":{\"resourceVersion\":\"").append(resourceVersion).append("\"},");
    patch.append("\"spec\":{\"template\":{\"metadata\":{\"annotations\":{");
    boolean first = true;
    for (Map.Entry<String, String> a : annotations.entrySet()) {
      patch.append(first ? "" : ",").append('"').append(a.getKey()).append("\":\"").append(a.getValue()).append('"');
      first = false;
    }
    patch.append("}}}}}");
    String namespace = workload.getMetadata().getNamespace();
    String name = workload.getMetadata().getName();
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    switch (workload.getKind()) {
      case "Deployment" -> client.apps().deployments().inNamespace(namespace).withName(name).patch(merge, patch.toString());
      case "StatefulSet" -> client.apps().statefulSets().inNamespace(namespace).withName(name).patch(merge, patch.toString());
      case "DaemonSet" -> client.apps().daemonSets().inNamespace(namespace).withName(name).patch(merge, patch.toString());
      default -> throw new IllegalArgumentException("cannot restart " + key(workload));
    }
  }

  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The container of that name in a pod, or null. */
  public static Container container(Pod pod, String name) {
    return pod.getSpec() == null
        ? null
        : pod.getSpec().getContainers().stream().filter(c -> name.equals(c.getName())).findFirst().orElse(null);
  }
}
