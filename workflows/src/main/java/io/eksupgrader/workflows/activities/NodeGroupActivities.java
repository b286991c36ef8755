package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.ForceDeleteAsgRequest;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupInfo;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.ReplacementNodeGroupRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * EKS managed node groups and the Auto Scaling groups behind them (EKS, EC2, SSM, Auto Scaling
 * APIs). Every method observes first and is safe to run twice.
 */
@ActivityInterface
public interface NodeGroupActivities {

  /** Every managed node group of the cluster ({@code ListNodegroups} + {@code DescribeNodegroup}), sorted by name. */
  @ActivityMethod(name = ActivityTypes.LIST_NODE_GROUPS)
  List<NodeGroupInfo> listNodeGroups(ClusterRef cluster);

  /**
   * Reuses the new group when it already exists; otherwise copies the old group's configuration
   * (subnets, instance types, scaling, labels, taints, node role, capacity type, launch template)
   * at the new version on Amazon Linux 2023 and calls {@code CreateNodegroup} with the request's
   * token. A launch template that names an AMI gets a new version with the AL2023 image from the
   * SSM parameter of the EKS-optimized AMI.
   */
  @ActivityMethod(name = ActivityTypes.CREATE_REPLACEMENT_NODE_GROUP)
  NodeGroupHandle createReplacementNodeGroup(ReplacementNodeGroupRequest request);

  /**
   * Polls until the group is ACTIVE and the expected number of its nodes are Ready in Kubernetes,
   * heartbeating. CREATE_FAILED or DEGRADED fail with {@link FailureTypes#NODE_GROUP_FAILED} and
   * EKS's health issues; nodes that stay NotReady past the timeout fail with {@link
   * FailureTypes#NODES_NOT_READY} naming them.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_NODE_GROUP_READY)
  NodeGroupReady awaitNodeGroupReady(AwaitNodeGroupRequest request);

  /**
   * Deletes the group and waits until it is gone, heartbeating. When the deletion fails or
   * stalls because of scale-in protection, removes the protection ({@code SetInstanceProtection},
   * {@code UpdateAutoScalingGroup NewInstancesProtectedFromScaleIn=false}) and deletes again.
   * When only deleting the ASG itself would help, returns {@link NodeGroupDeletion.Outcome#ASG_BLOCKS}
   * instead of deleting it.
   */
  @ActivityMethod(name = ActivityTypes.DELETE_NODE_GROUP)
  NodeGroupDeletion deleteNodeGroup(DeleteNodeGroupRequest request);

  /**
   * {@code DeleteAutoScalingGroup ForceDelete=true} for a group whose deletion the ASG blocks,
   * then waits until the node group is gone. Called only after the ASG's own approval gate.
   */
  @ActivityMethod(name = ActivityTypes.FORCE_DELETE_AUTO_SCALING_GROUP)
  NodeGroupDeletion forceDeleteAutoScalingGroup(ForceDeleteAsgRequest request);
}
