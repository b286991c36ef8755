package io.eksupgrader.activities.selfmanaged;

import static io.eksupgrader.activities.selfmanaged.SelfManagedHarness.SHOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupDeletion.Outcome;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupHandle.How;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.NodeGroupReady.NodeJoin;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.eksupgrader.workflows.model.SelfManagedGroupInfo;
import io.eksupgrader.workflows.model.SelfManagedReplacementRequest;
import io.fabric8.kubernetes.api.model.Pod;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;

/**
 * Blue/green replacement of a self-managed node group against the sandbox: the old ASG runs
 * Kubernetes 1.32 nodes from a custom image behind scale-in protection, the control plane is at
 * 1.33, and each test is a step of seed 001's procedure done for an ASG.
 */
class AutoScalingSelfManagedNodeGroupActivitiesTest {

  private static final String TEMPLATE = "lt-0123456789abcdef0";
  private static final String OLD_IMAGE = "ami-0aaaabbbbcccc1111";

  /** timeScale 120: the sandbox settles about every 9 simulated seconds; a node boots and joins in 40 s each. */
  private static final String SHOP_WORLD =
      """
      name: self-managed
      timeScale: 120
      clusters:
        - name: shop
          region: us-east-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", amiType: AL2023_x86_64_STANDARD, desiredSize: 1}
          selfManagedGroups:
            - name: workers-1-32
              version: "1.32"
              minSize: 1
              maxSize: 4
              desiredSize: 2
              subnets: [subnet-0a1, subnet-0b2]
              launchTemplate: {id: lt-0123456789abcdef0, name: workers, version: 3, imageId: ami-0aaaabbbbcccc1111}
              labels: {role: worker}
              instancesProtected: true
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: worker}}
      durations: {nodeJoin: 40s, podStart: 10s}
      """;

  /** kubectl drain --ignore-daemonsets --timeout=30s. */
  private static final DrainOptions IGNORE_DAEMON_SETS = new DrainOptions(true, false, false, -1, 30, 1);

  private SelfManagedHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private NodeGroupHandle replace(String token) {
    return h.groups.createReplacementAutoScalingGroup(
        new SelfManagedReplacementRequest(SHOP, "workers-1-32", "workers-1-33", "1.33", token));
  }

  private LaunchTemplateVersion templateVersion(String version) {
    return h.aws.ec2(SHOP.region())
        .describeLaunchTemplateVersions(r -> r.launchTemplateId(TEMPLATE).versions(version))
        .launchTemplateVersions()
        .get(0);
  }

  private String al2023Image(String version) {
    return h.aws.ssm(SHOP.region())
        .getParameter(
            r -> r.name("/aws/service/eks/optimized-ami/" + version + "/amazon-linux-2023/x86_64/standard/recommended/image_id"))
        .parameter()
        .value();
  }

  private static ApplicationFailure failureOf(Runnable activity) {
    ActivityFailure f = catchThrowableOfType(ActivityFailure.class, activity::run);
    assertThat(f).as("the activity should have failed").isNotNull();
    return (ApplicationFailure) f.getCause();
  }

  private static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private List<Pod> webPods() {
    return h.kube().pods().inNamespace("shop").withLabel("app", "web").list().getItems();
  }

  @Test
  void listingFindsOnlyTheClustersSelfManagedGroupsWithTheirNodesVersion() {
    h = new SelfManagedHarness(SHOP_WORLD);
    // Another cluster's self-managed group, in the same region: not ours to replace.
    h.autoScaling()
        .createAutoScalingGroup(
            r ->
                r.autoScalingGroupName("elsewhere")
                    .launchTemplate(t -> t.launchTemplateId(TEMPLATE).version("3"))
                    .vpcZoneIdentifier("subnet-0a1")
                    .minSize(0)
                    .maxSize(1)
                    .desiredCapacity(0)
                    .tags(t -> t.key("kubernetes.io/cluster/other").value("owned")));

    List<SelfManagedGroupInfo> groups = h.groups.listSelfManagedNodeGroups(SHOP);

    assertThat(groups)
        .as("the managed group's ASG and the other cluster's are left out")
        .containsExactly(
            new SelfManagedGroupInfo(
                "workers-1-32",
                "1.32",
                TEMPLATE,
                "3",
                OLD_IMAGE,
                1,
                4,
                2,
                List.of("subnet-0a1", "subnet-0b2"),
                h.instancesOf("workers-1-32")));
    assertThat(h.nodesOn(groups.get(0).instanceIds())).hasSize(2);
    assertThat(h.awsCalls()).as("listing changes nothing").containsExactly("CreateAutoScalingGroup CREATED");
  }

