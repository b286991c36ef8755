package io.eksupgrader.workflows.model;

/**
 * Which phases of an upgrade run. Karpenter and Istio are chosen by their strategy ({@code skip});
 * these are the others.
 *
 * @param addons move the EKS add-ons with each minor
 * @param dataPlane replace node groups, wait for Karpenter's drift and restart Fargate workloads
 *     after the control plane; off for a control-plane-only change whose nodes move later (kubelets
 *     may lag the control plane by three minors)
 */
public record PhaseSelection(boolean addons, boolean dataPlane) {

  public static PhaseSelection all() {
    return new PhaseSelection(true, true);
  }
}
