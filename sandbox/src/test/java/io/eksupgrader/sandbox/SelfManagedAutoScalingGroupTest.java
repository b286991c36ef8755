package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.Scenario.LaunchTemplateSpec;
import io.eksupgrader.sandbox.Scenario.SelfManagedGroupSpec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AlreadyExistsException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.CreateAutoScalingGroupRequest;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.autoscaling.model.ResourceInUseException;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Self-managed node groups in the sandbox: Auto Scaling groups with a launch template, tagged for
 * the cluster, whose instances join it as nodes that name their instance in {@code
 * spec.providerID}. Everything goes over HTTP through the real AWS SDK and fabric8.
 */
class SelfManagedAutoScalingGroupTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TEMPLATE = "lt-0123456789abcdef0";
  private static final String OLD_IMAGE = "ami-0aaaabbbbcccc1111";

  /**
   * A node boots in 10 simulated minutes (1 real second, so that a busy machine still sees it boot)
   * and turns Ready 10 minutes later; 1 real second is 10 minutes.
   */
  private static final String WORLD =
      """
      name: self-managed
      timeScale: 600
      startTime: 2026-11-23T09:00:00Z
      durations: {nodeJoin: 10m}
      clusters:
        - name: demo
          region: us-east-1
          version: "1.33"
          nodeGroups:
            - {name: managed, version: "1.33", amiType: AL2023_x86_64_STANDARD, desiredSize: 1}
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
      """;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private SandboxServer sandbox() {
    return sandbox(WORLD);
  }

  private SandboxServer sandbox(String world) {
    SandboxServer server = SandboxServer.start(Scenario.parse(world, "self-managed.yaml"), 0);
    resources.add(server);
    return server;
  }

  private AutoScalingClient autoScaling(SandboxServer server) {
    AutoScalingClient client = AwsClients.autoScaling(server, "us-east-1", 1);
    resources.add(client);
    return client;
  }

  private Ec2Client ec2(SandboxServer server) {
    Ec2Client client = AwsClients.ec2(server, "us-east-1", 1);
    resources.add(client);
    return client;
  }

  private static KubernetesClient kube(SandboxServer server) {
    return server.kubernetes("us-east-1", "demo").adminClient();
  }

  private static AutoScalingGroup asg(AutoScalingClient autoScaling, String name) {
    List<AutoScalingGroup> found =
        autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups();
    assertThat(found).as("ASG " + name).hasSize(1);
    return found.get(0);
  }

  private static List<String> instanceIds(AutoScalingGroup asg) {
    return asg.instances().stream().map(Instance::instanceId).toList();
  }

  /** The nodes whose providerID names one of the instances, sorted by name. */
  private static List<Node> nodesOf(KubernetesClient kube, List<String> instanceIds) {
    return kube.nodes().list().getItems().stream()
        .filter(n -> instanceIds.stream().anyMatch(id -> n.getSpec().getProviderID().endsWith("/" + id)))
        .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()))
        .toList();
  }

  private static boolean ready(Node n) {
    return n.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Instant readySince(Node n) {
    return n.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> Instant.parse(c.getLastTransitionTime()))
        .findFirst()
        .orElseThrow();
  }

  private static List<Node> await(
      KubernetesClient kube, List<String> instanceIds, Predicate<List<Node>> done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<Node> nodes = nodesOf(kube, instanceIds);
      if (done.test(nodes)) {
        return nodes;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; nodes: " + nodes.size());
      }
      Thread.sleep(20);
    }
  }

  private static void create(AutoScalingClient autoScaling, Consumer<CreateAutoScalingGroupRequest.Builder> more) {
    autoScaling.createAutoScalingGroup(
        r -> {
          r.autoScalingGroupName("workers-1-33")
              .launchTemplate(t -> t.launchTemplateId(TEMPLATE).version("$Latest"))
              .vpcZoneIdentifier("subnet-0a1,subnet-0b2")
              .minSize(1)
              .maxSize(4)
              .desiredCapacity(2)
              .tags(
                  tag -> tag.key("kubernetes.io/cluster/demo").value("owned").propagateAtLaunch(true),
                  tag -> tag.key("team").value("shop").propagateAtLaunch(true));
          more.accept(r);
        });
  }

  @Test
  void theScenarioGroupIsAnAsgTaggedForTheClusterWhoseNodesNameTheirInstances() throws Exception {
    SandboxServer sandbox = sandbox();
    AutoScalingClient autoScaling = autoScaling(sandbox);

    List<AutoScalingGroup> tagged =
        autoScaling
            .describeAutoScalingGroups(r -> r.filters(f -> f.name("tag-key").values("kubernetes.io/cluster/demo")))
            .autoScalingGroups();

    assertThat(tagged).as("the managed group's ASG carries the tag too").hasSize(2);
    AutoScalingGroup workers =
        tagged.stream().filter(g -> g.autoScalingGroupName().equals("workers-1-32")).findFirst().orElseThrow();
    assertThat(workers.tags()).extracting(TagDescription::key).doesNotContain("eks:nodegroup-name");
    assertThat(workers.tags())
        .extracting(TagDescription::key, TagDescription::value)
        .contains(
            tuple("kubernetes.io/cluster/demo", "owned"),
            tuple("alpha.eksctl.io/nodegroup-name", "workers-1-32"),
            tuple("aws:cloudformation:stack-name", "eksctl-demo-nodegroup-workers-1-32"));
    assertThat(workers.launchTemplate().launchTemplateId()).isEqualTo(TEMPLATE);
    assertThat(workers.launchTemplate().launchTemplateName()).isEqualTo("workers");
    assertThat(workers.launchTemplate().version()).isEqualTo("3");
    assertThat(workers.vpcZoneIdentifier()).isEqualTo("subnet-0a1,subnet-0b2");
    assertThat(List.of(workers.minSize(), workers.desiredCapacity(), workers.maxSize())).containsExactly(1, 2, 4);
    assertThat(workers.instances())
        .hasSize(2)
        .allSatisfy(
            i -> {
              assertThat(i.lifecycleState()).isEqualTo(LifecycleState.IN_SERVICE);
              assertThat(i.protectedFromScaleIn()).isTrue();
            });
    assertThat(
            ec2(sandbox)
                .describeLaunchTemplateVersions(r -> r.launchTemplateId(TEMPLATE).versions("3"))
                .launchTemplateVersions()
                .get(0)
                .launchTemplateData()
                .imageId())
        .isEqualTo(OLD_IMAGE);

    KubernetesClient kube = kube(sandbox);
    List<Node> nodes = await(kube, instanceIds(workers), n -> n.size() == 2 && n.stream().allMatch(x -> ready(x)), "2 Ready nodes");
    assertThat(nodes)
        .allSatisfy(
            n -> {
              assertThat(n.getSpec().getProviderID()).matches("aws:///us-east-1[ab]/i-0[0-9a-f]{16}");
              assertThat(n.getMetadata().getLabels())
                  .containsEntry("alpha.eksctl.io/nodegroup-name", "workers-1-32")
                  .containsEntry("role", "worker")
                  .doesNotContainKey("eks.amazonaws.com/nodegroup");
              assertThat(n.getStatus().getNodeInfo().getKubeletVersion()).startsWith("v1.32.");
            });
    assertThat(nodes)
        .extracting(n -> n.getSpec().getProviderID().substring(n.getSpec().getProviderID().lastIndexOf('/') + 1))
        .containsExactlyInAnyOrderElementsOf(instanceIds(workers));
    assertThat(kube.nodes().withLabel("eks.amazonaws.com/nodegroup", "managed").list().getItems())
        .as("managed nodes name their instance too")
        .singleElement()
        .satisfies(n -> assertThat(n.getSpec().getProviderID()).matches("aws:///us-east-1a/i-0[0-9a-f]{16}"));
    assertThat(sandbox.callLog().isEmpty()).isTrue();
  }

  @Test
  void aNewAsgBootsItsInstancesThenTheirNodesJoinAtTheVersionOfTheTemplatesImage() throws Exception {
    SandboxServer sandbox = sandbox();
    AutoScalingClient autoScaling = autoScaling(sandbox);
    SsmImage image = new SsmImage(sandbox);
    String al2023 = image.of("1.33");
    ec2(sandbox)
        .createLaunchTemplateVersion(
            r -> r.launchTemplateId(TEMPLATE).sourceVersion("3").launchTemplateData(d -> d.imageId(al2023)));
    Instant before = sandbox.clock().instant();

    create(autoScaling, r -> r.launchTemplate(t -> t.launchTemplateId(TEMPLATE).version("4")));
    AutoScalingGroup created = asg(autoScaling, "workers-1-33");

    assertThat(created.instances()).hasSize(2);
    assertThat(created.instances())
        .as("booting for nodeJoin (10m)")
        .allSatisfy(i -> assertThat(i.lifecycleState()).isEqualTo(LifecycleState.PENDING));
    assertThat(created.launchTemplate().version()).isEqualTo("4");
    assertThat(created.vpcZoneIdentifier()).isEqualTo("subnet-0a1,subnet-0b2");
    assertThat(created.tags())
        .extracting(TagDescription::key, TagDescription::value)
        .containsExactlyInAnyOrder(tuple("kubernetes.io/cluster/demo", "owned"), tuple("team", "shop"));

    KubernetesClient kube = kube(sandbox);
    List<Node> nodes =
        await(kube, instanceIds(created), n -> n.size() == 2 && n.stream().allMatch(x -> ready(x)), "2 new Ready nodes");
    assertThat(nodes)
        .allSatisfy(
            n -> {
              assertThat(n.getStatus().getNodeInfo().getKubeletVersion()).startsWith("v1.33.");
              assertThat(n.getMetadata().getLabels())
                  .containsEntry("alpha.eksctl.io/nodegroup-name", "workers-1-33")
                  .as("from the user data that version 4 copied from version 3")
                  .containsEntry("role", "worker");
              Instant registered = Instant.parse(n.getMetadata().getCreationTimestamp());
              assertThat(registered).as("registered after the boot").isAfterOrEqualTo(before.plus(Duration.ofMinutes(10)));
              assertThat(readySince(n)).as("Ready nodeJoin after the boot").isAfterOrEqualTo(before.plus(Duration.ofMinutes(20)));
            });
    assertThat(asg(autoScaling, "workers-1-33").instances())
        .allSatisfy(i -> assertThat(i.lifecycleState()).isEqualTo(LifecycleState.IN_SERVICE));

    assertThatThrownBy(() -> create(autoScaling, r -> {}))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("A group with the name workers-1-33 already exists");
    assertThat(sandbox.callLog().entries())
        .filteredOn(e -> e.service().equals("autoscaling"))
        .extracting(CallLog.Entry::operation, CallLog.Entry::effect, CallLog.Entry::resourceId, CallLog.Entry::errorCode)
        .containsExactly(
            tuple("CreateAutoScalingGroup", Effect.CREATED, "workers-1-33", null),
            tuple("CreateAutoScalingGroup", Effect.REJECTED, null, "AlreadyExists"));
  }

  @Test
  void invalidNewGroupsAreRefusedAsAutoScalingDoesAndNothingIsMade() {
    SandboxServer sandbox = sandbox();
    AutoScalingClient autoScaling = autoScaling(sandbox);

    List<String> refusals = new ArrayList<>();
    for (Consumer<CreateAutoScalingGroupRequest.Builder> bad :
        List.<Consumer<CreateAutoScalingGroupRequest.Builder>>of(
            r -> r.launchTemplate(t -> t.launchTemplateId("lt-0ffffffffffffffff").version("1")),
            r -> r.launchTemplate(t -> t.launchTemplateId(TEMPLATE).version("9")),
            r -> r.tags(t -> t.key("aws:cloudformation:stack-name").value("x")),
            r -> r.vpcZoneIdentifier(""),
            r -> r.desiredCapacity(5))) {
      try {
        create(autoScaling, bad);
        refusals.add("accepted");
      } catch (AutoScalingException e) {
        refusals.add(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
      }
    }

    assertThat(refusals)
        .satisfiesExactly(
            r -> assertThat(r).startsWith("ValidationError: ").contains("lt-0ffffffffffffffff", "does not exist"),
            r -> assertThat(r).startsWith("ValidationError: ").contains("no version 9"),
            r -> assertThat(r).startsWith("ValidationError: ").contains("'aws:' are reserved"),
            r -> assertThat(r).startsWith("ValidationError: ").contains("Subnet is required"),
            r -> assertThat(r).startsWith("ValidationError: ").contains("Desired capacity:5"));
    assertThat(autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames("workers-1-33")).autoScalingGroups())
        .isEmpty();
    assertThat(sandbox.callLog().entries()).hasSize(5).allMatch(e -> e.effect() == Effect.REJECTED);
  }

  @Test
  void forceDeleteTerminatesEvenProtectedInstancesAndTheirNodesLeave() throws Exception {
    SandboxServer sandbox = sandbox();
    AutoScalingClient autoScaling = autoScaling(sandbox);
    KubernetesClient kube = kube(sandbox);
    List<String> ids = instanceIds(asg(autoScaling, "workers-1-32"));
    await(kube, ids, n -> n.size() == 2, "the old group's nodes");

    assertThatThrownBy(() -> autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName("workers-1-32")))
        .isInstanceOf(ResourceInUseException.class);
    autoScaling.setInstanceProtection(
        r -> r.autoScalingGroupName("workers-1-32").instanceIds(ids).protectedFromScaleIn(false));
    assertThat(asg(autoScaling, "workers-1-32").instances())
        .allSatisfy(i -> assertThat(i.protectedFromScaleIn()).isFalse());
    autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName("workers-1-32").forceDelete(true));

    assertThat(autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames("workers-1-32")).autoScalingGroups())
        .isEmpty();
    await(kube, ids, List::isEmpty, "the old group's nodes to leave");
    assertThat(kube.nodes().withLabel("eks.amazonaws.com/nodegroup", "managed").list().getItems())
        .as("the managed group's node stays")
        .hasSize(1);
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::effect)
        .containsExactly(
            tuple("DeleteAutoScalingGroup", Effect.REJECTED),
            tuple("SetInstanceProtection", Effect.CREATED),
            tuple("DeleteAutoScalingGroup", Effect.CREATED));
  }

  @Test
  void withAsgDeleteTheGroupIsDeletingForThatLongAndASecondDeleteChangesNothing() throws Exception {
    // An hour of simulated time is 6 real seconds.
    SandboxServer sandbox = sandbox(WORLD.replace("durations: {nodeJoin: 10m}", "durations: {nodeJoin: 10m, asgDelete: 1h}"));
    AutoScalingClient autoScaling = autoScaling(sandbox);
    KubernetesClient kube = kube(sandbox);
    List<String> ids = instanceIds(asg(autoScaling, "workers-1-32"));
    await(kube, ids, n -> n.size() == 2, "the old group's nodes");

    autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName("workers-1-32").forceDelete(true));
    AutoScalingGroup deleting = asg(autoScaling, "workers-1-32");
    assertThat(deleting.status()).isEqualTo("Delete in progress");
    assertThat(deleting.instances()).as("ForceDelete terminated the instances at once").isEmpty();
    autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName("workers-1-32").forceDelete(true));
    await(kube, ids, List::isEmpty, "the old group's nodes to leave");

    org.awaitility.Awaitility.await("the group to go")
        .atMost(WAIT)
        .until(() -> autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames("workers-1-32")).autoScalingGroups().isEmpty());
    assertThat(sandbox.callLog().entries())
        .extracting(CallLog.Entry::operation, CallLog.Entry::effect)
        .as("the second request found the group already being deleted")
        .containsExactly(
            tuple("DeleteAutoScalingGroup", Effect.CREATED),
            tuple("DeleteAutoScalingGroup", Effect.REPLAYED));
  }

  @Test
  void scenarioGroupsAreReadStrictlyWithEksctlLikeDefaults() {
    String cluster =
        """
        name: parse
        clusters:
          - name: demo
            region: us-east-1
            version: "1.32"
            selfManagedGroups:
              - %s
        """;

    Scenario plain = Scenario.parse(cluster.formatted("{name: plain}"), "plain.yaml");

    assertThat(plain.clusters().get(0).selfManagedGroups())
        .containsExactly(
            new SelfManagedGroupSpec(
                "plain",
                "1.32",
                1,
                3,
                2,
                List.of("subnet-a", "subnet-b"),
                new LaunchTemplateSpec(LaunchTemplates.idFor("plain-template"), "plain-template", 1, null),
                Map.of(),
                false));
    assertThat(plain.clusters().get(0).nodeGroups()).isEmpty();
    assertThatThrownBy(() -> Scenario.parse(cluster.formatted("{name: x, amiType: AL2_x86_64}"), "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("bad.yaml: clusters[0].selfManagedGroups[0]: unknown key 'amiType'");
    assertThatThrownBy(() -> Scenario.parse(cluster.formatted("{name: x, version: \"1.33\"}"), "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("clusters[0].selfManagedGroups[0].version: '1.33' is newer than the cluster's version 1.32");
    assertThatThrownBy(() -> Scenario.parse(cluster.formatted("{name: x, minSize: 3, desiredSize: 2}"), "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("sizes must satisfy minSize <= desiredSize <= maxSize");
    assertThatThrownBy(
            () -> Scenario.parse(cluster.formatted("{name: x}\n      - {name: x}"), "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("clusters[0].selfManagedGroups[1].name: self-managed group 'x' is listed twice");
  }

  /** The EKS-optimized AL2023 image of a version, as the sandbox's SSM answers it. */
  private final class SsmImage {
    private final software.amazon.awssdk.services.ssm.SsmClient ssm;

    SsmImage(SandboxServer sandbox) {
      ssm = AwsClients.ssm(sandbox, "us-east-1", 1);
      resources.add(ssm);
    }

    String of(String version) {
      return ssm.getParameter(
              r -> r.name("/aws/service/eks/optimized-ami/" + version + "/amazon-linux-2023/x86_64/standard/recommended/image_id"))
          .parameter()
          .value();
    }
  }
}
