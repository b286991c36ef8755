package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.sandbox.Scenario.TaintSpec;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {

  @Test
  void aFullScenarioReadsAsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("full.yaml");
    Files.writeString(
        file,
        """
        name: full
        timeScale: 600
        startTime: 2026-11-23T09:00:00Z
        clusters:
          - name: demo
            region: us-east-1
            version: "1.32"
            status: ACTIVE
            platformVersion: eks.8
            roleArn: arn:aws:iam::111122223333:role/demo
          - {name: other, region: eu-west-1, version: "1.33", status: UPDATING}
        offeredVersions:
          - {version: "1.34", status: STANDARD_SUPPORT, endOfStandardSupport: 2026-12-02, endOfExtendedSupport: 2027-12-02}
          - {version: "1.33", endOfStandardSupport: 2026-07-29, endOfExtendedSupport: 2027-07-29, defaultPlatformVersion: eks.13, default: true}
        durations:
          controlPlaneUpdate: 25m
        faults:
          seed: 7
          throttlingRate: 0.05
          serverErrorRate: 0.01
          conflictAfterUpdate: 2m
          failUpdatesTo: ["1.34"]
        """);

    Scenario s = Scenario.load(file);

    assertThat(s.name()).isEqualTo("full");
    assertThat(s.source()).isEqualTo(file.toString());
    assertThat(s.timeScale()).isEqualTo(600.0);
    assertThat(s.startTime()).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
    assertThat(s.clusters())
        .extracting(c -> c.name(), c -> c.region(), c -> c.version(), c -> c.status(), c -> c.platformVersion(), c -> c.roleArn())
        .containsExactly(
            tuple("demo", "us-east-1", "1.32", "ACTIVE", "eks.8", "arn:aws:iam::111122223333:role/demo"),
            tuple("other", "eu-west-1", "1.33", "UPDATING", "eks.13", "arn:aws:iam::123456789012:role/other-cluster-role"));
    assertThat(s.offeredVersions())
        .extracting(v -> v.version(), v -> v.status(), v -> v.defaultVersion())
        .as("a status left out follows from the dates at the start time")
        .containsExactly(tuple("1.34", "STANDARD_SUPPORT", false), tuple("1.33", "EXTENDED_SUPPORT", true));
    assertThat(s.offered("1.34").orElseThrow().endOfStandardSupport())
        .isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(s.durations().controlPlaneUpdate()).isEqualTo(Duration.ofMinutes(25));
    assertThat(s.faults())
        .isEqualTo(new Scenario.Faults(7, 0.05, 0.01, Duration.ofMinutes(2), java.util.List.of("1.34")));
  }

  @Test
  void leftOutPartsTakeDefaults() {
    Scenario s = Scenario.parse("name: minimal\n", "minimal.yaml");

    assertThat(s.timeScale()).isEqualTo(1.0);
    assertThat(s.startTime()).isNull();
    assertThat(s.clusters()).isEmpty();
    assertThat(s.offeredVersions())
        .extracting(Scenario.OfferedVersionSpec::version)
        .containsExactly("1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34");
    assertThat(s.durations().controlPlaneUpdate()).isEqualTo(Duration.ofMinutes(25));
    assertThat(s.faults()).isEqualTo(Scenario.Faults.none());
  }

  @Test
  void durationsTakeTheUnitsMsSMAndH() {
    assertThat(ScenarioParser.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ScenarioParser.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ScenarioParser.parseDuration("25m")).isEqualTo(Duration.ofMinutes(25));
    assertThat(ScenarioParser.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void asgDeleteIsZeroUnlessGivenAndReadLikeTheOtherDurations() {
    assertThat(Scenario.parse("name: x\n", "x.yaml").durations().asgDelete()).isEqualTo(Duration.ZERO);
    assertThat(Scenario.parse("name: x\ndurations: {asgDelete: 5m}\n", "x.yaml").durations().asgDelete())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(Scenario.parse("name: x\ndurations: {asgDelete: 0}\n", "x.yaml").durations().asgDelete()).isEqualTo(Duration.ZERO);
    assertRefused("name: x\ndurations: {asgDelete: 5}\n", "bad.yaml: durations.asgDelete: '5' is not a duration");
    assertRefused("name: x\ndurations: {asgDelete: 5 minutes}\n", "bad.yaml: durations.asgDelete: '5 minutes' is not a duration");
  }

  @Test
  void unknownKeysAreRefusedNamingTheFileAndTheKey() {
    assertRefused("name: x\ntimescale: 600\n", "bad.yaml: unknown key 'timescale'");
    assertRefused(
        "name: x\nfaults:\n  throtlingRate: 0.1\n",
        "bad.yaml: faults: unknown key 'throtlingRate' (known keys: seed, throttlingRate,");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: \"1.32\", colour: red}\n",
        "bad.yaml: clusters[0]: unknown key 'colour'");
  }

  @Test
  void badValuesAreRefusedNamingTheKeyAndTheValue() {
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: \"1.32\", status: ACTIV}\n",
        "bad.yaml: clusters[0].status: 'ACTIV' is not one of ACTIVE, CREATING,");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: 1.30}\n",
        "bad.yaml: clusters[0].version: 1.30 is a number to YAML");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: virginia, version: \"1.32\"}\n",
        "bad.yaml: clusters[0].region: 'virginia' is not an AWS region name");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1}\n",
        "bad.yaml: clusters[0].version: is required");
    assertRefused(
        "name: x\ndurations: {controlPlaneUpdate: 25 minutes}\n",
        "bad.yaml: durations.controlPlaneUpdate: '25 minutes' is not a duration");
    assertRefused(
        "name: x\ndurations: {controlPlaneUpdate: 25}\n",
        "bad.yaml: durations.controlPlaneUpdate: '25' is not a duration");
    assertRefused("name: x\nfaults: {throttlingRate: 1.5}\n", "bad.yaml: faults.throttlingRate: 1.5 is out of range");
    assertRefused("name: x\ntimeScale: 0\n", "bad.yaml: timeScale: 0 is out of range");
    assertRefused("name: x\ntimeScale: fast\n", "bad.yaml: timeScale: expected a number, found 'fast'");
    assertRefused(
        "name: x\nfaults: {failUpdatesTo: [\"1.x\"]}\n",
        "bad.yaml: faults.failUpdatesTo[0]: '1.x' is not an EKS Kubernetes version");
    assertRefused(
        "name: x\nofferedVersions:\n  - {version: \"1.34\", endOfStandardSupport: someday}\n",
        "bad.yaml: offeredVersions[0].endOfStandardSupport: 'someday' is not a date");
    assertRefused("timeScale: 5\n", "bad.yaml: name: is required");
    assertRefused(
        "name: x\nclusters:\n  - {name: a, region: us-east-1, version: \"1.32\"}\n  - {name: a, region: us-east-1, version: \"1.33\"}\n",
        "bad.yaml: clusters[1]: cluster 'a' in us-east-1 is listed twice");
  }

  @Test
  void nodeGroupsWorkloadsBudgetsDurationsAndDataPlaneFaultsReadAsWritten() {
    Scenario s =
        Scenario.parse(
            """
            name: data-plane
            clusters:
              - name: demo
                region: us-east-1
                version: "1.33"
                nodeGroups:
                  - name: blue
                    version: "1.32"
                    releaseVersion: 1.32.3-20250501
                    amiType: AL2023_x86_64_STANDARD
                    capacityType: SPOT
                    instanceTypes: [m6i.large, m5.large]
                    subnets: [subnet-1]
                    minSize: 2
                    maxSize: 6
                    desiredSize: 4
                    labels: {role: web, tier: "1"}
                    taints: [{key: dedicated, value: web, effect: NoSchedule}, {key: gpu, effect: NoExecute}]
                    nodeRole: arn:aws:iam::111122223333:role/nodes
                    instancesProtected: true
                    newInstancesProtected: true
                    asgStuck: true
                  - name: custom
                    launchTemplate: {id: lt-0abc123def4567890, name: custom-nodes, version: 3, imageId: ami-0123456789abcdef0}
                kubernetes:
                  workloads:
                    - {name: web, replicas: 3, emptyDir: true, nodeSelector: {role: web}}
                    - {namespace: data, name: db, kind: StatefulSet, replicas: 2, labels: {app: db, tier: data}}
                    - {namespace: kube-system, name: kube-proxy, kind: DaemonSet}
                    - {name: debug, kind: Pod}
                  pdbs:
                    - {name: web, selector: {app: web}, minAvailable: 2}
                    - {namespace: data, name: db, selector: {app: db}, maxUnavailable: "50%"}
            durations: {controlPlaneUpdate: 20m, nodeGroupCreate: 12m, nodeGroupDelete: 4m, nodeJoin: 75s, podStart: 5s}
            faults:
              nodesNeverReady: [green-133]
              kubernetesOutages: [{after: 30m, duration: 2m}, {afterEvictions: 3, duration: 60s}]
            """,
            "data-plane.yaml");

    Scenario.ClusterSpec demo = s.clusters().get(0);
    assertThat(demo.nodeGroups())
        .containsExactly(
            new Scenario.NodeGroupSpec(
                "blue",
                "1.32",
                "1.32.3-20250501",
                "AL2023_x86_64_STANDARD",
                "SPOT",
                List.of("m6i.large", "m5.large"),
                List.of("subnet-1"),
                2,
                6,
                4,
                Map.of("role", "web", "tier", "1"),
                List.of(new TaintSpec("dedicated", "web", "NoSchedule"), new TaintSpec("gpu", null, "NoExecute")),
                "arn:aws:iam::111122223333:role/nodes",
                null,
                true,
                true,
                true),
            new Scenario.NodeGroupSpec(
                "custom",
                "1.33",
                "ami-0123456789abcdef0",
                "CUSTOM",
                "ON_DEMAND",
                List.of("m5.large"),
                List.of("subnet-a", "subnet-b"),
                1,
                3,
                2,
                Map.of(),
                List.of(),
                "arn:aws:iam::123456789012:role/eks-node",
                new Scenario.LaunchTemplateSpec("lt-0abc123def4567890", "custom-nodes", 3, "ami-0123456789abcdef0"),
                false,
                false,
                false));
    assertThat(demo.kubernetes().workloads())
        .containsExactly(
            new Scenario.WorkloadSpec("default", "web", "Deployment", 3, Map.of("app", "web"), true, Map.of("role", "web")),
            new Scenario.WorkloadSpec("data", "db", "StatefulSet", 2, Map.of("app", "db", "tier", "data"), false, Map.of()),
            new Scenario.WorkloadSpec("kube-system", "kube-proxy", "DaemonSet", 1, Map.of("app", "kube-proxy"), false, Map.of()),
            new Scenario.WorkloadSpec("default", "debug", "Pod", 1, Map.of("app", "debug"), false, Map.of()));
    assertThat(demo.kubernetes().pdbs())
        .containsExactly(
            new Scenario.PdbSpec("default", "web", Map.of("app", "web"), "2", null),
            new Scenario.PdbSpec("data", "db", Map.of("app", "db"), null, "50%"));
    assertThat(s.durations())
        .isEqualTo(
            new Scenario.Durations(
                Duration.ofMinutes(20),
                Duration.ofMinutes(12),
                Duration.ofMinutes(4),
                Duration.ofSeconds(75),
                Duration.ofSeconds(5)));
    assertThat(s.faults().nodesNeverReady()).containsExactly("green-133");
    assertThat(s.faults().kubernetesOutages())
        .containsExactly(
            new Scenario.OutageSpec(Duration.ofMinutes(30), Duration.ofMinutes(2)),
            new Scenario.OutageSpec(null, Duration.ofSeconds(60), 3));
  }

  @Test
  void aNodeGroupLeftAloneIsAPlainGroupAtTheClustersVersion() {
    Scenario s =
        Scenario.parse(
            """
            name: plain
            clusters:
              - {name: demo, region: eu-west-1, version: "1.31", nodeGroups: [{name: ng}, {name: big, desiredSize: 5}]}
            """,
            "plain.yaml");

    Scenario.ClusterSpec demo = s.clusters().get(0);
    Scenario.NodeGroupSpec ng = demo.nodeGroups().get(0);
    assertThat(ng)
        .isEqualTo(
            new Scenario.NodeGroupSpec(
                "ng",
                "1.31",
                "1.31.0-20250101",
                "AL2_x86_64",
                "ON_DEMAND",
                List.of("m5.large"),
                List.of("subnet-a", "subnet-b"),
                1,
                3,
                2,
                Map.of(),
                List.of(),
                "arn:aws:iam::123456789012:role/eks-node",
                null,
                false,
                false,
                false));
    assertThat(demo.nodeGroups().get(1))
        .extracting(g -> g.minSize(), g -> g.desiredSize(), g -> g.maxSize())
        .containsExactly(1, 5, 5);
    assertThat(demo.kubernetes()).isEqualTo(Scenario.KubernetesSpec.empty());
    assertThat(s.durations()).isEqualTo(Scenario.Durations.defaults());
    assertThat(s.faults().nodesNeverReady()).isEmpty();
    assertThat(s.faults().kubernetesOutages()).isEmpty();
  }

  @Test
  void badDataPlaneValuesAreRefusedNamingTheKeyAndTheValue() {
    String cluster = "name: x\nclusters:\n  - name: a\n    region: us-east-1\n    version: \"1.32\"\n";
    String group = cluster + "    nodeGroups:\n      - ";
    String kube = cluster + "    kubernetes:\n      ";
    assertRefused(group + "{name: a, desired: 3}\n", "bad.yaml: clusters[0].nodeGroups[0]: unknown key 'desired'");
    assertRefused(group + "{name: a, amiType: AL3}\n", "bad.yaml: clusters[0].nodeGroups[0].amiType: 'AL3' is not one of");
    assertRefused(
        group + "{name: a, version: \"1.33\"}\n",
        "bad.yaml: clusters[0].nodeGroups[0].version: '1.33' is newer than the cluster's version 1.32");
    assertRefused(
        group + "{name: a, minSize: 3, desiredSize: 2}\n",
        "bad.yaml: clusters[0].nodeGroups[0]: sizes must satisfy minSize <= desiredSize <= maxSize, found minSize 3");
    assertRefused(
        group + "{name: a, desiredSize: -1}\n", "bad.yaml: clusters[0].nodeGroups[0].desiredSize: -1 is out of range");
    assertRefused(
        group + "{name: a, taints: [{key: k, effect: NO_SCHEDULE}]}\n",
        "bad.yaml: clusters[0].nodeGroups[0].taints[0].effect: 'NO_SCHEDULE' is not one of NoExecute, NoSchedule,"
            + " PreferNoSchedule");
    assertRefused(
        group + "{name: a, labels: {tier: 1}}\n",
        "bad.yaml: clusters[0].nodeGroups[0].labels.tier: '1' is not text");
    assertRefused(group + "{name: a, instanceTypes: []}\n", "bad.yaml: clusters[0].nodeGroups[0].instanceTypes: must not be empty");
    assertRefused(group + "{name: a}\n      - {name: a}\n", "bad.yaml: clusters[0].nodeGroups[1].name: node group 'a' is listed twice");
    assertRefused(group + "{name: \"bad name\"}\n", "bad.yaml: clusters[0].nodeGroups[0].name: 'bad name' is not a valid");
    assertRefused(
        group + "{name: a, amiType: AL2_x86_64, launchTemplate: {imageId: ami-0123456789abcdef0}}\n",
        "bad.yaml: clusters[0].nodeGroups[0].amiType: 'AL2_x86_64' cannot go with a launch template that names an image");
    assertRefused(
        group + "{name: a, launchTemplate: {imageId: my-image}}\n",
        "bad.yaml: clusters[0].nodeGroups[0].launchTemplate.imageId: 'my-image' is not an AMI id");
    assertRefused(kube + "{services: []}\n", "bad.yaml: clusters[0].kubernetes: unknown key 'services'");
    assertRefused(
        kube + "{workloads: [{name: web, kind: Job}]}\n",
        "bad.yaml: clusters[0].kubernetes.workloads[0].kind: 'Job' is not one of DaemonSet, Deployment, Pod, StatefulSet");
    assertRefused(
        kube + "{workloads: [{name: Web_App}]}\n",
        "bad.yaml: clusters[0].kubernetes.workloads[0].name: 'Web_App' is not a Kubernetes name");
    assertRefused(
        kube + "{workloads: [{name: proxy, kind: DaemonSet, replicas: 2}]}\n",
        "bad.yaml: clusters[0].kubernetes.workloads[0].replicas: a DaemonSet has no replicas");
    assertRefused(
        kube + "{workloads: [{name: web}, {name: web, kind: StatefulSet}]}\n",
        "bad.yaml: clusters[0].kubernetes.workloads[1].name: workload 'default/web' is listed twice");
    assertRefused(
        kube + "{pdbs: [{name: web, selector: {app: web}, minAvailable: 1, maxUnavailable: 1}]}\n",
        "bad.yaml: clusters[0].kubernetes.pdbs[0]: set exactly one of minAvailable and maxUnavailable");
    assertRefused(
        kube + "{pdbs: [{name: web, selector: {app: web}}]}\n",
        "bad.yaml: clusters[0].kubernetes.pdbs[0]: set exactly one of minAvailable and maxUnavailable");
    assertRefused(
        kube + "{pdbs: [{name: web, selector: {app: web}, minAvailable: 150%}]}\n",
        "bad.yaml: clusters[0].kubernetes.pdbs[0].minAvailable: '150%' is not a whole number or a percentage");
    assertRefused(
        kube + "{pdbs: [{name: web, minAvailable: 1}]}\n", "bad.yaml: clusters[0].kubernetes.pdbs[0].selector: is required");
    assertRefused(
        "name: x\ndurations: {nodeGroupUpdate: 5m}\n", "bad.yaml: durations: unknown key 'nodeGroupUpdate'");
    assertRefused(
        "name: x\ndurations: {nodeJoin: 90 seconds}\n", "bad.yaml: durations.nodeJoin: '90 seconds' is not a duration");
    assertRefused(
        "name: x\nfaults: {nodesNeverReady: [\"bad name!\"]}\n",
        "bad.yaml: faults.nodesNeverReady[0]: 'bad name!' is not a node group name");
    assertRefused(
        "name: x\nfaults: {kubernetesOutages: [{after: 1m, for: 2m}]}\n",
        "bad.yaml: faults.kubernetesOutages[0]: unknown key 'for'");
    assertRefused(
        "name: x\nfaults: {kubernetesOutages: [{after: 1m}]}\n",
        "bad.yaml: faults.kubernetesOutages[0]: an outage needs duration and exactly one of after");
    assertRefused(
        "name: x\nfaults: {kubernetesOutages: [{after: 1m, afterEvictions: 2, duration: 1m}]}\n",
        "bad.yaml: faults.kubernetesOutages[0]: an outage needs duration and exactly one of after");
    assertRefused(
        "name: x\nfaults: {kubernetesOutages: [{afterEvictions: 0, duration: 1m}]}\n",
        "bad.yaml: faults.kubernetesOutages[0].afterEvictions: must be a whole number from 1");
    assertRefused(
        "name: x\nfaults: {kubernetesOutages: [{after: 1m, duration: 0}]}\n",
        "bad.yaml: faults.kubernetesOutages[0].duration: an outage must last longer than 0");
  }

  @Test
  void karpenterAndFargateReadAsWrittenAndBadValuesAreRefused() {
    String cluster = "name: x\nclusters:\n  - name: a\n    region: us-east-1\n    version: \"1.32\"\n";
    Scenario scenario =
        Scenario.parse(
            cluster
                + "    karpenter:\n      nodePools:\n        - {name: general, nodes: 3, driftBudget: \"1\", labels: {team: a}}\n"
                + "        - {name: spot, nodes: 1}\n"
                + "    fargateProfiles:\n      - name: jobs\n        selectors:\n          - {namespace: jobs, labels: {tier: batch}}\n"
                + "durations: {karpenterLaunch: 2m, fargatePodStart: 45s}\n"
                + "faults: {karpenterLaunchFailures: 2}\n",
            "ok.yaml");
    Scenario.ClusterSpec c = scenario.clusters().get(0);
    assertThat(c.karpenter().nodePools())
        .containsExactly(
            new Scenario.NodePoolSpec("general", 3, "1", java.util.Map.of("team", "a")),
            new Scenario.NodePoolSpec("spot", 1, "10%", java.util.Map.of()));
    assertThat(c.fargateProfiles())
        .containsExactly(
            new Scenario.FargateProfileSpec(
                "jobs", java.util.List.of(new Scenario.FargateSelectorSpec("jobs", java.util.Map.of("tier", "batch")))));
    assertThat(scenario.durations().karpenterLaunch()).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(scenario.durations().fargatePodStart()).isEqualTo(java.time.Duration.ofSeconds(45));
    assertThat(scenario.faults().karpenterLaunchFailures()).isEqualTo(2);
    assertThat(Scenario.parse(cluster, "plain.yaml").clusters().get(0).karpenter().installed()).isFalse();

    assertRefused(cluster + "    karpenter: {nodePools: []}\n", "bad.yaml: clusters[0].karpenter.nodePools: list at least one NodePool");
    assertRefused(
        cluster + "    karpenter:\n      nodePools:\n        - {name: general}\n",
        "bad.yaml: clusters[0].karpenter.nodePools[0].nodes: is required");
    assertRefused(
        cluster + "    karpenter:\n      nodePools:\n        - {name: general, nodes: 1, driftBudget: lots}\n",
        "bad.yaml: clusters[0].karpenter.nodePools[0].driftBudget: 'lots' is not a whole number or a percentage");
    assertRefused(
        cluster + "    fargateProfiles:\n      - {name: jobs}\n",
        "bad.yaml: clusters[0].fargateProfiles[0].selectors: list at least one selector");
    assertRefused(
        cluster + "    fargateProfiles:\n      - {name: jobs, selectors: [{labels: {a: b}}]}\n",
        "bad.yaml: clusters[0].fargateProfiles[0].selectors[0].namespace: is required");
    assertRefused(
        "name: x\nfaults: {karpenterLaunchFailures: -1}\n", "bad.yaml: faults.karpenterLaunchFailures: -1 is out of range");
  }

  @Test
  void addonsTakeTheDefaultOfTheClustersVersionAndRefuseVersionsThatDoNotRunOnIt() {
    String cluster = "name: x\nclusters:\n  - name: a\n    region: us-east-1\n    version: \"1.32\"\n";
    Scenario scenario =
        Scenario.parse(
            cluster + "    addons:\n      - {name: vpc-cni}\n      - {name: coredns, version: v1.11.4-eksbuild.14}\n"
                + "durations: {addonUpdate: 90s}\nfaults: {degradedAddons: [coredns]}\n",
            "ok.yaml");
    assertThat(scenario.clusters().get(0).addons())
        .containsExactly(
            new Scenario.AddonSpec("vpc-cni", "v1.19.2-eksbuild.1"), new Scenario.AddonSpec("coredns", "v1.11.4-eksbuild.14"));
    assertThat(scenario.durations().addonUpdate()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(scenario.faults().degradedAddons()).containsExactly("coredns");

    assertRefused(
        cluster + "    addons:\n      - {name: istio}\n",
        "bad.yaml: clusters[0].addons[0].name: 'istio' is not an add-on the sandbox knows (vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver)");
    assertRefused(
        cluster + "    addons:\n      - {name: kube-proxy, version: v1.33.0-eksbuild.2}\n",
        "bad.yaml: clusters[0].addons[0].version: kube-proxy v1.33.0-eksbuild.2 does not run on Kubernetes 1.32");
    assertRefused(
        cluster + "    addons:\n      - {name: coredns, version: v9}\n",
        "bad.yaml: clusters[0].addons[0].version: 'v9' is not a coredns version the sandbox knows");
    assertRefused(
        cluster + "    addons:\n      - {name: coredns}\n      - {name: coredns}\n",
        "bad.yaml: clusters[0].addons[1].name: add-on 'coredns' is listed twice");
  }

  @Test
  void malformedOrEmptyYamlIsRefused() {
    assertRefused("name: x\nname: y\n", "bad.yaml: not valid YAML: Duplicate field 'name'");
    assertRefused("", "bad.yaml: the scenario is empty");
    assertRefused("- just\n- a list\n", "bad.yaml: expected a mapping, found a list");
  }

  @Test
  void missingFilesAndResourcesAreNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> Scenario.load(dir.resolve("nope.yaml")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope.yaml");
    assertThatThrownBy(() -> Scenario.fromResource("scenarios/nope.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("scenarios/nope.yaml");
  }

  private static void assertRefused(String yaml, String messageStart) {
    assertThatThrownBy(() -> Scenario.parse(yaml, "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(messageStart);
  }
}
