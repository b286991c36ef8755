package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.AMITypes;
import software.amazon.awssdk.services.eks.model.CapacityTypes;
import software.amazon.awssdk.services.eks.model.CreateNodegroupRequest;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.Issue;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.NodegroupIssueCode;
import software.amazon.awssdk.services.eks.model.NodegroupStatus;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.Taint;
import software.amazon.awssdk.services.eks.model.TaintEffect;

/**
 * EKS managed node groups and the Auto Scaling groups behind them, as the real AWS SDK sees them
 * over HTTP. A recording Kubernetes side shows which nodes the AWS side launched and terminated,
 * and when in simulated time.
 */
class SandboxNodeGroupTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NODE_ROLE = "arn:aws:iam::123456789012:role/eks-node";

  /** 10 simulated minutes to create a group take 1 real second at timeScale 600. */
  private static final String WORLD =
      """
      name: node-groups
      timeScale: 600
      startTime: 2026-11-23T09:00:00Z
      durations: {nodeGroupCreate: 10m, nodeGroupDelete: 5m, nodeJoin: 2m}
      clusters:
        - name: demo
          region: us-east-1
          version: "1.32"
          nodeGroups:
            - {name: blue, desiredSize: 2, labels: {role: web}%s}
      %s
      """;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private SandboxServer sandbox(String blueExtras, String tail) {
    SandboxServer server =
        SandboxServer.start(Scenario.parse(WORLD.formatted(blueExtras, tail), "node-groups.yaml"), 0);
    resources.add(server);
    return server;
  }

  private RecordingNodes attach(SandboxServer server) {
    RecordingNodes nodes = new RecordingNodes(server.clock());
    server.attachNodes("us-east-1", "demo", nodes);
    return nodes;
  }

  private EksClient eks(SandboxServer server) {
    EksClient client = EksClients.attempts(server, "us-east-1", 1);
    resources.add(client);
    return client;
  }

  private AutoScalingClient autoScaling(SandboxServer server) {
    AutoScalingClient client = AwsClients.autoScaling(server, "us-east-1", 1);
    resources.add(client);
    return client;
  }

  private static Nodegroup create(EksClient eks, String name, String token) {
    return create(eks, name, token, r -> {});
  }

  private static Nodegroup create(
      EksClient eks, String name, String token, Consumer<CreateNodegroupRequest.Builder> more) {
    return eks.createNodegroup(
            r -> {
              r.clusterName("demo")
                  .nodegroupName(name)
                  .clientRequestToken(token)
                  .subnets("subnet-a", "subnet-b")
                  .nodeRole(NODE_ROLE)
                  .scalingConfig(s -> s.minSize(1).maxSize(3).desiredSize(2));
              more.accept(r);
            })
        .nodegroup();
  }

  private static Nodegroup describe(EksClient eks, String name) {
    return eks.describeNodegroup(r -> r.clusterName("demo").nodegroupName(name)).nodegroup();
  }

  private static Nodegroup awaitStatus(EksClient eks, String name, NodegroupStatus status)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Nodegroup g = describe(eks, name);
      if (g.status() == status) {
        return g;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("node group " + name + " still " + g.status() + ", not " + status);
      }
      Thread.sleep(20);
    }
  }

  private static void awaitGone(EksClient eks, String name) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        NodegroupStatus status = describe(eks, name).status();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("node group " + name + " still " + status);
        }
      } catch (ResourceNotFoundException gone) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private static AutoScalingGroup asg(AutoScalingClient autoScaling, String name) {
    List<AutoScalingGroup> found =
        autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups();
    assertThat(found).as("ASG " + name).hasSize(1);
    return found.get(0);
  }

  private static String asgName(Nodegroup g) {
    return g.resources().autoScalingGroups().get(0).name();
  }

  private static List<String> instanceIds(AutoScalingGroup asg) {
    return asg.instances().stream().map(Instance::instanceId).toList();
  }

  @Test
  void aNewGroupLaunchesItsInstancesSoThatTheirNodesAreReadyWhenItTurnsActive() throws Exception {
    SandboxServer sandbox = sandbox("", "");
    RecordingNodes nodes = attach(sandbox);
    EksClient eks = eks(sandbox);
    AutoScalingClient autoScaling = autoScaling(sandbox);
    assertThat(nodes.launches("blue"))
        .as("the scenario's group runs from the start, its nodes Ready at once")
        .hasSize(2)
        .allSatisfy(l -> assertThat(l.readyAfter()).isZero());

    Nodegroup creating =
        create(
            eks,
            "green",
            "tok-green",
            r ->
                r.instanceTypes("m6i.large")
                    .scalingConfig(s -> s.minSize(1).maxSize(4).desiredSize(3))
                    .labels(Map.of("role", "web"))
                    .taints(Taint.builder().key("dedicated").value("web").effect(TaintEffect.NO_SCHEDULE).build())
                    .amiType(AMITypes.AL2023_X86_64_STANDARD));
    assertThat(creating.status()).isEqualTo(NodegroupStatus.CREATING);
    Instant createdAt = creating.createdAt();

    Nodegroup active = awaitStatus(eks, "green", NodegroupStatus.ACTIVE);

    assertThat(active.modifiedAt()).isEqualTo(createdAt.plus(Duration.ofMinutes(10)));
    assertThat(active.nodegroupArn())
        .startsWith("arn:aws:eks:us-east-1:123456789012:nodegroup/demo/green/");
    assertThat(active.version()).isEqualTo("1.32");
    assertThat(active.releaseVersion()).isEqualTo("1.32.0-20250101");
    assertThat(active.amiType()).isEqualTo(AMITypes.AL2023_X86_64_STANDARD);
    assertThat(active.capacityType()).isEqualTo(CapacityTypes.ON_DEMAND);
    assertThat(active.instanceTypes()).containsExactly("m6i.large");
    assertThat(active.subnets()).containsExactly("subnet-a", "subnet-b");
    assertThat(active.scalingConfig().desiredSize()).isEqualTo(3);
    assertThat(active.scalingConfig().maxSize()).isEqualTo(4);
    assertThat(active.labels()).containsExactly(Map.entry("role", "web"));
    assertThat(active.taints())
        .extracting(Taint::key, Taint::value, Taint::effect)
        .containsExactly(tuple("dedicated", "web", TaintEffect.NO_SCHEDULE));
    assertThat(active.nodeRole()).isEqualTo(NODE_ROLE);
    assertThat(active.health().issues()).isEmpty();
    assertThat(active.launchTemplate()).isNull();
    assertThat(asgName(active)).startsWith("eks-green-");

    List<RecordingNodes.Call> launches = nodes.launchCalls("green");
    assertThat(launches)
        .hasSize(3)
        .allSatisfy(
            call -> {
              NodeLaunch l = call.launch();
              assertThat(l.nodeName()).matches("ip-10-0-\\d+-\\d+\\.us-east-1\\.compute\\.internal");
              assertThat(l.instanceId()).matches("i-0[0-9a-f]{16}");
              assertThat(l.kubeletVersion()).isEqualTo("1.32");
              assertThat(l.labels())
                  .containsEntry("eks.amazonaws.com/nodegroup", "green")
                  .containsEntry("eks.amazonaws.com/capacityType", "ON_DEMAND")
                  .containsEntry("node.kubernetes.io/instance-type", "m6i.large")
                  .containsEntry("role", "web");
              assertThat(l.taints()).containsExactly(new TaintSpec("dedicated", "web", "NoSchedule"));
              assertThat(call.simulatedAt())
                  .as("launched nodeJoin (2m) before the group turns ACTIVE, not earlier")
                  .isAfterOrEqualTo(createdAt.plus(Duration.ofMinutes(8)));
              // Ready when the group turns ACTIVE, or at once when the launch itself came late;
              // the slack allows for the real time between the world's settling and this call.
              Instant activeAt = createdAt.plus(Duration.ofMinutes(10));
              Instant expectedReady = call.simulatedAt().isAfter(activeAt) ? call.simulatedAt() : activeAt;
              assertThat(call.readyAt())
                  .isAfterOrEqualTo(activeAt)
                  .isBefore(expectedReady.plus(Duration.ofMinutes(3)));
            });
    assertThat(launches).extracting(c -> c.launch().nodeName()).doesNotHaveDuplicates();

    AutoScalingGroup group = asg(autoScaling, asgName(active));
    assertThat(instanceIds(group))
        .containsExactlyInAnyOrderElementsOf(launches.stream().map(c -> c.launch().instanceId()).toList());
    assertThat(group.instances())
        .allSatisfy(
            i -> {
              assertThat(i.lifecycleState()).isEqualTo(LifecycleState.IN_SERVICE);
              assertThat(i.healthStatus()).isEqualTo("Healthy");
              assertThat(i.protectedFromScaleIn()).isFalse();
              assertThat(i.instanceType()).isEqualTo("m6i.large");
            });
    assertThat(group.minSize()).isEqualTo(1);
    assertThat(group.maxSize()).isEqualTo(4);
    assertThat(group.desiredCapacity()).isEqualTo(3);
    assertThat(group.newInstancesProtectedFromScaleIn()).isFalse();
    assertThat(group.tags())
        .extracting(TagDescription::key, TagDescription::value)
        .contains(tuple("eks:nodegroup-name", "green"), tuple("eks:cluster-name", "demo"));
    assertThat(
            autoScaling
                .describeAutoScalingGroups(
                    r -> r.filters(f -> f.name("tag:eks:nodegroup-name").values("blue")))
                .autoScalingGroups())
        .extracting(AutoScalingGroup::autoScalingGroupName)
        .singleElement()
        .asString()
        .startsWith("eks-blue-");
    assertThat(eks.listNodegroups(r -> r.clusterName("demo")).nodegroups()).containsExactly("blue", "green");
    assertThat(sandbox.callLog().entries())
        .as("one mutating call; reads of EKS and Auto Scaling are not logged")
        .extracting(
            CallLog.Entry::service,
            CallLog.Entry::operation,
            CallLog.Entry::cluster,
            CallLog.Entry::clientRequestToken,
            CallLog.Entry::effect,
            CallLog.Entry::resourceId)
        .containsExactly(tuple("eks", "CreateNodegroup", "demo", "tok-green", Effect.CREATED, "green"));
  }

  @Test
  void aRetryWithTheSameTokenGetsTheSameGroupWhileAnotherTokenIsRefusedWith409() throws Exception {
    SandboxServer sandbox = sandbox("", "");
    RecordingNodes nodes = attach(sandbox);
    EksClient eks = eks(sandbox);

    Nodegroup first = create(eks, "green", "tok-1");
    Nodegroup retried = create(eks, "green", "tok-1");
    assertThatThrownBy(() -> create(eks, "green", "tok-2"))
        .isInstanceOf(ResourceInUseException.class)
        .hasMessageContaining("NodeGroup already exists with name green and cluster name demo")
        .satisfies(e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(409));
    assertThatThrownBy(() -> create(eks, "yellow", "tok-1"))
        .as("a token belongs to the group it made")
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("tok-1");
    awaitStatus(eks, "green", NodegroupStatus.ACTIVE);
    Nodegroup retriedLater = create(eks, "green", "tok-1");

    assertThat(retried.nodegroupArn()).isEqualTo(first.nodegroupArn());
    assertThat(asgName(retried)).isEqualTo(asgName(first));
    assertThat(retriedLater.status()).as("a late retry sees the group as it is now").isEqualTo(NodegroupStatus.ACTIVE);
    assertThat(nodes.launches("green")).as("one group's instances, launched once").hasSize(2);
    assertThat(sandbox.callLog().entries("CreateNodegroup"))
        .extracting(CallLog.Entry::status, CallLog.Entry::effect, CallLog.Entry::resourceId, CallLog.Entry::errorCode)
        .containsExactly(
            tuple(200, Effect.CREATED, "green", null),
            tuple(200, Effect.REPLAYED, "green", null),
            tuple(409, Effect.REJECTED, null, "ResourceInUseException"),
            tuple(400, Effect.REJECTED, null, "InvalidRequestException"),
            tuple(200, Effect.REPLAYED, "green", null));
  }

  @Test
  void nodesJoinAndLeaveOnTimeWhenNobodyAsksAws() throws Exception {
    SandboxServer sandbox = sandbox("", "");
    RecordingNodes nodes = attach(sandbox);
    EksClient eks = eks(sandbox);
    List<String> blueNodes = nodes.launches("blue").stream().map(NodeLaunch::nodeName).toList();

    create(eks, "green", "tok-green");
    eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue"));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while ((nodes.launches("green").size() < 2 || nodes.terminated().size() < 2) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertThat(nodes.launches("green")).as("launched by the world's own settling").hasSize(2);
    assertThat(nodes.terminated()).containsExactlyInAnyOrderElementsOf(blueNodes);
    assertThat(nodes.calls())
        .as("the old nodes leave 5 simulated minutes after the deletion, before the new ones launch at 8")
        .extracting(RecordingNodes.Call::kind)
        .containsExactly("launch", "launch", "terminate", "terminate", "launch", "launch");
  }

  @Test
  void deletingAGroupTerminatesItsNodesAndThenTheGroupAndItsAsgAreGone() throws Exception {
    SandboxServer sandbox = sandbox("", "");
    RecordingNodes nodes = attach(sandbox);
    EksClient eks = eks(sandbox);
    AutoScalingClient autoScaling = autoScaling(sandbox);
    String asgName = asgName(describe(eks, "blue"));
    List<String> blueNodes = nodes.launches("blue").stream().map(NodeLaunch::nodeName).toList();

    Nodegroup deleting = eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue")).nodegroup();
    assertThat(deleting.status()).isEqualTo(NodegroupStatus.DELETING);
    assertThatThrownBy(() -> eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue")))
        .as("a deletion in progress")
        .isInstanceOf(ResourceInUseException.class);
    awaitGone(eks, "blue");

    assertThat(nodes.terminated()).containsExactlyInAnyOrderElementsOf(blueNodes);
    assertThat(nodes.terminations())
        .allSatisfy(
            t ->
                assertThat(t.simulatedAt())
                    .as("at the end of nodeGroupDelete")
                    .isAfterOrEqualTo(deleting.modifiedAt().plus(Duration.ofMinutes(5))));
    assertThat(autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(asgName)).autoScalingGroups())
        .isEmpty();
    assertThat(eks.listNodegroups(r -> r.clusterName("demo")).nodegroups()).isEmpty();
    assertThatThrownBy(() -> eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("No node group found for name: blue.")
        .satisfies(e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(404));
    assertThat(sandbox.callLog().entries("DeleteNodegroup"))
        .extracting(CallLog.Entry::status, CallLog.Entry::effect, CallLog.Entry::resourceId)
        .containsExactly(
            tuple(200, Effect.CREATED, "blue"),
            tuple(409, Effect.REJECTED, null),
            tuple(404, Effect.REJECTED, null));
  }

  @Test
  void protectedInstancesFailTheDeletionUntilTheProtectionIsRemovedAndTheGroupDeletedAgain()
      throws Exception {
    SandboxServer sandbox = sandbox(", instancesProtected: true, newInstancesProtected: true", "");
    RecordingNodes nodes = attach(sandbox);
    EksClient eks = eks(sandbox);
    AutoScalingClient autoScaling = autoScaling(sandbox);
    String asgName = asgName(describe(eks, "blue"));
    AutoScalingGroup protectedAsg = asg(autoScaling, asgName);
    List<String> ids = instanceIds(protectedAsg);
    assertThat(protectedAsg.instances()).allSatisfy(i -> assertThat(i.protectedFromScaleIn()).isTrue());
    assertThat(protectedAsg.newInstancesProtectedFromScaleIn()).isTrue();

    eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue"));
    Nodegroup failed = awaitStatus(eks, "blue", NodegroupStatus.DELETE_FAILED);

    Issue issue = failed.health().issues().get(0);
    assertThat(failed.health().issues()).hasSize(1);
    assertThat(issue.code()).isEqualTo(NodegroupIssueCode.AUTO_SCALING_GROUP_INVALID_CONFIGURATION);
    assertThat(issue.message()).contains(asgName).contains("protected from scale-in");
    assertThat(issue.resourceIds()).containsExactly(asgName, ids.get(0), ids.get(1));
    assertThat(nodes.terminated()).as("scale-in cannot take protected instances").isEmpty();
    assertThatThrownBy(() -> autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName(asgName)))
        .isInstanceOf(AutoScalingException.class)
        .satisfies(e -> assertThat(((AutoScalingException) e).awsErrorDetails().errorCode()).isEqualTo("ResourceInUse"));
    assertThatThrownBy(
            () ->
                autoScaling.setInstanceProtection(
                    r -> r.autoScalingGroupName(asgName).instanceIds("i-0000000000000000f").protectedFromScaleIn(false)))
        .isInstanceOf(AutoScalingException.class)
        .hasMessageContaining("is not part of Auto Scaling group " + asgName);

    autoScaling.setInstanceProtection(
        r -> r.autoScalingGroupName(asgName).instanceIds(ids).protectedFromScaleIn(false));
    autoScaling.updateAutoScalingGroup(
        r -> r.autoScalingGroupName(asgName).newInstancesProtectedFromScaleIn(false));
    AutoScalingGroup released = asg(autoScaling, asgName);
    assertThat(released.instances()).allSatisfy(i -> assertThat(i.protectedFromScaleIn()).isFalse());
    assertThat(released.newInstancesProtectedFromScaleIn()).isFalse();
    assertThat(describe(eks, "blue").status())
        .as("removing the protection does not restart the deletion")
        .isEqualTo(NodegroupStatus.DELETE_FAILED);

    Nodegroup again = eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue")).nodegroup();
    assertThat(again.status()).isEqualTo(NodegroupStatus.DELETING);
    assertThat(again.health().issues()).isEmpty();
    awaitGone(eks, "blue");

    assertThat(nodes.terminated())
        .containsExactlyInAnyOrderElementsOf(nodes.launches("blue").stream().map(NodeLaunch::nodeName).toList());
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::service, CallLog.Entry::operation, CallLog.Entry::effect, CallLog.Entry::errorCode)
        .containsExactly(
            tuple("eks", "DeleteNodegroup", Effect.CREATED, null),
            tuple("autoscaling", "DeleteAutoScalingGroup", Effect.REJECTED, "ResourceInUse"),
            tuple("autoscaling", "SetInstanceProtection", Effect.REJECTED, "ValidationError"),
            tuple("autoscaling", "SetInstanceProtection", Effect.CREATED, null),
            tuple("autoscaling", "UpdateAutoScalingGroup", Effect.CREATED, null),
            tuple("eks", "DeleteNodegroup", Effect.CREATED, null));
    assertThat(sandbox.callLog().entries("SetInstanceProtection").get(1))
        .extracting(CallLog.Entry::cluster, CallLog.Entry::resourceId)
        .containsExactly("demo", asgName);
  }

  @Test
  void aStuckAsgFailsTheDeletionUntilItIsDeletedWithForceDelete() throws Exception {
    SandboxServer sandbox = sandbox(", asgStuck: true", "");
    RecordingNodes nodes = attach(sandbox);
    EksClient eks = eks(sandbox);
    AutoScalingClient autoScaling = autoScaling(sandbox);
    String asgName = asgName(describe(eks, "blue"));

    eks.deleteNodegroup(r -> r.clusterName("demo").nodegroupName("blue"));
    Nodegroup failed = awaitStatus(eks, "blue", NodegroupStatus.DELETE_FAILED);

    assertThat(failed.health().issues())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.resourceIds()).containsExactly(asgName);
              assertThat(i.message()).contains(asgName).contains("ForceDelete");
            });
    assertThat(nodes.terminated()).isEmpty();
    assertThatThrownBy(() -> autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName(asgName)))
        .isInstanceOf(AutoScalingException.class)
        .hasMessageContaining("You cannot delete an AutoScalingGroup while there are instances");

    autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName(asgName).forceDelete(true));

    assertThat(nodes.terminated())
        .as("ForceDelete terminates the instances before it answers")
        .containsExactlyInAnyOrderElementsOf(nodes.launches("blue").stream().map(NodeLaunch::nodeName).toList());
    assertThat(autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(asgName)).autoScalingGroups())
        .isEmpty();
    awaitGone(eks, "blue");
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::effect, CallLog.Entry::resourceId)
        .containsExactly(
            tuple("DeleteNodegroup", Effect.CREATED, "blue"),
            tuple("DeleteAutoScalingGroup", Effect.REJECTED, null),
            tuple("DeleteAutoScalingGroup", Effect.CREATED, asgName));
  }

  @Test
  void nodesThatNeverJoinEndTheCreationInCreateFailed() throws Exception {
    SandboxServer sandbox = sandbox("", "faults: {nodesNeverReady: [green]}");
    RecordingNodes nodes = attach(sandbox);
    EksClient eks = eks(sandbox);

    create(eks, "green", "tok-green");
    Nodegroup failed = awaitStatus(eks, "green", NodegroupStatus.CREATE_FAILED);

    List<NodeLaunch> launches = nodes.launches("green");
    assertThat(launches).hasSize(2).allSatisfy(l -> assertThat(l.readyAfter()).as("never Ready").isNull());
    assertThat(failed.health().issues())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.code()).isEqualTo(NodegroupIssueCode.NODE_CREATION_FAILURE);
              assertThat(i.message()).isEqualTo("Instances failed to join the kubernetes cluster");
              assertThat(i.resourceIds())
                  .containsExactlyElementsOf(launches.stream().map(NodeLaunch::instanceId).toList());
            });
    assertThat(nodes.launches("blue"))
        .as("the fault names only green")
        .allSatisfy(l -> assertThat(l.readyAfter()).isZero());
  }

  @Test
  void theBundledDataPlaneScenarioStartsWithSeed001sNodeGroups() {
    SandboxServer sandbox = SandboxServer.start(Scenario.fromResource("scenarios/data-plane.yaml"), 0);
    resources.add(sandbox);
    EksClient eks = EksClients.attempts(sandbox, "us-east-1", 1);
    resources.add(eks);
    AutoScalingClient autoScaling = autoScaling(sandbox);

    Nodegroup apps = eks.describeNodegroup(r -> r.clusterName("shop").nodegroupName("apps")).nodegroup();
    Nodegroup system = eks.describeNodegroup(r -> r.clusterName("shop").nodegroupName("system")).nodegroup();

    assertThat(apps.status()).isEqualTo(NodegroupStatus.ACTIVE);
    assertThat(apps.amiType()).isEqualTo(AMITypes.AL2_X86_64);
    assertThat(apps.version()).isEqualTo("1.32");
    assertThat(asg(autoScaling, asgName(apps)).instances())
        .hasSize(3)
        .allSatisfy(i -> assertThat(i.protectedFromScaleIn()).isTrue());
    assertThat(system.amiType()).isEqualTo(AMITypes.CUSTOM);
    assertThat(system.launchTemplate().name()).isEqualTo("shop-system-nodes");
    assertThat(system.launchTemplate().version()).isEqualTo("4");
    assertThat(system.taints())
        .extracting(Taint::key, Taint::effect)
        .containsExactly(tuple("CriticalAddonsOnly", TaintEffect.NO_SCHEDULE));
    assertThat(sandbox.kubernetes("us-east-1", "shop").nodeNames())
        .as("every instance of the scenario's groups is a node")
        .hasSize(5);
  }

  @Test
  void createNodegroupRefusesWhatEksRefuses() {
    SandboxServer sandbox = sandbox("", "");
    SandboxServer other =
        SandboxServer.start(
            Scenario.parse(
                """
                name: other-clusters
                clusters:
                  - {name: busy, region: us-east-1, version: "1.32", status: UPDATING}
                  - {name: newer, region: us-east-1, version: "1.33"}
                """,
                "other.yaml"),
            0);
    resources.add(other);
    EksClient eks = eks(sandbox);
    EksClient otherEks = eks(other);

    assertThatThrownBy(() -> create(eks, "green", "t1", r -> r.version("1.33")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("newer than the cluster's version 1.32");
    assertThatThrownBy(() -> create(eks, "green", "t2", r -> r.subnets(List.of())))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("subnets are required");
    assertThatThrownBy(() -> create(eks, "green", "t3", r -> r.scalingConfig(s -> s.minSize(3).maxSize(4).desiredSize(2))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("minSize <= desiredSize");
    assertThatThrownBy(() -> create(eks, "blue", "t4"))
        .isInstanceOf(ResourceInUseException.class)
        .hasMessageContaining("NodeGroup already exists with name blue");
    assertThatThrownBy(
            () -> otherEks.createNodegroup(r -> r.clusterName("ghost").nodegroupName("g").subnets("s").nodeRole(NODE_ROLE)))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("No cluster found for name: ghost.");
    assertThatThrownBy(
            () -> otherEks.createNodegroup(r -> r.clusterName("busy").nodegroupName("g").subnets("s").nodeRole(NODE_ROLE)))
        .isInstanceOf(ResourceInUseException.class)
        .hasMessageContaining("UPDATING");
    assertThatThrownBy(
            () ->
                otherEks.createNodegroup(
                    r -> r.clusterName("newer").nodegroupName("g").subnets("s").nodeRole(NODE_ROLE).amiType(AMITypes.AL2_X86_64)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("AL2_x86_64 is only supported for kubernetes versions 1.32 or earlier");
    assertThatThrownBy(() -> describe(eks, "nope"))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("No node group found for name: nope.");

    assertThat(eks.listNodegroups(r -> r.clusterName("demo")).nodegroups()).containsExactly("blue");
    assertThat(sandbox.callLog().entries("CreateNodegroup"))
        .extracting(CallLog.Entry::effect)
        .containsOnly(Effect.REJECTED)
        .hasSize(4);
  }
}
