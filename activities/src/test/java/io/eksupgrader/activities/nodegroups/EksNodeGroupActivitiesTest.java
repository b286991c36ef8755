package io.eksupgrader.activities.nodegroups;

import static io.eksupgrader.activities.nodegroups.NodeGroupHarness.SHOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.ForceDeleteAsgRequest;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupDeletion.Outcome;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupHandle.How;
import io.eksupgrader.workflows.model.NodeGroupInfo;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.NodeGroupReady.NodeJoin;
import io.eksupgrader.workflows.model.ReplacementNodeGroupRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.Taint;

/** Blue/green node group replacement against the sandbox, each test a small upgrade story. */
class EksNodeGroupActivitiesTest {

  /** One old AL2 group on a cluster whose control plane is already at 1.33. */
  private static final String ONE_GROUP =
      """
      name: blue-green
      timeScale: 600                   # a simulated minute takes 100 ms
      clusters:
        - name: shop
          region: us-east-1
          version: "1.33"
          nodeGroups:
            - name: apps-1-32
              version: "1.32"
              amiType: AL2_x86_64
              capacityType: ON_DEMAND
              instanceTypes: [m5.large, m5a.large]
              subnets: [subnet-0a1, subnet-0b2]
              minSize: 1
              maxSize: 4
              desiredSize: 2
              labels: {team: shop, tier: web}
              taints: [{key: dedicated, value: shop, effect: NoSchedule}]
              nodeRole: arn:aws:iam::123456789012:role/shop-nodes
      durations: {nodeGroupCreate: 3m, nodeGroupDelete: 2m, nodeJoin: 40s}
      """;

  private NodeGroupHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static final String OLD_ROLE = "        nodeRole: arn:aws:iam::123456789012:role/shop-nodes\n";

  /** The scenario with more settings of the old group, e.g. {@code "instancesProtected: true"}. */
  private static String withOldGroup(String... settings) {
    StringBuilder extra = new StringBuilder(OLD_ROLE);
    for (String setting : settings) {
      extra.append("        ").append(setting).append('\n');
    }
    return ONE_GROUP.replace(OLD_ROLE, extra);
  }

  /** The scenario with a second node group, given as a YAML flow mapping. */
  private static String withGroup(String group) {
    return ONE_GROUP.replace("\ndurations:", "\n      - " + group + "\ndurations:");
  }

  private NodeGroupHandle replace(String token) {
    return h.nodeGroups.createReplacementNodeGroup(
        new ReplacementNodeGroupRequest(SHOP, "apps-1-32", "apps-1-33", "1.33", token));
  }

  private Nodegroup describe(String group) {
    return h.eks().describeNodegroup(r -> r.clusterName("shop").nodegroupName(group)).nodegroup();
  }

  private AutoScalingGroup asgOf(String group) {
    String name = describe(group).resources().autoScalingGroups().get(0).name();
    return h.aws.autoScaling(SHOP.region())
        .describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
        .autoScalingGroups()
        .get(0);
  }

  private static ApplicationFailure failureOf(Runnable activity) {
    ActivityFailure f = catchThrowableOfType(ActivityFailure.class, activity::run);
    assertThat(f).as("the activity should have failed").isNotNull();
    return (ApplicationFailure) f.getCause();
  }

  @Test
  void listingDescribesEveryGroupSortedByName() {
    h = new NodeGroupHarness(
        withGroup(
            "{name: batch, version: \"1.33\", amiType: AL2023_ARM_64_STANDARD, instanceTypes: [m7g.xlarge],"
                + " subnets: [subnet-0a1], minSize: 0, maxSize: 3, desiredSize: 1,"
                + " nodeRole: 'arn:aws:iam::123456789012:role/batch-nodes'}"));

    List<NodeGroupInfo> groups = h.nodeGroups.listNodeGroups(SHOP);

    assertThat(groups).extracting(NodeGroupInfo::name).containsExactly("apps-1-32", "batch");
    NodeGroupInfo apps = groups.get(0);
    assertThat(apps.version()).isEqualTo("1.32");
    assertThat(apps.status()).isEqualTo("ACTIVE");
    assertThat(apps.amiType()).isEqualTo("AL2_x86_64");
    assertThat(apps.capacityType()).isEqualTo("ON_DEMAND");
    assertThat(apps.instanceTypes()).containsExactly("m5.large", "m5a.large");
    assertThat(apps.subnets()).containsExactly("subnet-0a1", "subnet-0b2");
    assertThat(apps.scaling()).isEqualTo(new NodeGroupInfo.Scaling(1, 4, 2));
    assertThat(apps.labels()).isEqualTo(Map.of("team", "shop", "tier", "web"));
    assertThat(apps.taints()).containsExactly(new NodeGroupInfo.Taint("dedicated", "shop", "NO_SCHEDULE"));
    assertThat(apps.nodeRole()).isEqualTo("arn:aws:iam::123456789012:role/shop-nodes");
    assertThat(apps.launchTemplate()).isNull();
    assertThat(apps.autoScalingGroups()).hasSize(1);
    assertThat(groups.get(1).scaling()).isEqualTo(new NodeGroupInfo.Scaling(0, 3, 1));
    assertThat(h.sandbox.callLog().isEmpty()).as("listing changes nothing").isTrue();
  }

