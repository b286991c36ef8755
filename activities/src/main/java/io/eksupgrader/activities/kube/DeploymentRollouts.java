package io.eksupgrader.activities.kube;

import io.eksupgrader.activities.compatibility.ComponentVersions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a component's Deployment (Karpenter's controller, an istiod) runs a version with every
 * replica Ready, the way {@code kubectl rollout status} decides it: the controller saw the newest
 * spec, every replica is updated and Ready, and no old replica is left.
 */
public final class DeploymentRollouts {

  private DeploymentRollouts() {}

  /** The version of the named container's image (the first container when none has that name). */
  public static String version(Deployment deployment, String container) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    Container chosen = containers.stream().filter(c -> c.getName().equals(container)).findFirst().orElse(containers.get(0));
    String version = ImageVersions.of(chosen.getImage());
    return version == null ? "unknown" : version;
  }

  /** What keeps the Deployment from running {@code version} with every replica Ready; empty when nothing. */
  public static List<String> problems(KubernetesClient client, Deployment deployment, String container, String version) {
    List<String> problems = new ArrayList<>();
    String id = deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
    String running = version(deployment, container);
    if (!ComponentVersions.isVersion(running)
        || !ComponentVersions.normalize(running).equals(ComponentVersions.normalize(version))) {
      problems.add("Deployment " + id + " runs " + running + ", not " + version);
      return problems;
    }
    int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    var status = deployment.getStatus();
    long generation = deployment.getMetadata().getGeneration() == null ? 0 : deployment.getMetadata().getGeneration();
    long observed = status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
    int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    int total = status == null || status.getReplicas() == null ? 0 : status.getReplicas();
    if (observed < generation || updated < wanted || ready < wanted || total > wanted) {
      problems.add(
          "Deployment " + id + " rolls out " + version + ": " + updated + " of " + wanted + " updated, " + ready + " Ready"
              + waitingPods(client, deployment));
    }
    return problems;
  }

  public static int readyReplicas(Deployment deployment) {
    return deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null
        ? 0
        : deployment.getStatus().getReadyReplicas();
  }

  private static String waitingPods(KubernetesClient client, Deployment deployment) {
    Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
    if (selector == null || selector.isEmpty()) {
      return "";
    }
    List<String> waiting = new ArrayList<>();
    for (Pod pod : client.pods().inNamespace(deployment.getMetadata().getNamespace()).withLabels(selector).list().getItems()) {
      if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
        waiting.add(pod.getMetadata().getName() + " (" + (pod.getStatus() == null ? "Pending" : pod.getStatus().getPhase()) + ")");
        continue;
      }
      for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
        if (!Boolean.TRUE.equals(c.getReady()) && c.getState() != null && c.getState().getWaiting() != null) {
          waiting.add(pod.getMetadata().getName() + " (" + c.getState().getWaiting().getReason() + ")");
        }
      }
    }
    return waiting.isEmpty() ? "" : "; waiting: " + String.join(", ", waiting);
  }
}
