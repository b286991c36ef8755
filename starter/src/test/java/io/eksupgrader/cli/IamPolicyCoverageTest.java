package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/iam-policy.json} against what the product really asks AWS for: the real worker
 * and CLI run the pre-flight checks, a dry-run plan and the whole demo upgrade (Karpenter, Istio,
 * add-ons, two control-plane minors, managed and self-managed node groups, Fargate, teardown) on
 * the sandbox, which names every AWS action it was asked for, reads included. Each one must be
 * allowed by the policy and not denied by it; the policy's actions nobody asked for are printed.
 */
class IamPolicyCoverageTest {

  static final Path POLICY = Path.of("..", "deploy", "iam-policy.json");
  private static final String QUEUE = "iam-policy";

  /** The actions the policy must always deny, whatever else it allows. */
  private static final List<String> ALWAYS_DENIED =
      List.of(
          "eks:DeleteCluster",
          "eks:CreateAccessEntry",
          "eks:DeleteAccessEntry",
          "eks:UpdateAccessEntry",
          "eks:AssociateAccessPolicy",
          "eks:DisassociateAccessPolicy");

  /**
   * A second cluster beside the demo's, for what the demo world lacks: a secrets-encryption key
   * (pre-flight's kms:DescribeKey), a managed group whose ASG protects new instances from scale-in
   * (the teardown's UpdateAutoScalingGroup) and is stuck (deleted through Auto Scaling), and a
   * managed group with a custom-AMI launch template (a new template version for EKS).
   */
  private static final String EDGES_CLUSTER =
      """
        - name: edges
          region: us-east-1
          version: "1.32"
          roleArn: arn:aws:iam::111122223333:role/edges-cluster
          secretsEncryptionKey: {arn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
          nodeGroups:
            - name: apps
              desiredSize: 2
              labels: {role: apps}
              instancesProtected: true
              newInstancesProtected: true
              asgStuck: true
            - name: system
              desiredSize: 1
              labels: {role: system}
              launchTemplate: {name: edges-system-nodes, version: 4, imageId: ami-0b2f8e1c3d4a5e6f7}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 2, nodeSelector: {role: apps}}
            pdbs:
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: 1}
      """;

  private static LocalEnvironment env;
  private static JsonNode policy;
  private static SortedSet<String> seen;
  private static String demoOutput;
  private static int demoExit;
  private static int edgesExit;