  @Test
  void theReplacementCopiesTheOldGroupAtTheNewVersionOnAl2023() {
    h = new NodeGroupHarness(ONE_GROUP);

    NodeGroupHandle handle = replace("shop/apps-1-32/1.33");
    Nodegroup old = describe("apps-1-32");
    Nodegroup green = describe("apps-1-33");

    assertThat(handle.how()).isEqualTo(How.CREATED);
    assertThat(handle.nodeGroup()).isEqualTo("apps-1-33");
    assertThat(handle.expectedNodes()).as("the old group's desired size").isEqualTo(2);
    assertThat(handle.launchTemplateVersion()).isNull();
    assertThat(handle.group().status()).isEqualTo("CREATING");
    assertThat(green.version()).isEqualTo("1.33");
    assertThat(green.amiTypeAsString()).isEqualTo("AL2023_x86_64_STANDARD");
    assertThat(green.subnets()).isEqualTo(old.subnets());
    assertThat(green.instanceTypes()).isEqualTo(old.instanceTypes());
    assertThat(green.scalingConfig()).isEqualTo(old.scalingConfig());
    assertThat(green.labels()).isEqualTo(old.labels());
    assertThat(green.taints()).extracting(Taint::key, Taint::value, Taint::effectAsString)
        .containsExactly(tuple("dedicated", "shop", "NO_SCHEDULE"));
    assertThat(green.nodeRole()).isEqualTo(old.nodeRole());
    assertThat(green.capacityTypeAsString()).isEqualTo("ON_DEMAND");
    assertThat(h.sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::clientRequestToken, CallLog.Entry::version, CallLog.Entry::effect)
        .containsExactly(tuple("CreateNodegroup", "shop/apps-1-32/1.33", "1.33", Effect.CREATED));
  }

  @Test
  void creatingTwiceMakesOneGroupAndTheSecondRunReusesIt() {
    h = new NodeGroupHarness(ONE_GROUP);

    NodeGroupHandle first = replace("tok-1");
    NodeGroupHandle again = replace("tok-1"); // e.g. the first result was lost with its worker

    assertThat(first.how()).isEqualTo(How.CREATED);
    assertThat(again.how()).isEqualTo(How.REUSED);
    assertThat(again.nodeGroup()).isEqualTo(first.nodeGroup());
    assertThat(again.expectedNodes()).isEqualTo(2);
    assertThat(h.sandbox.callLog().count("CreateNodegroup", Effect.CREATED)).isEqualTo(1);
    assertThat(h.awsCalls()).as("the second run only looked").containsExactly("CreateNodegroup");
  }

  @Test
  void aGroupOfTheNewNameAtAnotherVersionIsRefusedAndAMissingOldGroupIsNamed() {
    h = new NodeGroupHarness(
        withGroup(
            "{name: apps-1-33, version: \"1.32\", subnets: [subnet-0a1],"
                + " nodeRole: 'arn:aws:iam::123456789012:role/shop-nodes'}"));

    ApplicationFailure otherVersion = failureOf(() -> replace("tok-1"));
    ApplicationFailure missing =
        failureOf(
            () ->
                h.nodeGroups.createReplacementNodeGroup(
                    new ReplacementNodeGroupRequest(SHOP, "gone", "gone-1-33", "1.33", "tok-2")));

    assertThat(otherVersion.getType()).isEqualTo(FailureTypes.EKS_INVALID_REQUEST);
    assertThat(otherVersion.isNonRetryable()).isTrue();
    assertThat(otherVersion.getOriginalMessage()).contains("apps-1-33 already exists at version 1.32, not 1.33");
    assertThat(missing.getType()).isEqualTo(FailureTypes.NODE_GROUP_NOT_FOUND);
    assertThat(missing.getOriginalMessage()).contains("node group gone does not exist");
    assertThat(h.sandbox.callLog().isEmpty()).isTrue();
  }