  @Test
  void theReplacementIsOneTemplateVersionWithTheAl2023ImageAndOneAsgBesideTheOldAndASecondRunReusesIt() {
    h = new SelfManagedHarness(SHOP_WORLD);
    AutoScalingGroup old = h.asg("workers-1-32");

    NodeGroupHandle first = replace("shop/workers-1-32/1.33");
    NodeGroupHandle again = replace("shop/workers-1-32/1.33"); // e.g. the first result was lost with its worker

    assertThat(first).isEqualTo(new NodeGroupHandle("workers-1-33", How.CREATED, null, 2, "4"));
    assertThat(again).isEqualTo(new NodeGroupHandle("workers-1-33", How.REUSED, null, 2, "4"));
    LaunchTemplateVersion v4 = templateVersion("4");
    assertThat(v4.launchTemplateData().imageId()).isEqualTo(al2023Image("1.33")).isNotEqualTo(OLD_IMAGE);
    assertThat(v4.launchTemplateData().userData())
        .as("the rest comes from version 3")
        .isEqualTo(templateVersion("3").launchTemplateData().userData());
    assertThat(v4.versionDescription()).contains("workers-1-33", "1.33");
    AutoScalingGroup green = h.asg("workers-1-33");
    assertThat(green.launchTemplate().launchTemplateId()).isEqualTo(TEMPLATE);
    assertThat(green.launchTemplate().version()).isEqualTo("4");
    assertThat(green.vpcZoneIdentifier()).isEqualTo(old.vpcZoneIdentifier());
    assertThat(List.of(green.minSize(), green.desiredCapacity(), green.maxSize())).containsExactly(1, 2, 4);
    assertThat(green.newInstancesProtectedFromScaleIn()).isTrue();
    assertThat(green.tags())
        .extracting(TagDescription::key, TagDescription::value)
        .as("the old tags but AWS's own")
        .containsExactlyInAnyOrderElementsOf(
            old.tags().stream()
                .filter(t -> !t.key().startsWith("aws:"))
                .map(t -> tuple(t.key(), t.value()))
                .toList())
        .contains(tuple("kubernetes.io/cluster/shop", "owned"));
    assertThat(old.tags()).extracting(TagDescription::key).contains("aws:cloudformation:stack-name");
    assertThat(h.asg("workers-1-32").launchTemplate().version()).as("the old group is left alone").isEqualTo("3");
    assertThat(h.sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::clientRequestToken, CallLog.Entry::effect)
        .containsExactly(
            tuple("CreateLaunchTemplateVersion", "lt-shop/workers-1-32/1.33", Effect.CREATED),
            tuple("CreateAutoScalingGroup", null, Effect.CREATED));
  }

  @Test
  void theNewNodesJoinThenTheOldOnesAreFoundByTheirInstancesCordonedDrainedAndChecked() {
    h = new SelfManagedHarness(SHOP_WORLD);
    await(() -> webPods().size() == 2 && webPods().stream().allMatch(p -> p.getSpec().getNodeName() != null), "web placed");
    SelfManagedGroupInfo blue = h.groups.listSelfManagedNodeGroups(SHOP).get(0);
    List<String> oldNodes = h.nodesOn(blue.instanceIds());
    String managedNode = h.nodesOfManagedGroup("apps").get(0);

    NodeGroupHandle handle = replace("tok-1");
    NodeGroupReady ready =
        h.groups.awaitAutoScalingGroupReady(new AwaitNodeGroupRequest(SHOP, handle.nodeGroup(), handle.expectedNodes()));

    List<String> newNodes = h.nodesOn(h.instancesOf("workers-1-33"));
    assertThat(ready.nodeGroup()).isEqualTo("workers-1-33");
    assertThat(ready.nodes()).extracting(NodeJoin::node).containsExactlyElementsOf(newNodes).hasSize(2);
    assertThat(ready.nodes())
        .allSatisfy(
            n -> {
              assertThat(n.kubeletVersion()).startsWith("v1.33");
              // nodeJoin is 40 s from the boot; the sandbox settles about every 9 simulated seconds.
              assertThat(n.joinSeconds()).isBetween(25L, 50L);
            });
    assertThat(ready.polls()).as("polled while the instances booted").isGreaterThan(1);

    NodeSetRequest oldGroup = new NodeSetRequest(SHOP, blue.name(), blue.instanceIds());
    NodeSetResult cordoned = h.drain.cordonNodes(oldGroup);
    List<DrainNodeResult> drains =
        oldNodes.stream()
            .map(node -> h.drain.drainNode(new DrainNodeRequest(SHOP, node, IGNORE_DAEMON_SETS, List.of())))
            .toList();
    DrainedCheck check = h.drain.checkNodesDrained(oldGroup);

    assertThat(cordoned).isEqualTo(new NodeSetResult("workers-1-32", oldNodes, oldNodes));
    assertThat(drains.stream().mapToInt(DrainNodeResult::evicted).sum()).as("both web pods evicted once").isEqualTo(2);
    assertThat(check.drained()).isTrue();
    assertThat(check.nodes()).isEqualTo(oldNodes);
    assertThat(h.kubernetesCalls("PatchNode"))
        .extracting(CallLog.Entry::resourceId)
        .as("only the old group's nodes were cordoned; the managed one never")
        .containsExactlyElementsOf(oldNodes)
        .doesNotContain(managedNode);
    long lastCordon = h.kubernetesCalls("PatchNode").get(1).sequence();
    assertThat(h.kubernetesCalls("CreateEviction")).hasSize(2).allMatch(e -> e.sequence() > lastCordon);
    await(
        () -> webPods().size() == 2 && webPods().stream().allMatch(p -> newNodes.contains(p.getSpec().getNodeName())),
        "web on the new nodes");
  }

