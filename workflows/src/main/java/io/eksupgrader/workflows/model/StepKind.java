package io.eksupgrader.workflows.model;

/** What a plan step does. */
public enum StepKind {
  PREFLIGHT,
  /** The operator reads pre-flight's warnings and approves going on (gate {@code preflight}). */
  PREFLIGHT_REVIEW,
  /** A Velero backup of the cluster before the first change. */
  BACKUP,
  /** Rewrite Karpenter's objects at the storage version and drop older stored versions. */
  KARPENTER_STORAGE,
  /** Upgrade Karpenter's CRDs (chart karpenter-crd) ahead of its controller. */
  KARPENTER_CRDS,
  /** Upgrade the Karpenter controller (chart karpenter) and wait until it runs the new version. */
  KARPENTER_CONTROLLER,
  /** Move EC2NodeClasses to what the target needs (AL2023). */
  KARPENTER_NODE_CLASSES,
  /** Verify the Karpenter change an operator made through GitOps. */
  KARPENTER_EXTERNAL,
  /** Install an Istio revision beside the old one (and upgrade Istio's base CRDs first). */
  ISTIO_INSTALL,
  /** Move namespaces and their workloads to the new Istio revision. */
  ISTIO_WORKLOADS,
  /** Upgrade Istio gateways in place to the new revision. */
  ISTIO_GATEWAYS,
  /** Check the new Istio revision before the old one is removed. */
  ISTIO_VALIDATE,
  /** Remove the old Istio revision once nothing uses it. */
  ISTIO_REMOVE,
  CONTROL_PLANE,
  /** One EKS add-on moved to its version for one Kubernetes minor. */
  ADDON,
  /** Blue/green replacement of one managed node group: create the new one, cordon and drain the old. */
  NODE_GROUP,
  /** Blue/green replacement of one self-managed node group (an Auto Scaling group). */
  SELF_MANAGED_GROUP,
  /** Deletion of an old node group once its nodes are drained and the service was checked. */
  TEARDOWN,
  /** Force-deletion of an old node group's Auto Scaling group; planned only when it blocks teardown. */
  ASG_DELETE,
  /** Watching Karpenter replace its drifted nodes after the control plane moved. */
  KARPENTER_DRIFT,
  /** Restarting one Fargate profile's workloads so that their pods come back at the new version. */
  FARGATE_PROFILE,
  VERIFY
}