  @Test
  void aLaunchTemplateThatNamesAnImageGetsANewVersionWithTheAl2023Image() {
    h = new NodeGroupHarness(
        withOldGroup("launchTemplate: {name: shop-nodes, version: 3, imageId: ami-0aaaabbbbcccc1111}")
            .replace("        amiType: AL2_x86_64\n", "")
            .replace("[m5.large, m5a.large]", "[m6g.large, c7g.large]"));
    String al2023 =
        h.aws.ssm(SHOP.region())
            .getParameter(
                r -> r.name("/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/arm64/standard/recommended/image_id"))
            .parameter()
            .value();

    NodeGroupHandle handle = replace("shop/apps-1-32/1.33");
    NodeGroupHandle again = replace("shop/apps-1-32/1.33");
    Nodegroup green = describe("apps-1-33");
    LaunchTemplateVersion made =
        h.aws.ec2(SHOP.region())
            .describeLaunchTemplateVersions(r -> r.launchTemplateName("shop-nodes").versions("4"))
            .launchTemplateVersions()
            .get(0);

    assertThat(handle.how()).isEqualTo(How.CREATED);
    assertThat(handle.launchTemplateVersion()).isEqualTo("4");
    assertThat(again.how()).isEqualTo(How.REUSED);
    assertThat(again.launchTemplateVersion()).isEqualTo("4");
    assertThat(made.launchTemplateData().imageId()).isEqualTo(al2023).isNotEqualTo("ami-0aaaabbbbcccc1111");
    assertThat(green.launchTemplate().name()).isEqualTo("shop-nodes");
    assertThat(green.launchTemplate().version()).isEqualTo("4");
    assertThat(green.amiTypeAsString()).as("EKS reports a custom AMI as CUSTOM").isEqualTo("CUSTOM");
    assertThat(green.version()).isEqualTo("1.33");
    assertThat(describe("apps-1-32").launchTemplate().version()).as("the old group keeps its version").isEqualTo("3");
    assertThat(h.sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::clientRequestToken, CallLog.Entry::effect)
        .containsExactly(
            tuple("CreateLaunchTemplateVersion", "lt-shop/apps-1-32/1.33", Effect.CREATED),
            tuple("CreateNodegroup", "shop/apps-1-32/1.33", Effect.CREATED));
  }

  @Test
  void aLaunchTemplateWithoutAnImageIsKeptAndEksPicksTheAl2023Image() {
    h = new NodeGroupHarness(
        withOldGroup("launchTemplate: {name: shop-nodes, version: 2}")
            .replace("amiType: AL2_x86_64", "amiType: AL2_ARM_64")
            .replace("[m5.large, m5a.large]", "[m6g.large]"));

    NodeGroupHandle handle = replace("tok-1");
    Nodegroup green = describe("apps-1-33");

    assertThat(handle.launchTemplateVersion()).isNull();
    assertThat(green.launchTemplate().name()).isEqualTo("shop-nodes");
    assertThat(green.launchTemplate().version()).isEqualTo("2");
    assertThat(green.amiTypeAsString()).isEqualTo("AL2023_ARM_64_STANDARD");
    assertThat(green.version()).isEqualTo("1.33");
    assertThat(h.awsCalls()).containsExactly("CreateNodegroup");
  }