  @Test
  void deletingTheOldGroupRemovesItsProtectionThenForceDeletesItAndItsNodesLeave() {
    h = new SelfManagedHarness(SHOP_WORLD);
    List<String> instances = h.instancesOf("workers-1-32");
    List<String> oldNodes = h.nodesOn(instances);
    assertThat(oldNodes).hasSize(2);

    NodeGroupDeletion deletion = h.groups.deleteSelfManagedNodeGroup(new DeleteNodeGroupRequest(SHOP, "workers-1-32"));
    NodeGroupDeletion again = h.groups.deleteSelfManagedNodeGroup(new DeleteNodeGroupRequest(SHOP, "workers-1-32"));

    assertThat(deletion.outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deletion.protectedInstancesReleased()).containsExactlyElementsOf(instances);
    assertThat(deletion.groupProtectionReleased()).isTrue();
    assertThat(deletion.autoScalingGroup()).isEqualTo("workers-1-32");
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_GONE);
    assertThat(h.asg("workers-1-32")).isNull();
    assertThat(h.awsCalls())
        .as("protection off first, then the ASG with its instances")
        .containsExactly(
            "UpdateAutoScalingGroup CREATED", "SetInstanceProtection CREATED", "DeleteAutoScalingGroup CREATED");
    assertThat(h.sandbox.callLog().entries("DeleteAutoScalingGroup")).singleElement();
    await(() -> h.nodesOn(instances).isEmpty(), "the old nodes to leave");
    assertThat(h.nodesOfManagedGroup("apps")).hasSize(1);
  }

  @Test
  void aManagedGroupsAsgIsNeverDeletedAsASelfManagedGroup() {
    h = new SelfManagedHarness(SHOP_WORLD);
    String managedAsg =
        h.eks.forRegion(SHOP.region())
            .describeNodegroup(r -> r.clusterName("shop").nodegroupName("apps"))
            .nodegroup()
            .resources()
            .autoScalingGroups()
            .get(0)
            .name();

    ApplicationFailure refused =
        failureOf(() -> h.groups.deleteSelfManagedNodeGroup(new DeleteNodeGroupRequest(SHOP, managedAsg)));

    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getOriginalMessage())
        .contains(managedAsg + " is not a self-managed node group of this cluster", "eks:nodegroup-name=apps");
    assertThat(h.asg(managedAsg)).isNotNull();
    assertThat(h.awsCalls()).isEmpty();
  }

  @Test
  void newNodesThatNeverTurnReadyFailTheWaitNamingThem() {
    h =
        new SelfManagedHarness(
            SHOP_WORLD + "faults: {nodesNeverReady: [workers-1-33]}\n",
            new SelfManagedNodeGroupSettings(Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    NodeGroupHandle handle = replace("tok-1");

    ApplicationFailure failure =
        failureOf(
            () ->
                h.groups.awaitAutoScalingGroupReady(
                    new AwaitNodeGroupRequest(SHOP, handle.nodeGroup(), handle.expectedNodes())));

    assertThat(failure.getType()).isEqualTo(FailureTypes.NODES_NOT_READY);
    assertThat(failure.getOriginalMessage())
        .contains("has only 0 of 2 nodes Ready")
        .contains(h.nodesOn(h.instancesOf("workers-1-33")).toArray(String[]::new));
  }

  @Test
  void aMissingOldGroupIsNamed() {
    h = new SelfManagedHarness(SHOP_WORLD);

    ApplicationFailure missing =
        failureOf(
            () ->
                h.groups.createReplacementAutoScalingGroup(
                    new SelfManagedReplacementRequest(SHOP, "gone", "gone-1-33", "1.33", "tok-2")));

    assertThat(missing.getType()).isEqualTo(FailureTypes.NODE_GROUP_NOT_FOUND);
    assertThat(missing.getOriginalMessage()).contains("gone does not exist");
    assertThat(h.awsCalls()).isEmpty();
  }
}
