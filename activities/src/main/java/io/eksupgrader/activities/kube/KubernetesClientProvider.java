package io.eksupgrader.activities.kube;

import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A Kubernetes client for a target cluster. Implementations find the API server and CA with
 * {@code DescribeCluster} and authenticate with an EKS bearer token, as {@code aws eks get-token}
 * does. Clients are shared and long-lived: callers must not close them.
 */
public interface KubernetesClientProvider {

  /**
   * A client whose own retry of 429 answers is off, so that a PodDisruptionBudget's refusal of an
   * eviction reaches the caller instead of being retried silently.
   */
  KubernetesClient forCluster(ClusterRef cluster);
}