  @Test
  void theWaitEndsWhenEveryNewNodeIsReadyAndReportsEachJoinLatency() {
    h = new NodeGroupHarness(ONE_GROUP.replace("timeScale: 600", "timeScale: 120"));

    NodeGroupHandle handle = replace("tok-1");
    NodeGroupReady ready =
        h.nodeGroups.awaitNodeGroupReady(new AwaitNodeGroupRequest(SHOP, handle.nodeGroup(), handle.expectedNodes()));

    assertThat(ready.nodeGroup()).isEqualTo("apps-1-33");
    assertThat(ready.nodes()).extracting(NodeJoin::node).containsExactlyElementsOf(h.nodesOf("apps-1-33")).hasSize(2);
    assertThat(ready.nodes()).allSatisfy(n -> {
      assertThat(n.kubeletVersion()).startsWith("v1.33");
      // nodeJoin is 40 s; the sandbox settles about every 9 simulated seconds at this scale.
      assertThat(n.joinSeconds()).isBetween(30L, 50L);
    });
    assertThat(ready.polls()).as("polled while the group was created").isGreaterThan(1);
    assertThat(h.heartbeats).first().isEqualTo(Map.of("polls", 1, "nodesAwaitedSinceMillis", 0));
    assertThat(describe("apps-1-33").statusAsString()).isEqualTo("ACTIVE");
  }

  @Test
  void aWaitResumedFromAnEarlierAttemptsHeartbeatContinuesItsPollCount() {
    h = new NodeGroupHarness(ONE_GROUP);
    h.env.setHeartbeatDetails(new ReadyWaitProgress(7, 0));

    NodeGroupReady ready = h.nodeGroups.awaitNodeGroupReady(new AwaitNodeGroupRequest(SHOP, "apps-1-32", 2));

    assertThat(ready.polls()).isEqualTo(8);
    assertThat(ready.nodes()).hasSize(2);
    assertThat(h.sandbox.callLog().isEmpty()).isTrue();
  }

  @Test
  void nodesThatNeverTurnReadyFailTheNewGroupWithEksHealthIssues() {
    h = new NodeGroupHarness(ONE_GROUP.replace("\ndurations:", "\nfaults: {nodesNeverReady: [apps-1-33]}\ndurations:"));

    NodeGroupHandle handle = replace("tok-1");
    ApplicationFailure failed =
        failureOf(() -> h.nodeGroups.awaitNodeGroupReady(new AwaitNodeGroupRequest(SHOP, "apps-1-33", 2)));

    assertThat(handle.how()).isEqualTo(How.CREATED);
    assertThat(failed.getType()).isEqualTo(FailureTypes.NODE_GROUP_FAILED);
    assertThat(failed.isNonRetryable()).isTrue();
    assertThat(failed.getOriginalMessage())
        .contains("node group apps-1-33 is CREATE_FAILED")
        .contains("[NodeCreationFailure] Instances failed to join the kubernetes cluster")
        .containsPattern("\\(i-[0-9a-f]+, i-[0-9a-f]+\\)");
  }

  @Test
  void tooFewReadyNodesOnAnActiveGroupFailAfterTheNodeReadyTimeout() {
    h = new NodeGroupHarness(ONE_GROUP);

    ApplicationFailure failed =
        failureOf(() -> h.nodeGroups.awaitNodeGroupReady(new AwaitNodeGroupRequest(SHOP, "apps-1-32", 3)));

    assertThat(failed.getType()).isEqualTo(FailureTypes.NODES_NOT_READY);
    assertThat(failed.getOriginalMessage())
        .contains("apps-1-32 is ACTIVE but only 2 of 3 nodes turned Ready within PT2S");
  }