  @BeforeAll
  static void runTheProductOnTheSandbox() throws IOException {
    policy = new ObjectMapper().readTree(Files.readString(POLICY));
    Scenario demo = worldWithEdges();
    env = LocalEnvironment.start(demo, 0, 0, QUEUE);
    env.startWorker();
    String[] common = {
      "--temporal", env.temporalTarget(), "--task-queue", QUEUE, "--identity", "alice",
      "--cluster", "demo", "--region", "us-east-1"
    };
    // A dry run first: pre-flight's reads and the plan, nothing changed.
    CliRun plan =
        CliRun.of(
            CliRun.concat(
                CliRun.concat(new String[] {"plan"}, common),
                new String[] {
                  "--to", "1.34", "--delete-emptydir-data", "--drain-force",
                  "--karpenter-chart-source", env.chartSource(), "--istio-chart-source", env.chartSource()
                }));
    assertThat(plan.exitCode()).as(plan.toString()).isIn(ExitCodes.OK, ExitCodes.PLAN_WARNINGS);
    assertThat(env.sandbox.callLog().isEmpty()).as("the plan changed nothing").isTrue();

    // Then the demo's whole upgrade, every gate approved, as `eks-upgrader demo --auto-approve` runs it.
    TemporalOptions temporal = new TemporalOptions();
    temporal.namespace = LocalEnvironment.NAMESPACE;
    temporal.taskQueue = QUEUE;
    temporal.identity = "alice";
    temporal.target = env.temporalTarget();
    ClusterRef cluster = Scenarios.cluster(demo, "demo");
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    ClusterRef edges = Scenarios.cluster(demo, "edges");
    try (TemporalConnection connection = temporal.connect()) {
      // The second cluster runs beside the demo without a watcher: its gates approve themselves.
      StartCommand.startUpgrade(connection, new UpgradeRequest(edges, "1.33", edgesOptions(), temporal.identity), out);
      StartCommand.startUpgrade(
          connection,
          new UpgradeRequest(
              cluster,
              "1.34",
              DemoCommand.demoOptions(env.chartSource(), env.sandbox.prometheusUrl().toString()),
              temporal.identity),
          out);
      demoExit =
          new UpgradeWatcher(connection, cluster, out, GateAnswers.autoApprove(), demo.timeScale())
              .stopWhenUnanswered()
              .followToEnd();
      edgesExit =
          new UpgradeWatcher(connection, edges, out, GateAnswers.autoApprove(), demo.timeScale())
              .stopWhenUnanswered()
              .followToEnd();
    }
    demoOutput = text.toString();
    seen = env.sandbox.awsActionsSeen();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void everyAwsActionTheWorkerAskedForIsAllowedAndNoneIsDenied() {
    assertThat(demoExit).as(demoOutput).isEqualTo(ExitCodes.OK);
    assertThat(demoOutput).contains("eks-upgrade/us-east-1/demo — SUCCEEDED");
    assertThat(edgesExit).as(demoOutput).isEqualTo(ExitCodes.OK);
    assertThat(demoOutput).contains("eks-upgrade/us-east-1/edges — SUCCEEDED");
    assertThat(seen)
        .as("the run reached every service the worker uses")
        .contains(
            "eks:UpdateClusterVersion",
            "eks:CreateNodegroup",
            "eks:UpdateAddon",
            "autoscaling:UpdateAutoScalingGroup",
            "eks:ListInsights",
            "autoscaling:CreateAutoScalingGroup",
            "ec2:CreateLaunchTemplateVersion",
            "ec2:DescribeSubnets",
            "ssm:GetParameter",
            "iam:GetRole",
            "kms:DescribeKey");

    List<String> allowed = actions("Allow");
    List<String> denied = actions("Deny");
    List<String> missing = seen.stream().filter(a -> !matchesAny(a, allowed)).toList();
    List<String> blocked = seen.stream().filter(a -> matchesAny(a, denied)).toList();
    SortedSet<String> unused = new TreeSet<>();
    for (String a : allowed) {
      if (seen.stream().noneMatch(s -> matches(s, a))) {
        unused.add(a);
      }
    }
    System.out.printf(
        "IAM policy coverage: %d AWS actions seen:%n  %s%n%d allowed actions in %s, %d never seen in this run:%n  %s%n",
        seen.size(), String.join("\n  ", seen), new TreeSet<>(allowed).size(), POLICY, unused.size(), String.join("\n  ", unused));

    assertThat(missing).as("AWS actions the worker asked for that %s does not allow (seen: %s)", POLICY, seen).isEmpty();
    assertThat(blocked).as("AWS actions the worker asked for that %s denies", POLICY).isEmpty();
  }

  @Test
  void theClusterCannotBeDeletedNorItsAccessEntriesChanged() {
    List<JsonNode> deny = statements("Deny");
    assertThat(deny).as("a Deny statement").isNotEmpty();
    for (String action : ALWAYS_DENIED) {
      assertThat(deny)
          .as("%s is denied on every resource, without condition", action)
          .anySatisfy(
              s -> {
                assertThat(values(s.path("Action"))).contains(action);
                assertThat(values(s.path("Resource"))).containsExactly("*");
                assertThat(s.has("Condition")).isFalse();
              });
    }
  }

  @Test
  void theNodeRoleIsPassedOnlyToEksAndEc2AndEveryChangeIsScopedToTheCluster() {
    List<JsonNode> passRole =
        statements("Allow").stream().filter(s -> values(s.path("Action")).contains("iam:PassRole")).toList();
    assertThat(passRole).hasSize(1);
    JsonNode pass = passRole.get(0);
    assertThat(values(pass.path("Resource"))).containsExactly("arn:aws:iam::${aws:PrincipalAccount}:role/NODE_ROLE_NAME");
    assertThat(values(pass.path("Condition").path("StringEquals").path("iam:PassedToService")))
        .containsExactlyInAnyOrder("eks.amazonaws.com", "ec2.amazonaws.com");

    for (JsonNode s : statements("Allow")) {
      for (String action : values(s.path("Action"))) {
        assertThat(action).as("no wildcard actions in the policy").doesNotContain("*").doesNotContain("?");
        String verb = action.substring(action.indexOf(':') + 1);
        boolean reads = verb.startsWith("Describe") || verb.startsWith("List") || verb.startsWith("Get");
        if (!reads) {
          assertThat(values(s.path("Resource")))
              .as("%s (statement %s) is scoped to resources, not *", action, s.path("Sid").asText())
              .doesNotContain("*");
        }
      }
    }
  }

  /** The demo world with the second cluster added to its list of clusters. */
  private static Scenario worldWithEdges() throws IOException {
    String demo;
    try (var in = IamPolicyCoverageTest.class.getClassLoader().getResourceAsStream(Scenarios.DEMO)) {
      demo = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(demo).contains("\nclusters:\n");
    return Scenario.parse(demo.replace("\nclusters:\n", "\nclusters:\n" + EDGES_CLUSTER), "demo.yaml + edges");
  }

  /** The demo's options with every gate approved by the workflow itself and no Karpenter or Istio. */
  private static UpgradeOptions edgesOptions() {
    UpgradeOptions d = DemoCommand.demoOptions(env.chartSource(), env.sandbox.prometheusUrl().toString());
    return new UpgradeOptions(
        true,
        d.gateReminderMinutes(),
        d.drain(),
        d.nodeGroupConcurrency(),
        null,
        new ComponentOptions(
            new KarpenterOptions(ComponentStrategy.SKIP, null, null),
            new IstioOptions(ComponentStrategy.SKIP, null, null, 0)),
        false,
        null,
        null,
        null,
        null);
  }

  private static List<JsonNode> statements(String effect) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode s : policy.path("Statement")) {
      if (effect.equals(s.path("Effect").asText())) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<String> actions(String effect) {
    List<String> out = new ArrayList<>();
    statements(effect).forEach(s -> out.addAll(values(s.path("Action"))));
    return out;
  }

  /** A policy element that may be one string or a list of them. */
  private static List<String> values(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    } else {
      node.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static boolean matchesAny(String action, List<String> patterns) {
    return patterns.stream().anyMatch(p -> matches(action, p));
  }

  /** IAM matches action names case-insensitively, with * and ? as wildcards. */
  static boolean matches(String action, String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE).matcher(action).matches();
  }


  @Test
  void wildcardsMatchAsIamMatchesThem() {
    assertThat(matches("eks:DescribeCluster", "eks:Describe*")).isTrue();
    assertThat(matches("eks:describecluster", "EKS:DescribeCluster")).isTrue();
    assertThat(matches("eks:DescribeCluster", "eks:List*")).isFalse();
    assertThat(matches("ec2:DescribeSubnets", "ec2:Describe?ubnets")).isTrue();
  }
}
