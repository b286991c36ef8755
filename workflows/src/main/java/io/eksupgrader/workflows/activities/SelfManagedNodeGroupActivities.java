package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.SelfManagedGroupInfo;
import io.eksupgrader.workflows.model.SelfManagedReplacementRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Self-managed node groups: Auto Scaling groups with a launch template, replaced blue/green like
 * managed ones (EC2, SSM, Auto Scaling APIs). Every method observes first and is safe to run twice.
 */
@ActivityInterface
public interface SelfManagedNodeGroupActivities {

  /**
   * ASGs tagged {@code kubernetes.io/cluster/<cluster>} ({@code owned} or {@code shared}) without
   * the {@code eks:nodegroup-name} tag of a managed group, with their nodes' kubelet minor, sorted.
   */
  @ActivityMethod(name = ActivityTypes.LIST_SELF_MANAGED_NODE_GROUPS)
  List<SelfManagedGroupInfo> listSelfManagedNodeGroups(ClusterRef cluster);

  /**
   * Reuses an ASG of the new name; otherwise creates a launch template version (the AL2023 AMI
   * from SSM for the version, ClientToken from the request's token) and the new ASG beside the old.
   * The handle's group is null; expectedNodes is the old desired capacity.
   */
  @ActivityMethod(name = ActivityTypes.CREATE_REPLACEMENT_AUTO_SCALING_GROUP)
  NodeGroupHandle createReplacementAutoScalingGroup(SelfManagedReplacementRequest request);

  /** Polls until the ASG's instances are InService and as many of their nodes are Ready, heartbeating. */
  @ActivityMethod(name = ActivityTypes.AWAIT_AUTO_SCALING_GROUP_READY)
  NodeGroupReady awaitAutoScalingGroupReady(AwaitNodeGroupRequest request);

  /**
   * Deletes an old self-managed group after its teardown gate: removes scale-in protection, then
   * {@code DeleteAutoScalingGroup ForceDelete=true} (its instances are terminated), and waits until
   * it is gone. A group already gone is ALREADY_GONE.
   */
  @ActivityMethod(name = ActivityTypes.DELETE_SELF_MANAGED_NODE_GROUP)
  NodeGroupDeletion deleteSelfManagedNodeGroup(DeleteNodeGroupRequest request);
}