  @Test
  void deletingRemovesTheGroupAndItsNodesAndASecondRunFindsItGone() {
    h = new NodeGroupHarness(ONE_GROUP);
    String asg = asgOf("apps-1-32").autoScalingGroupName();
    assertThat(h.nodesOf("apps-1-32")).hasSize(2);

    NodeGroupDeletion deleted = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));
    NodeGroupDeletion again = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));

    assertThat(deleted.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deleted.autoScalingGroup()).isEqualTo(asg);
    assertThat(deleted.protectedInstancesReleased()).isEmpty();
    assertThat(deleted.groupProtectionReleased()).isFalse();
    assertThat(deleted.polls()).isGreaterThan(1);
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_GONE);
    assertThat(h.nodeGroups.listNodeGroups(SHOP)).isEmpty();
    assertThat(h.nodesOf("apps-1-32")).isEmpty();
    assertThat(h.awsCalls()).containsExactly("DeleteNodegroup");
  }

  @Test
  void scaleInProtectionIsRemovedAndTheGroupDeletedAgain() {
    h = new NodeGroupHarness(withOldGroup("instancesProtected: true"));
    List<String> instances = asgOf("apps-1-32").instances().stream().map(Instance::instanceId).sorted().toList();

    NodeGroupDeletion deleted = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));

    assertThat(deleted.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deleted.protectedInstancesReleased()).containsExactlyInAnyOrderElementsOf(instances).hasSize(2);
    assertThat(deleted.groupProtectionReleased()).isFalse();
    assertThat(h.awsCalls()).containsExactly("DeleteNodegroup", "SetInstanceProtection", "DeleteNodegroup");
    assertThat(h.nodeGroups.listNodeGroups(SHOP)).isEmpty();
    assertThat(h.nodesOf("apps-1-32")).isEmpty();
  }

  @Test
  void theGroupsOwnScaleInProtectionIsTurnedOffBeforeItsInstances() {
    h = new NodeGroupHarness(
        withOldGroup("instancesProtected: true", "newInstancesProtected: true"));

    NodeGroupDeletion deleted = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));

    assertThat(deleted.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deleted.groupProtectionReleased()).isTrue();
    assertThat(deleted.protectedInstancesReleased()).hasSize(2);
    assertThat(h.awsCalls())
        .containsExactly("DeleteNodegroup", "UpdateAutoScalingGroup", "SetInstanceProtection", "DeleteNodegroup");
  }

  @Test
  void anAsgThatBlocksForAnotherReasonIsReportedAndDeletedOnlyByTheForceStep() {
    h = new NodeGroupHarness(withOldGroup("asgStuck: true"));
    String asg = asgOf("apps-1-32").autoScalingGroupName();

    NodeGroupDeletion blocked = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));
    List<String> callsBeforeForce = h.awsCalls();
    NodeGroupDeletion forced =
        h.nodeGroups.forceDeleteAutoScalingGroup(new ForceDeleteAsgRequest(SHOP, "apps-1-32", asg));

    assertThat(blocked.outcome()).isEqualTo(Outcome.ASG_BLOCKS);
    assertThat(blocked.autoScalingGroup()).isEqualTo(asg);
    assertThat(blocked.reason()).contains("Couldn't delete the Auto Scaling group " + asg);
    assertThat(blocked.protectedInstancesReleased()).isEmpty();
    assertThat(callsBeforeForce)
        .as("deleted again once in case the failure passed, never the ASG")
        .containsExactly("DeleteNodegroup", "DeleteNodegroup");
    assertThat(forced.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(forced.autoScalingGroup()).isEqualTo(asg);
    assertThat(h.awsCalls()).containsExactly("DeleteNodegroup", "DeleteNodegroup", "DeleteAutoScalingGroup");
    assertThat(h.nodeGroups.listNodeGroups(SHOP)).isEmpty();
    assertThat(h.nodesOf("apps-1-32")).isEmpty();
    assertThat(h.aws.autoScaling(SHOP.region()).describeAutoScalingGroups(r -> r.autoScalingGroupNames(asg)).autoScalingGroups())
        .isEmpty();
  }

  @Test
  void theForceStepRefusesAnAsgThatBelongsToAnotherGroup() {
    h = new NodeGroupHarness(
        withGroup("{name: batch, subnets: [subnet-0a1], nodeRole: 'arn:aws:iam::123456789012:role/batch-nodes'}"));
    String batchAsg = asgOf("batch").autoScalingGroupName();

    ApplicationFailure refused =
        failureOf(
            () -> h.nodeGroups.forceDeleteAutoScalingGroup(new ForceDeleteAsgRequest(SHOP, "apps-1-32", batchAsg)));

    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getOriginalMessage())
        .contains("refusing to delete Auto Scaling group " + batchAsg + ": it does not belong to node group apps-1-32");
    assertThat(h.sandbox.callLog().isEmpty()).isTrue();
  }

  @Test
  void aDeletionResumedFromAKilledAttemptsHeartbeatWaitsWithoutDeletingAgain() {
    // Deleting takes 10 simulated minutes (1 s), so the resumed attempt finds the group DELETING.
    h = new NodeGroupHarness(ONE_GROUP.replace("nodeGroupDelete: 2m", "nodeGroupDelete: 10m"));
    // The killed attempt got as far as DeleteNodegroup and three polls.
    h.eks().deleteNodegroup(r -> r.clusterName("shop").nodegroupName("apps-1-32"));
    h.env.setHeartbeatDetails(new DeletionProgress(3, true, List.of(), false, null));

    NodeGroupDeletion deleted = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));

    assertThat(deleted.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deleted.polls()).isGreaterThan(3);
    assertThat(h.awsCalls()).as("only the killed attempt's call").containsExactly("DeleteNodegroup");
  }

  @Test
  void aDeletionResumedOnAFailedGroupReleasesTheProtectionBeforeDeletingAgain() {
    h = new NodeGroupHarness(withOldGroup("instancesProtected: true"));
    // The killed attempt's DeleteNodegroup failed on the protected instances; its next poll died.
    h.eks().deleteNodegroup(r -> r.clusterName("shop").nodegroupName("apps-1-32"));
    awaitStatus("apps-1-32", "DELETE_FAILED");
    h.env.setHeartbeatDetails(new DeletionProgress(2, true, List.of(), false, null, 0));

    NodeGroupDeletion deleted = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));

    assertThat(deleted.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deleted.protectedInstancesReleased()).hasSize(2);
    assertThat(h.awsCalls())
        .as("no DeleteNodegroup that the protection still in place would fail again")
        .containsExactly("DeleteNodegroup", "SetInstanceProtection", "DeleteNodegroup");
  }

  @Test
  void aResumedDeletionCountsTheFailureItsKilledAttemptSawTowardsAsgBlocks() {
    h = new NodeGroupHarness(withOldGroup("asgStuck: true"));
    // The killed attempt saw one failure with nothing to release and deleted again; that failed too.
    h.eks().deleteNodegroup(r -> r.clusterName("shop").nodegroupName("apps-1-32"));
    awaitStatus("apps-1-32", "DELETE_FAILED");
    h.env.setHeartbeatDetails(new DeletionProgress(4, true, List.of(), false, null, 1));

    NodeGroupDeletion blocked = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));

    assertThat(blocked.outcome()).isEqualTo(Outcome.ASG_BLOCKS);
    assertThat(blocked.reason()).contains("Couldn't delete the Auto Scaling group");
    assertThat(h.awsCalls()).as("the second failure ends it, whichever attempt sees it").containsExactly("DeleteNodegroup");
  }

  private void awaitStatus(String nodeGroup, String status) {
    org.awaitility.Awaitility.await(nodeGroup + " " + status)
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> h.eks().describeNodegroup(r -> r.clusterName("shop").nodegroupName(nodeGroup))
            .nodegroup().statusAsString().equals(status));
  }

  @Test
  void aDeletionThatStallsHasItsProtectionRemovedWhileEksStillDeletes() {
    // Deleting takes 50 simulated minutes (5 s); after 500 ms of DELETING the ASG is inspected.
    h = new NodeGroupHarness(
        withOldGroup("instancesProtected: true").replace("nodeGroupDelete: 2m", "nodeGroupDelete: 50m"),
        new NodeGroupActivitySettings(Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofMillis(500)));

    NodeGroupDeletion deleted = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-32"));

    assertThat(deleted.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deleted.protectedInstancesReleased()).hasSize(2);
    assertThat(h.awsCalls())
        .as("released during DELETING, so EKS never failed and needed no second delete")
        .containsExactly("DeleteNodegroup", "SetInstanceProtection");
  }

  @Test
  void a409FromAGroupStillBeingCreatedIsWaitedOutThenTheDeletionGoesAhead() {
    // Creating takes 20 simulated minutes (2 s), so the first DeleteNodegroup surely meets CREATING.
    h = new NodeGroupHarness(ONE_GROUP.replace("nodeGroupCreate: 3m", "nodeGroupCreate: 20m"));
    replace("tok-1");

    NodeGroupDeletion deleted = h.nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(SHOP, "apps-1-33"));

    List<CallLog.Entry> deletes = h.sandbox.callLog().entries("DeleteNodegroup");
    assertThat(deleted.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deletes).hasSizeGreaterThan(1);
    assertThat(deletes.subList(0, deletes.size() - 1))
        .allSatisfy(e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.effect()).isEqualTo(Effect.REJECTED);
        });
    assertThat(deletes.get(deletes.size() - 1).effect()).isNotEqualTo(Effect.REJECTED);
    assertThat(h.nodeGroups.listNodeGroups(SHOP)).extracting(NodeGroupInfo::name).containsExactly("apps-1-32");
  }
}
