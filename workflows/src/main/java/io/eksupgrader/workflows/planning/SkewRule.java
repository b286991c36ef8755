package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.KubernetesVersion;

/**
 * Kubernetes' version skew policy for kubelets: a kubelet may be older than the API server by two
 * minors up to 1.27, by three from 1.28 on, and never newer (seed 000; kubernetes.io/releases/version-skew-policy).
 */
public final class SkewRule {

  private static final KubernetesVersion THREE_FROM = new KubernetesVersion(1, 28);

  private SkewRule() {}

  /** How many minors a kubelet may lag behind this control plane. */
  public static int maxLag(KubernetesVersion controlPlane) {
    return controlPlane.compareTo(THREE_FROM) >= 0 ? 3 : 2;
  }

  /** Whether a kubelet of this minor may run against this control plane. */
  public static boolean allows(KubernetesVersion controlPlane, KubernetesVersion kubelet) {
    if (kubelet.major() != controlPlane.major() || kubelet.isAfter(controlPlane)) {
      return false;
    }
    return controlPlane.minor() - kubelet.minor() <= maxLag(controlPlane);
  }
}
