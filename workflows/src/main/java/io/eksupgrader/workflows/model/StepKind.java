package io.eksupgrader.workflows.model;

/** What a plan step does. */
public enum StepKind {
  PREFLIGHT,
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
