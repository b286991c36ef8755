package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.KubernetesVersion;

/**
 * How far a kubelet may lag the API server (Kubernetes' version skew policy,
 * kubernetes.io/releases/version-skew-policy; seed 000): two minors while the control plane is at
 * 1.27 or older, three from 1.28, never ahead and never across a major version. Pure: the planner
 * uses it to put node upgrades between control-plane minors, and pre-flight to name the nodes no
 * upgrade step replaces.
 */
public final class SkewRule {

  /** The first control-plane minor that allows three minors of lag. */
  private static final KubernetesVersion THREE_MINORS_FROM = new KubernetesVersion(1, 28);

  private SkewRule() {}

  /** How many minors a kubelet may be behind this control plane. */
  public static int maxLag(KubernetesVersion controlPlane) {
    return controlPlane.compareTo(THREE_MINORS_FROM) >= 0 ? 3 : 2;
  }

  /** Whether a kubelet of this minor is supported against this control plane. */
  public static boolean allows(KubernetesVersion controlPlane, KubernetesVersion kubelet) {
    if (kubelet.major() != controlPlane.major() || kubelet.isAfter(controlPlane)) {
      return false;
    }
    return controlPlane.minor() - kubelet.minor() <= maxLag(controlPlane);
  }
}
