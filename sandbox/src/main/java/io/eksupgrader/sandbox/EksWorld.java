package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.LaunchTemplateSpec;
import io.eksupgrader.sandbox.Scenario.NodeGroupSpec;
import io.eksupgrader.sandbox.Scenario.OfferedVersionSpec;
import io.eksupgrader.sandbox.Scenario.SelfManagedGroupSpec;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS account of a sandbox run: EKS clusters and their updates, managed node groups, the Auto
 * Scaling groups and EC2 instances behind them, and launch templates.
 *
 * <p>Time: everything that takes time has its end fixed when it starts (an update ends at creation
 * + the scenario's duration, a node group turns ACTIVE at creation + nodeGroupCreate, its
 * instances launch nodeJoin before that). Each call first settles whatever has come due by the
 * simulated now, so state advances exactly with the clock. A daemon ticker settles every 75 ms as
 * well, so that nodes join and leave Kubernetes on time even when nobody asks AWS.
 *
 * <p>Nodes: an instance becomes a node through the cluster's attached {@link ClusterNodes} when
 * its launch time comes, and leaves it when it is terminated. Those calls are queued under the
 * world's lock and made, in order, after the lock is released, so that the Kubernetes side never
 * runs inside it.
 *
 * <p>Deletion of a node group: at its end EKS scales the ASG to zero. Instances protected from
 * scale-in survive that, and the group ends DELETE_FAILED naming them until someone removes the
 * protection and deletes again. A group whose ASG is stuck (a scenario fault) ends DELETE_FAILED
 * until the ASG is deleted with ForceDelete, after which the deletion finishes by itself.
 *
 * <p>Self-managed node groups are Auto Scaling groups without a managed node group, tagged {@code
 * kubernetes.io/cluster/<cluster>}; their instances join that cluster (as if their launch
 * template's user data bootstrapped them), labelled {@code alpha.eksctl.io/nodegroup-name=<asg>}
 * and without EKS's node group label, with the labels its launch template version's user data
 * passes to the kubelet ({@code --node-labels=k=v,…}, base64 as EC2 keeps it; a scenario group's
 * template gets such user data for its labels). A node's kubelet runs the Kubernetes version of the
 * EKS-optimized AMI its launch template version names (a scenario's custom image: that group's
 * version; an unknown image: the cluster's version). An ASG made by CreateAutoScalingGroup starts
 * its instances Pending; they turn InService and register their nodes {@code nodeJoin} later (the
 * boot), and the nodes turn Ready {@code nodeJoin} after that, so a node joins in about twice
 * nodeJoin. DeleteAutoScalingGroup with ForceDelete terminates the instances at once, protected
 * or not, as AWS does.
 *
 * <p>All methods hold the world's lock, which keeps check-then-act sequences (is an update
 * running? then make one) atomic across concurrent requests.
 */
final class EksWorld implements AutoCloseable {

  static final String ACCOUNT_ID = "123456789012";

  private static final Logger log = LoggerFactory.getLogger(EksWorld.class);
  private static final Pattern VERSION = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern NODE_GROUP_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,62}");
  private static final long TICK_MILLIS = 75;

  /** The label eksctl gives a self-managed group's nodes; the sandbox sets it too. */
  static final String SELF_MANAGED_LABEL = "alpha.eksctl.io/nodegroup-name";

  private static final String CLUSTER_TAG = "kubernetes.io/cluster/";
  private static final Pattern ASG_NAME = Pattern.compile("[^:]{1,255}");
  private static final Pattern NODE_LABELS = Pattern.compile("--node-labels=([^'\"\\s]+)");

  /** The image families of the EKS-optimized AMIs whose SSM parameters the sandbox answers. */
  private static final List<String> IMAGE_FAMILIES =
      List.of(
          "amazon-linux-2023/x86_64/standard",
          "amazon-linux-2023/arm64/standard",
          "amazon-linux-2023/x86_64/nvidia",
          "amazon-linux-2023/arm64/nvidia",
          "amazon-linux-2023/x86_64/neuron",
          "amazon-linux-2023/arm64/neuron",
          "amazon-linux-2",
          "amazon-linux-2-arm64",
          "amazon-linux-2-gpu");

  /**
   * EKS's API has no issue code for instances that scale-in protection keeps alive; AWS's
   * documentation does not say which code such a failed deletion reports. This is the closest
   * code of the NodegroupIssueCode enum, and the message names the cause.
   */
  static final String ASG_ISSUE = "AutoScalingGroupInvalidConfiguration";

  private final Scenario scenario;
  private final SimulatedClock clock;
  private final Map<String, SimCluster> clusters = new LinkedHashMap<>();
  private final Map<String, SimAutoScalingGroup> autoScalingGroups = new LinkedHashMap<>();
  private final LaunchTemplates launchTemplates = new LaunchTemplates();
  /** Custom images of the scenario's self-managed groups and the version their nodes run. */
  private final Map<String, String> customImageVersions = new HashMap<>();
  private final Deque<NodeAction> nodeActions = new ArrayDeque<>();
  private final SimAddons addons;
  private final Object nodeActionTurn = new Object();
  private final ScheduledExecutorService ticker;
  private long updatesMade;
  private long nodeGroupsMade;
  private long instancesMade;

  EksWorld(Scenario scenario, SimulatedClock clock) {
    this.scenario = scenario;
    this.clock = clock;
    this.addons = new SimAddons(scenario, clock, (region, name) -> describeCluster(region, name).version());
    Instant createdAt = clock.start().minus(Duration.ofDays(400));
    Instant nodeGroupsCreatedAt = clock.start().minus(Duration.ofDays(30));
    for (ClusterSpec spec : scenario.clusters()) {
      SimCluster c = new SimCluster(spec, createdAt);
      clusters.put(key(spec.region(), spec.name()), c);
      for (NodeGroupSpec g : spec.nodeGroups()) {
        addScenarioNodeGroup(c, g, nodeGroupsCreatedAt);
      }
      for (SelfManagedGroupSpec g : spec.selfManagedGroups()) {
        addScenarioSelfManagedGroup(c, g, nodeGroupsCreatedAt);
      }
    }
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "eks-sandbox-settle");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * A cluster as DescribeCluster reports it.
   *
   * @param encryptionKeyArn the KMS key of secrets encryption, or null
   * @param enabledLogTypes the control-plane log types sent to CloudWatch
   */
  record ClusterView(
      String name,
      String region,
      String arn,
      Instant createdAt,
      String version,
      String platformVersion,
      String status,
      String roleArn,
      String endpoint,
      String certificateAuthorityData,
      List<String> subnetIds,
      String vpcId,
      String clusterSecurityGroupId,
      String encryptionKeyArn,
      List<String> enabledLogTypes) {}

  /** A subnet as EC2's DescribeSubnets reports it. */
  record SubnetView(
      String id,
      String region,
      String availabilityZone,
      String availabilityZoneId,
      int availableIps,
      String cidrBlock,
      String vpcId) {}

  /**
   * An IAM role a cluster or node group names.
   *
   * @param trustedService the service principal of its trust policy, e.g. eks.amazonaws.com
   */
  record RoleView(String name, String path, String arn, String roleId, Instant createDate, String trustedService) {}

  record UpdateParam(String type, String value) {}

  record UpdateError(String errorCode, String errorMessage, List<String> resourceIds) {}

  record UpdateView(
      String id,
      String status,
      String type,
      List<UpdateParam> params,
      Instant createdAt,
      List<UpdateError> errors) {}

  record UpdateResult(UpdateView update, boolean replayed) {}

  /** A node group's scaling configuration. */
  record Scaling(int minSize, int maxSize, int desiredSize) {}

  /** A launch template as a node group or an ASG names it; version is a number as text. */
  record LaunchTemplateRef(String id, String name, String version) {}

  /** A node group health issue, as DescribeNodegroup reports it. */
  record Issue(String code, String message, List<String> resourceIds) {}

  /**
   * What CreateNodegroup asked for; null members were left out. Taint effects are in Kubernetes'
   * spelling (NoSchedule).
   */
  record NodeGroupRequest(
      String name,
      String version,
      String releaseVersion,
      String amiType,
      String capacityType,
      List<String> instanceTypes,
      List<String> subnets,
      Scaling scaling,
      Map<String, String> labels,
      List<TaintSpec> taints,
      String nodeRole,
      LaunchTemplateRef launchTemplate,
      Map<String, String> tags,
      String token) {}

  record NodeGroupView(
      String name,
      String arn,
      String cluster,
      String version,
      String releaseVersion,
      String status,
      String amiType,
      String capacityType,
      List<String> instanceTypes,
      List<String> subnets,
      Scaling scaling,
      Map<String, String> labels,
      List<TaintSpec> taints,
      String nodeRole,
      LaunchTemplateRef launchTemplate,
      List<String> autoScalingGroups,
      List<Issue> issues,
      Instant createdAt,
      Instant modifiedAt,
      Map<String, String> tags) {}

  record NodeGroupResult(NodeGroupView nodeGroup, boolean replayed) {}

  record InstanceView(
      String id,
      String instanceType,
      String availabilityZone,
      String lifecycleState,
      String healthStatus,
      boolean protectedFromScaleIn,
      String nodeName) {}

  record AutoScalingGroupView(
      String name,
      String arn,
      String cluster,
      String nodeGroup,
      Instant createdAt,
      int minSize,
      int maxSize,
      int desiredCapacity,
      List<String> availabilityZones,
      List<String> subnets,
      LaunchTemplateRef launchTemplate,
      boolean newInstancesProtectedFromScaleIn,
      String status,
      List<InstanceView> instances,
      Map<String, String> tags) {}

  /**
   * What CreateAutoScalingGroup asked for; null members were left out.
   *
   * @param launchTemplate the template by id or name, and the version as given ("3", "$Latest")
   */
  record AutoScalingGroupRequest(
      String name,
      LaunchTemplateRef launchTemplate,
      List<String> subnets,
      Integer minSize,
      Integer maxSize,
      Integer desiredCapacity,
      Map<String, String> tags,
      boolean newInstancesProtected) {}

  /**
   * A call to make on a cluster's Kubernetes side: a launch, the termination of a node, or a new
   * control-plane version.
   */
  private record NodeAction(
      ClusterNodes nodes, NodeLaunch launch, String terminatedNode, String controlPlaneVersion) {

    NodeAction(ClusterNodes nodes, NodeLaunch launch, String terminatedNode) {
      this(nodes, launch, terminatedNode, null);
    }
  }

  Scenario scenario() {
    return scenario;
  }

  /** The clusters' EKS add-ons. */
  SimAddons addons() {
    return addons;
  }

  /** Stops the background settling. */
  @Override
  public void close() {
    ticker.shutdownNow();
  }

  /**
   * Connects a cluster to its Kubernetes side: DescribeCluster then reports the API server's URL
   * and CA, and the instances of the cluster's node groups launch as nodes there; those already
   * running (the scenario's) launch at once.
   */
  void attachNodes(String region, String cluster, ClusterNodes nodes) {
    locked(
        () -> {
          SimCluster c = cluster(region, cluster);
          c.nodes = nodes;
          settle(c);
          nodeActions.add(new NodeAction(nodes, null, null, c.version));
        });
  }

  // ---- clusters and their updates ----

  ClusterView describeCluster(String region, String name) {
    return locked(
        () -> {
          SimCluster c = cluster(region, name);
          settle(c);
          return c.view();
        });
  }

  List<String> updateIds(String region, String name) {
    return locked(
        () -> {
          SimCluster c = cluster(region, name);
          settle(c);
          return c.updates.stream().map(u -> u.id).toList();
        });
  }

  UpdateView describeUpdate(String region, String name, String updateId) {
    return locked(
        () -> {
          SimCluster c = cluster(region, name);
          settle(c);
          return c.updates.stream()
              .filter(u -> u.id.equals(updateId))
              .findFirst()
              .map(SimUpdate::view)
              .orElseThrow(() -> AwsError.notFound("No update found for ID: " + updateId + ".", name));
        });
  }

  /**
   * Starts a control-plane version update, or returns the one made earlier with the same token,
   * in the order EKS checks: the token first (so that a client's retry gets its update back even
   * while it runs or after it ended), then whether the cluster is free, then the version.
   */
  UpdateResult updateClusterVersion(String region, String name, String version, String token) {
    return locked(() -> startUpdate(region, name, version, token));
  }

  private UpdateResult startUpdate(String region, String name, String version, String token) {
    SimCluster c = cluster(region, name);
    Instant now = settle(c);
    if (token != null && c.byToken.containsKey(token)) {
      SimUpdate earlier = c.byToken.get(token);
      if (!earlier.targetVersion.equals(version)) {
        throw AwsError.invalidRequest(
            "The clientRequestToken "
                + token
                + " was already used for an update to version "
                + earlier.targetVersion
                + "; it cannot be reused for version "
                + version
                + ".",
            name);
      }
      return new UpdateResult(earlier.view(), true);
    }
    Matcher target = version == null ? null : VERSION.matcher(version);
    if (target == null || !target.matches()) {
      throw AwsError.invalidParameter("Unsupported Kubernetes version: " + version + ".", name);
    }
    Optional<SimUpdate> running = c.inProgress();
    if (running.isPresent()) {
      throw AwsError.inUse(
          "Cluster "
              + name
              + " already has an update in progress: "
              + running.get().type
              + " "
              + running.get().id
              + ".",
          name);
    }
    if (!c.baseStatus.equals("ACTIVE")) {
      throw AwsError.inUse(
          "Cluster " + name + " is in " + c.baseStatus + " state; it must be ACTIVE.", name);
    }
    Duration quiet = scenario.faults().conflictAfterUpdate();
    if (c.lastEndedAt != null && now.isBefore(c.lastEndedAt.plus(quiet))) {
      // Real EKS keeps refusing for a while after an update ended, although it shows ACTIVE.
      throw AwsError.inUse(
          "Cluster " + name + " is still finishing an earlier operation; try again later.", name);
    }
    Matcher current = VERSION.matcher(c.version);
    if (!current.matches()) {
      throw new IllegalStateException("cluster " + name + " has a malformed version " + c.version);
    }
    if (c.version.equals(version)) {
      throw AwsError.invalidParameter(
          "Cluster " + name + " is already at version " + version + ".", name);
    }
    boolean nextMinor =
        target.group(1).equals(current.group(1))
            && Integer.parseInt(target.group(2)) == Integer.parseInt(current.group(2)) + 1;
    if (!nextMinor) {
      throw AwsError.invalidParameter(
          "Unsupported Kubernetes minor version update from " + c.version + " to " + version,
          name);
    }
    Optional<OfferedVersionSpec> offered = scenario.offered(version);
    if (offered.isEmpty() || offered.get().status().equals("UNSUPPORTED")) {
      throw AwsError.invalidParameter(
          "Kubernetes version " + version + " is not supported by Amazon EKS in " + region + ".",
          name);
    }
    updatesMade++;
    String id =
        UUID.nameUUIDFromBytes(
                (scenario.name() + "/" + region + "/" + name + "/" + updatesMade)
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    SimUpdate update =
        new SimUpdate(
            id,
            now,
            now.plus(scenario.durations().controlPlaneUpdate()),
            version,
            offered.get().defaultPlatformVersion(),
            scenario.faults().failUpdatesTo().contains(version));
    c.updates.add(update);
    if (token != null) {
      c.byToken.put(token, update);
    }
    return new UpdateResult(update.view(), false);
  }

  // ---- upgrade insights, subnets, IAM roles and KMS keys (the scenario's; all read only) ----

  /** The cluster's upgrade insights, for its control plane's version of this moment. */
  List<Scenario.InsightSpec> insights(String region, String cluster) {
    return locked(
        () -> {
          SimCluster c = cluster(region, cluster);
          settle(c);
          return UpgradeInsights.of(c.spec, c.version);
        });
  }

  /**
   * Every subnet of the region's clusters, once each, in the order the scenario lists them. Subnets
   * and keys are the scenario's and never change, so they are read without the lock.
   */
  List<SubnetView> subnets(String region) {
    Map<String, SubnetView> byId = new LinkedHashMap<>();
    for (SimCluster c : clusters.values()) {
      if (!c.region.equals(region)) {
        continue;
      }
      for (Scenario.SubnetSpec s : c.spec.subnets()) {
        byId.putIfAbsent(
            s.id(),
            new SubnetView(s.id(), region, s.availabilityZone(), zoneId(s.availabilityZone()), s.availableIps(), s.cidrBlock(), c.vpcId()));
      }
    }
    return List.copyOf(byId.values());
  }

  /**
   * The IAM role of that name: IAM is global, so every cluster's role (unless the scenario says it
   * is missing) and every managed node group's role, in any region.
   */
  Optional<RoleView> role(String roleName) {
    return locked(
        () -> {
          Instant created = clock.start().minus(Duration.ofDays(400));
          for (SimCluster c : clusters.values()) {
            if (!c.spec.roleMissing() && roleName.equals(roleName(c.spec.roleArn()))) {
              return Optional.of(roleView(c.spec.roleArn(), created, "eks.amazonaws.com"));
            }
            for (SimNodeGroup g : c.nodeGroups.values()) {
              if (roleName.equals(roleName(g.nodeRole))) {
                return Optional.of(roleView(g.nodeRole, created, "ec2.amazonaws.com"));
              }
            }
          }
          return Optional.empty();
        });
  }

  /** The secrets-encryption key with that id or ARN in the region, if a cluster there uses it. */
  Optional<Scenario.EncryptionKeySpec> encryptionKey(String region, String keyIdOrArn) {
    for (SimCluster c : clusters.values()) {
      Scenario.EncryptionKeySpec key = c.spec.secretsEncryptionKey();
      if (key != null
          && key.region().equals(region)
          && (key.arn().equals(keyIdOrArn) || key.keyId().equals(keyIdOrArn))) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  private static String roleName(String arn) {
    return arn == null || !arn.contains(":role/") ? null : arn.substring(arn.lastIndexOf('/') + 1);
  }

  private static RoleView roleView(String arn, Instant created, String trustedService) {
    String resource = arn.substring(arn.indexOf(":role/") + 5);
    String path = resource.substring(0, resource.lastIndexOf('/') + 1);
    String id =
        "AROA"
            + UUID.nameUUIDFromBytes(arn.getBytes(StandardCharsets.UTF_8))
                .toString()
                .replace("-", "")
                .toUpperCase()
                .substring(0, 17);
    return new RoleView(roleName(arn), path, arn, id, created, trustedService);
  }

  /** EC2's zone id of a zone name, e.g. use1-az1 for us-east-1a (the mapping is per account). */
  private static String zoneId(String zone) {
    String region = zone.substring(0, zone.length() - 1);
    String[] parts = region.split("-");
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      prefix.append(parts[i].charAt(0));
    }
    return parts[0] + prefix.substring(1) + parts[parts.length - 1] + "-az" + (zone.charAt(zone.length() - 1) - 'a' + 1);
  }

  // ---- Fargate profiles (the scenario's; the sandbox neither creates nor deletes them) ----

  List<String> fargateProfileNames(String region, String cluster) {
    return locked(
        () -> {
          cluster(region, cluster);
          return clusterSpec(region, cluster).fargateProfiles().stream()
              .map(Scenario.FargateProfileSpec::name)
              .sorted()
              .toList();
        });
  }

  Scenario.FargateProfileSpec describeFargateProfile(String region, String cluster, String name) {
    return locked(
        () -> {
          cluster(region, cluster);
          return clusterSpec(region, cluster).fargateProfiles().stream()
              .filter(f -> f.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      AwsError.notFound(
                          "No Fargate Profile found with name: " + name + ".", cluster));
        });
  }

  private ClusterSpec clusterSpec(String region, String cluster) {
    return scenario.clusters().stream()
        .filter(c -> c.region().equals(region) && c.name().equals(cluster))
        .findFirst()
        .orElseThrow();
  }

  // ---- managed node groups ----

  List<String> nodeGroupNames(String region, String cluster) {
    return locked(
        () -> {
          SimCluster c = cluster(region, cluster);
          settle(c);
          return List.copyOf(c.nodeGroups.keySet());
        });
  }

  NodeGroupView describeNodeGroup(String region, String cluster, String name) {
    return locked(
        () -> {
          SimCluster c = cluster(region, cluster);
          settle(c);
          return view(nodeGroup(c, name));
        });
  }

  boolean hasNodeGroup(String region, String cluster, String name) {
    return locked(
        () -> {
          SimCluster c = cluster(region, cluster);
          settle(c);
          return c.nodeGroups.containsKey(name);
        });
  }

  /**
   * Creates a managed node group, or returns the one made earlier with the same token. Checks in
   * EKS's order: the token, the name, the cluster's state, then the configuration. The new ASG's
   * instances launch so that their nodes turn Ready when the group turns ACTIVE.
   */
  NodeGroupResult createNodeGroup(String region, String cluster, NodeGroupRequest request) {
    return locked(() -> startNodeGroup(region, cluster, request));
  }

  private NodeGroupResult startNodeGroup(String region, String cluster, NodeGroupRequest r) {
    SimCluster c = cluster(region, cluster);
    Instant now = settle(c);
    String name = r.name();
    if (r.token() != null && c.nodeGroupsByToken.containsKey(r.token())) {
      SimNodeGroup earlier = c.nodeGroupsByToken.get(r.token());
      if (!earlier.name.equals(name)) {
        throw AwsError.invalidRequest(
            "The clientRequestToken "
                + r.token()
                + " was already used to create node group "
                + earlier.name
                + "; it cannot be reused for "
                + name
                + ".",
            cluster);
      }
      if (c.nodeGroups.get(name) == earlier) {
        return new NodeGroupResult(view(earlier), true);
      }
    }
    if (name == null || !NODE_GROUP_NAME.matcher(name).matches()) {
      throw AwsError.invalidParameter("Nodegroup name " + name + " is not valid.", cluster);
    }
    if (c.nodeGroups.containsKey(name)) {
      throw nodeGroupError(
          409,
          "ResourceInUseException",
          "NodeGroup already exists with name " + name + " and cluster name " + cluster,
          cluster,
          name);
    }
    String clusterStatus = c.view().status();
    if (!clusterStatus.equals("ACTIVE")) {
      throw nodeGroupError(
          409,
          "ResourceInUseException",
          "Cluster " + cluster + " is in " + clusterStatus + " state; node groups can be created only while it is ACTIVE.",
          cluster,
          name);
    }
    if (r.subnets() == null || r.subnets().isEmpty()) {
      throw invalidNodeGroup("subnets are required.", cluster, name);
    }
    if (r.nodeRole() == null || r.nodeRole().isBlank()) {
      throw invalidNodeGroup("nodeRole is required.", cluster, name);
    }

    LaunchTemplateRef launchTemplate = null;
    String customImage = null;
    if (r.launchTemplate() != null) {
      LaunchTemplateRef asked = r.launchTemplate();
      SimLaunchTemplate t;
      long number;
      try {
        t = launchTemplates.find(region, asked.id(), asked.name());
        number = LaunchTemplates.resolve(t, asked.version());
      } catch (AwsError e) {
        throw invalidNodeGroup("Launch template: " + e.getMessage(), cluster, name);
      }
      SimLaunchTemplate.Version v = t.version(number);
      if (v == null) {
        throw invalidNodeGroup(
            "Launch template " + t.id + " has no version " + asked.version() + ".", cluster, name);
      }
      launchTemplate = new LaunchTemplateRef(t.id, t.name, String.valueOf(number));
      customImage = v.data().get("ImageId");
    }
    if (customImage != null) {
      // The API reference: with a custom AMI in the launch template, "don't specify amiType,
      // version or releaseVersion, or the node group deployment will fail".
      for (String[] member :
          new String[][] {{"amiType", r.amiType()}, {"version", r.version()}, {"releaseVersion", r.releaseVersion()}}) {
        if (member[1] != null) {
          throw invalidNodeGroup(
              "The launch template "
                  + launchTemplate.id()
                  + " version "
                  + launchTemplate.version()
                  + " names the image "
                  + customImage
                  + "; do not specify "
                  + member[0]
                  + " with a custom AMI.",
              cluster,
              name);
        }
      }
    }

    String version = r.version() != null ? r.version() : c.version;
    if (!VERSION.matcher(version).matches()) {
      throw invalidNodeGroup("Requested Nodegroup version " + version + " is invalid.", cluster, name);
    }
    if (compareVersions(version, c.version) > 0) {
      throw invalidNodeGroup(
          "Requested Nodegroup version "
              + version
              + " is newer than the cluster's version "
              + c.version
              + "; nodes cannot run ahead of the control plane.",
          cluster,
          name);
    }
    String amiType;
    if (customImage != null) {
      amiType = "CUSTOM";
    } else if (r.amiType() != null) {
      amiType = r.amiType();
      if (!ScenarioParser.AMI_TYPES.contains(amiType) || amiType.equals("CUSTOM")) {
        throw invalidNodeGroup("AMI type " + amiType + " is not valid.", cluster, name);
      }
    } else {
      amiType = compareVersions(version, "1.30") >= 0 ? "AL2023_x86_64_STANDARD" : "AL2_x86_64";
    }
    if (amiType.startsWith("AL2_") && compareVersions(version, "1.32") > 0) {
      // Amazon Linux 2 AMIs end with Kubernetes 1.32.
      throw invalidNodeGroup(
          "AMI Type " + amiType + " is only supported for kubernetes versions 1.32 or earlier", cluster, name);
    }
    String releaseVersion;
    if (customImage != null) {
      releaseVersion = customImage;
    } else if (r.releaseVersion() != null) {
      releaseVersion = r.releaseVersion();
      if (!releaseVersion.startsWith(version + ".")) {
        throw invalidNodeGroup(
            "Release version " + releaseVersion + " is not a release of Kubernetes " + version + ".", cluster, name);
      }
    } else {
      releaseVersion = releaseVersionFor(version);
    }
    Scaling scaling = r.scaling() != null ? r.scaling() : new Scaling(1, 2, 2);
    if (scaling.maxSize() < 1
        || scaling.minSize() < 0
        || scaling.minSize() > scaling.desiredSize()
        || scaling.desiredSize() > scaling.maxSize()) {
      throw invalidNodeGroup(
          "scalingConfig must satisfy 0 <= minSize <= desiredSize <= maxSize and maxSize >= 1, found "
              + scaling
              + ".",
          cluster,
          name);
    }
    String capacityType = r.capacityType() != null ? r.capacityType() : "ON_DEMAND";
    if (!ScenarioParser.CAPACITY_TYPES.contains(capacityType)) {
      throw invalidNodeGroup("Capacity type " + capacityType + " is not valid.", cluster, name);
    }
    List<String> instanceTypes =
        r.instanceTypes() != null && !r.instanceTypes().isEmpty() ? r.instanceTypes() : List.of("t3.medium");

    Instant activeAt = now.plus(scenario.durations().nodeGroupCreate());
    Instant launchAt = activeAt.minus(scenario.durations().nodeJoin());
    SimNodeGroup g =
        newNodeGroup(
            c,
            name,
            version,
            releaseVersion,
            amiType,
            capacityType,
            instanceTypes,
            r.subnets(),
            scaling,
            r.labels() != null ? r.labels() : Map.of(),
            r.taints() != null ? r.taints() : List.of(),
            r.nodeRole(),
            launchTemplate,
            r.tags() != null ? r.tags() : Map.of(),
            now,
            false,
            false,
            false,
            launchAt.isBefore(now) ? now : launchAt,
            scenario.durations().nodeJoin(),
            scenario.faults().nodesNeverReady().contains(name));
    g.status = "CREATING";
    g.activeAt = activeAt;
    if (r.token() != null) {
      c.nodeGroupsByToken.put(r.token(), g);
    }
    settle(c);
    return new NodeGroupResult(view(g), false);
  }

  /**
   * Starts deleting a node group (again, after DELETE_FAILED). A group that is being created or
   * deleted is refused with 409, as EKS does.
   */
  NodeGroupView deleteNodeGroup(String region, String cluster, String name) {
    return locked(
        () -> {
          SimCluster c = cluster(region, cluster);
          Instant now = settle(c);
          SimNodeGroup g = nodeGroup(c, name);
          if (g.status.equals("CREATING") || g.status.equals("DELETING")) {
            throw nodeGroupError(
                409,
                "ResourceInUseException",
                "Nodegroup " + name + " is currently in " + g.status + " state and cannot be deleted.",
                cluster,
                name);
          }
          startDeleting(g, now);
          return view(g);
        });
  }

  private void startDeleting(SimNodeGroup g, Instant now) {
    g.status = "DELETING";
    g.issues.clear();
    g.modifiedAt = now;
    g.deleteEndsAt = now.plus(scenario.durations().nodeGroupDelete());
    if (!g.asg.deleted) {
      g.asg.minSize = 0;
      g.asg.desiredCapacity = 0;
    }
  }

  // ---- Auto Scaling ----

  /**
   * The region's ASGs, all or those named (names that do not exist are left out, as AWS does),
   * that carry every tag filter: {@code tag:<key>} with values, {@code tag-key}, {@code tag-value}.
   */
  List<AutoScalingGroupView> describeAutoScalingGroups(
      String region, List<String> names, Map<String, List<String>> filters) {
    return locked(
        () -> {
          Instant now = settleAll();
          List<AutoScalingGroupView> result = new ArrayList<>();
          for (SimAutoScalingGroup asg : autoScalingGroups.values()) {
            if (!asg.region.equals(region) || (!names.isEmpty() && !names.contains(asg.name))) {
              continue;
            }
            if (filters.entrySet().stream().allMatch(f -> matches(asg, f.getKey(), f.getValue()))) {
              result.add(view(asg, now));
            }
          }
          return result;
        });
  }

  private static boolean matches(SimAutoScalingGroup asg, String filter, List<String> values) {
    if (filter.startsWith("tag:")) {
      String value = asg.tags.get(filter.substring(4));
      return value != null && values.contains(value);
    }
    return switch (filter) {
      case "tag-key" -> asg.tags.keySet().stream().anyMatch(values::contains);
      case "tag-value" -> asg.tags.values().stream().anyMatch(values::contains);
      default -> throw new AwsError(
          400, "ValidationError", "Filter name " + filter + " is not valid.", Map.of());
    };
  }

  /**
   * Creates a self-managed group's ASG, checking in Auto Scaling's order: the name (an existing one
   * is AlreadyExists), the tags, the launch template and version, the subnets, the sizes. Its
   * instances start Pending and join the cluster its {@code kubernetes.io/cluster/<name>} tag names
   * (none without such a tag) as the class comment says.
   */
  AutoScalingGroupView createAutoScalingGroup(String region, AutoScalingGroupRequest r) {
    return locked(
        () -> {
          Instant now = settleAll();
          String name = r.name();
          if (name == null || !ASG_NAME.matcher(name).matches()) {
            throw validation("AutoScalingGroupName " + name + " is not valid.");
          }
          if (autoScalingGroups.containsKey(key(region, name))) {
            throw new AwsError(
                400,
                "AlreadyExists",
                "AutoScalingGroup by this name already exists - A group with the name " + name + " already exists",
                Map.of());
          }
          Map<String, String> tags = r.tags() == null ? Map.of() : r.tags();
          for (String tag : tags.keySet()) {
            if (tag.startsWith("aws:")) {
              throw validation("Tag keys starting with 'aws:' are reserved for AWS use: " + tag);
            }
          }
          if (r.launchTemplate() == null) {
            throw validation(
                "The sandbox creates Auto Scaling groups from a LaunchTemplate only (no launch configuration,"
                    + " instance or mixed instances policy).");
          }
          SimLaunchTemplate t;
          SimLaunchTemplate.Version v;
          try {
            t = launchTemplates.find(region, r.launchTemplate().id(), r.launchTemplate().name());
            v = t.version(LaunchTemplates.resolve(t, r.launchTemplate().version()));
          } catch (AwsError e) {
            throw validation("You must use a valid fully-formed launch template. " + e.getMessage());
          }
          if (v == null) {
            throw validation(
                "You must use a valid fully-formed launch template. The launch template "
                    + t.id
                    + " has no version "
                    + r.launchTemplate().version()
                    + ".");
          }
          if (r.subnets() == null || r.subnets().isEmpty()) {
            throw validation("At least one Availability Zone or VPC Subnet is required.");
          }
          if (r.minSize() == null || r.maxSize() == null) {
            throw validation("MinSize and MaxSize are required.");
          }
          int desired = r.desiredCapacity() != null ? r.desiredCapacity() : r.minSize();
          if (r.minSize() < 0 || r.minSize() > r.maxSize() || desired < r.minSize() || desired > r.maxSize()) {
            throw validation(
                "Desired capacity:"
                    + desired
                    + " must be between the specified min size:"
                    + r.minSize()
                    + " and max size:"
                    + r.maxSize());
          }
          SimCluster c =
              tags.keySet().stream()
                  .filter(k -> k.startsWith(CLUSTER_TAG))
                  .map(k -> clusters.get(key(region, k.substring(CLUSTER_TAG.length()))))
                  .filter(x -> x != null)
                  .findFirst()
                  .orElse(null);
          LaunchTemplateRef ref = new LaunchTemplateRef(t.id, t.name, r.launchTemplate().version());
          Duration boot = scenario.durations().nodeJoin();
          SimAutoScalingGroup asg =
              newSelfManagedGroup(
                  region,
                  c,
                  name,
                  now,
                  r.subnets(),
                  ref,
                  tags,
                  r.minSize(),
                  r.maxSize(),
                  desired,
                  v,
                  c == null ? null : versionOfImage(c, v.data().get("ImageId")),
                  nodeLabels(v.data().get("UserData")),
                  r.newInstancesProtected(),
                  now.plus(boot),
                  boot,
                  scenario.faults().nodesNeverReady().contains(name));
          asg.newInstancesProtectedFromScaleIn = r.newInstancesProtected();
          if (c != null) {
            settle(c);
          }
          return view(asg, now);
        });
  }

  AutoScalingGroupView setInstanceProtection(
      String region, String asgName, List<String> instanceIds, boolean protect) {
    return locked(
        () -> {
          Instant now = settleAll();
          SimAutoScalingGroup asg = autoScalingGroup(region, asgName);
          if (instanceIds.isEmpty()) {
            throw validation("The parameter InstanceIds must contain at least one instance id.");
          }
          List<SimInstance> chosen = new ArrayList<>();
          for (String id : instanceIds) {
            SimInstance i =
                asg.instances.stream()
                    .filter(x -> x.id.equals(id))
                    .findFirst()
                    .orElseThrow(
                        () -> validation("The instance " + id + " is not part of Auto Scaling group " + asgName + "."));
            if (!i.lifecycleState(now).equals("InService")) {
              throw validation("The instance " + id + " is not in InService or EnteringStandby or Standby.");
            }
            chosen.add(i);
          }
          chosen.forEach(i -> i.protectedFromScaleIn = protect);
          return view(asg, now);
        });
  }

  /**
   * Changes an ASG's settings. The sandbox does not scale: a DesiredCapacity other than the
   * current one is refused, so that instances and nodes stay what the node group made.
   */
  AutoScalingGroupView updateAutoScalingGroup(
      String region,
      String asgName,
      Boolean newInstancesProtected,
      Integer minSize,
      Integer maxSize,
      Integer desiredCapacity) {
    return locked(
        () -> {
          Instant now = settleAll();
          SimAutoScalingGroup asg = autoScalingGroup(region, asgName);
          if (desiredCapacity != null && desiredCapacity != asg.desiredCapacity) {
            throw validation(
                "The sandbox does not scale Auto Scaling groups: DesiredCapacity of "
                    + asgName
                    + " stays "
                    + asg.desiredCapacity
                    + ".");
          }
          int min = minSize != null ? minSize : asg.minSize;
          int max = maxSize != null ? maxSize : asg.maxSize;
          if (min > asg.desiredCapacity || max < asg.desiredCapacity || min < 0) {
            throw validation(
                "Desired capacity:"
                    + asg.desiredCapacity
                    + " must be between the specified min size:"
                    + min
                    + " and max size:"
                    + max);
          }
          asg.minSize = min;
          asg.maxSize = max;
          if (newInstancesProtected != null) {
            asg.newInstancesProtectedFromScaleIn = newInstancesProtected;
          }
          return view(asg, now);
        });
  }

  /**
   * Deletes an ASG. Without ForceDelete it must have no instances; with it, its instances are
   * terminated (their nodes leave Kubernetes) and a node group whose deletion it blocked finishes
   * deleting.
   */
  AutoScalingGroupView deleteAutoScalingGroup(String region, String asgName, boolean forceDelete) {
    return locked(
        () -> {
          Instant now = settleAll();
          SimAutoScalingGroup asg = autoScalingGroup(region, asgName);
          if (!asg.instances.isEmpty() && !forceDelete) {
            throw new AwsError(
                400,
                "ResourceInUse",
                "You cannot delete an AutoScalingGroup while there are instances or pending Spot"
                    + " instance request(s) still in the group.",
                Map.of());
          }
          AutoScalingGroupView before = view(asg, now);
          if (asg.deleteEndsAt != null) {
            // Already being deleted: AWS accepts the request again and changes nothing.
            return before;
          }
          for (SimInstance i : List.copyOf(asg.instances)) {
            terminate(asg, i);
          }
          asg.deleteEndsAt = now.plus(scenario.durations().asgDelete());
          finishAutoScalingGroupDeletions(now);
          return before;
        });
  }

  /**
   * Removes the ASGs whose deletion ({@code durations.asgDelete}) has run its course; a managed
   * node group whose deletion such an ASG blocked finishes deleting.
   */
  private void finishAutoScalingGroupDeletions(Instant now) {
    for (SimAutoScalingGroup asg : List.copyOf(autoScalingGroups.values())) {
      if (asg.deleteEndsAt == null || asg.deleteEndsAt.isAfter(now)) {
        continue;
      }
      removeAutoScalingGroup(asg);
      SimCluster c = clusters.get(key(asg.region, asg.cluster));
      SimNodeGroup g = c == null || asg.nodeGroup == null ? null : c.nodeGroups.get(asg.nodeGroup);
      if (g != null && g.asg == asg && g.status.equals("DELETE_FAILED")) {
        startDeleting(g, now);
      }
      if (c != null) {
        settle(c);
      }
    }
  }

  // ---- EC2 launch templates ----

  List<LaunchTemplates.VersionView> describeLaunchTemplateVersions(
      String region, String id, String name, List<String> versions, Long min, Long max) {
    return locked(() -> launchTemplates.describeVersions(region, id, name, versions, min, max));
  }

  LaunchTemplates.VersionResult createLaunchTemplateVersion(
      String region,
      String id,
      String name,
      String sourceVersion,
      String description,
      Map<String, String> data,
      String token) {
    return locked(
        () ->
            launchTemplates.createVersion(
                region, id, name, sourceVersion, description, data, token, clock.instant()));
  }

  // ---- settling ----

  private void tick() {
    try {
      settleAll();
      runNodeActions();
    } catch (RuntimeException e) {
      log.error("sandbox failed to settle the world", e);
    }
  }

  private synchronized Instant settleAll() {
    Instant now = clock.instant();
    finishAutoScalingGroupDeletions(now);
    for (SimCluster c : clusters.values()) {
      settle(c);
    }
    return now;
  }

  /** Ends what has come due by the simulated now; returns that now. */
  private Instant settle(SimCluster c) {
    Instant now = clock.instant();
    settleUpdates(c, now);
    settleNodeGroups(c, now);
    settleSelfManagedGroups(c, now);
    return now;
  }

  /** Launches the nodes of the cluster's self-managed groups whose instances have booted. */
  private void settleSelfManagedGroups(SimCluster c, Instant now) {
    if (c.nodes == null) {
      return;
    }
    for (SimAutoScalingGroup asg : autoScalingGroups.values()) {
      if (asg.nodeGroup != null || !c.name.equals(asg.cluster) || !c.region.equals(asg.region)) {
        continue;
      }
      for (SimInstance i : asg.instances) {
        if (i.launchedOn != c.nodes && !i.launchAt.isAfter(now)) {
          Map<String, String> labels = new LinkedHashMap<>(asg.nodeLabels);
          labels.put(SELF_MANAGED_LABEL, asg.name);
          labels.put("node.kubernetes.io/instance-type", i.instanceType);
          labels.put("topology.kubernetes.io/region", asg.region);
          labels.put("topology.kubernetes.io/zone", i.availabilityZone);
          nodeActions.add(
              new NodeAction(
                  c.nodes,
                  new NodeLaunch(i.nodeName, i.id, null, asg.nodeVersion, labels, List.of(), i.readyAfter(now)),
                  null));
          i.launchedOn = c.nodes;
        }
      }
    }
  }

  private void settleUpdates(SimCluster c, Instant now) {
    for (SimUpdate u : c.updates) {
      if (u.status.equals("InProgress") && !u.endsAt.isAfter(now)) {
        if (u.fails) {
          u.status = "Failed";
          u.errors.add(
              new UpdateError(
                  "Unknown",
                  "The control plane update to Kubernetes "
                      + u.targetVersion
                      + " failed (sandbox fault faults.failUpdatesTo); the cluster stays at "
                      + c.version
                      + ".",
                  List.of(c.name)));
        } else {
          u.status = "Successful";
          c.version = u.targetVersion;
          c.platformVersion = u.targetPlatformVersion;
          if (c.nodes != null) {
            nodeActions.add(new NodeAction(c.nodes, null, null, c.version));
          }
        }
        if (c.lastEndedAt == null || u.endsAt.isAfter(c.lastEndedAt)) {
          c.lastEndedAt = u.endsAt;
        }
      }
    }
  }

  private void settleNodeGroups(SimCluster c, Instant now) {
    for (SimNodeGroup g : List.copyOf(c.nodeGroups.values())) {
      SimAutoScalingGroup asg = g.asg;
      if (c.nodes != null && !asg.deleted) {
        for (SimInstance i : asg.instances) {
          if (i.launchedOn != c.nodes && !i.launchAt.isAfter(now)) {
            launch(c, g, i, now);
          }
        }
      }
      switch (g.status) {
        case "CREATING" -> {
          if (!g.activeAt.isAfter(now)) {
            finishCreating(g);
          }
        }
        case "ACTIVE" -> {
          if (asg.deleted) {
            g.status = "DEGRADED";
            g.modifiedAt = now;
            g.issues.add(asgNotFound(g));
          }
        }
        case "DELETING" -> {
          if (!g.deleteEndsAt.isAfter(now)) {
            finishDeleting(c, g);
          }
        }
        default -> {}
      }
    }
  }

  private void finishCreating(SimNodeGroup g) {
    g.modifiedAt = g.activeAt;
    List<String> notJoined =
        g.asg.instances.stream().filter(i -> i.neverReady).map(i -> i.id).toList();
    if (g.asg.deleted) {
      g.status = "CREATE_FAILED";
      g.issues.add(asgNotFound(g));
    } else if (!notJoined.isEmpty()) {
      g.status = "CREATE_FAILED";
      g.issues.add(
          new Issue("NodeCreationFailure", "Instances failed to join the kubernetes cluster", notJoined));
    } else {
      g.status = "ACTIVE";
    }
  }

  private void finishDeleting(SimCluster c, SimNodeGroup g) {
    SimAutoScalingGroup asg = g.asg;
    if (!asg.deleted) {
      if (g.asgStuck) {
        fail(
            g,
            new Issue(
                ASG_ISSUE,
                "Couldn't delete the Auto Scaling group "
                    + asg.name
                    + " (sandbox fault asgStuck); delete it with ForceDelete to finish deleting the"
                    + " node group.",
                List.of(asg.name)));
        return;
      }
      // EKS scales the group to zero; scale-in cannot take protected instances.
      List<SimInstance> kept = asg.protectedInstances();
      for (SimInstance i : List.copyOf(asg.instances)) {
        if (!i.protectedFromScaleIn) {
          terminate(asg, i);
        }
      }
      if (!kept.isEmpty()) {
        List<String> ids = new ArrayList<>();
        ids.add(asg.name);
        kept.forEach(i -> ids.add(i.id));
        fail(
            g,
            new Issue(
                ASG_ISSUE,
                "Couldn't terminate instances in the Auto Scaling group "
                    + asg.name
                    + ": they are protected from scale-in ("
                    + String.join(", ", ids.subList(1, ids.size()))
                    + ").",
                ids));
        return;
      }
      removeAutoScalingGroup(asg);
    }
    c.nodeGroups.remove(g.name);
  }

  private void fail(SimNodeGroup g, Issue issue) {
    g.status = "DELETE_FAILED";
    g.modifiedAt = g.deleteEndsAt;
    g.issues.add(issue);
  }

  private static Issue asgNotFound(SimNodeGroup g) {
    return new Issue(
        "AutoScalingGroupNotFound",
        "We couldn't find the Auto Scaling group " + g.asg.name + " of node group " + g.name + ".",
        List.of(g.asg.name));
  }

  private void launch(SimCluster c, SimNodeGroup g, SimInstance i, Instant now) {
    Map<String, String> labels = new LinkedHashMap<>(g.labels);
    labels.put("eks.amazonaws.com/nodegroup", g.name);
    labels.put("eks.amazonaws.com/capacityType", g.capacityType);
    labels.put("node.kubernetes.io/instance-type", i.instanceType);
    labels.put("topology.kubernetes.io/region", g.asg.region);
    labels.put("topology.kubernetes.io/zone", i.availabilityZone);
    nodeActions.add(
        new NodeAction(
            c.nodes,
            new NodeLaunch(i.nodeName, i.id, g.name, g.version, labels, g.taints, i.readyAfter(now)),
            null));
    i.launchedOn = c.nodes;
  }

  private void terminate(SimAutoScalingGroup asg, SimInstance i) {
    asg.instances.remove(i);
    if (i.launchedOn != null) {
      nodeActions.add(new NodeAction(i.launchedOn, null, i.nodeName));
    }
  }

  private void removeAutoScalingGroup(SimAutoScalingGroup asg) {
    asg.deleted = true;
    autoScalingGroups.remove(key(asg.region, asg.name));
  }

  /** Runs the queued Kubernetes calls outside the world's lock, one caller at a time, in order. */
  private void runNodeActions() {
    synchronized (nodeActionTurn) {
      while (true) {
        NodeAction a;
        synchronized (this) {
          a = nodeActions.poll();
        }
        if (a == null) {
          return;
        }
        try {
          if (a.launch() != null) {
            a.nodes().launchNode(a.launch());
          } else if (a.terminatedNode() != null) {
            a.nodes().terminateNode(a.terminatedNode());
          } else {
            a.nodes().controlPlaneVersionChanged(a.controlPlaneVersion());
          }
        } catch (RuntimeException e) {
          log.error(
              "the Kubernetes side failed to {} node {}",
              a.launch() != null ? "launch" : a.terminatedNode() != null ? "terminate" : "move",
              a.launch() != null
                  ? a.launch().nodeName()
                  : a.terminatedNode() != null ? a.terminatedNode() : "to " + a.controlPlaneVersion(),
              e);
        }
      }
    }
  }

  private <T> T locked(Supplier<T> body) {
    try {
      synchronized (this) {
        return body.get();
      }
    } finally {
      runNodeActions();
    }
  }

  private void locked(Runnable body) {
    locked(
        () -> {
          body.run();
          return null;
        });
  }

  // ---- making node groups ----

  private void addScenarioNodeGroup(SimCluster c, NodeGroupSpec spec, Instant createdAt) {
    LaunchTemplateRef launchTemplate = null;
    if (spec.launchTemplate() != null) {
      launchTemplates.add(c.region, spec.launchTemplate(), createdAt);
      launchTemplate =
          new LaunchTemplateRef(
              spec.launchTemplate().id(),
              spec.launchTemplate().name(),
              String.valueOf(spec.launchTemplate().version()));
    }
    SimNodeGroup g =
        newNodeGroup(
            c,
            spec.name(),
            spec.version(),
            spec.releaseVersion(),
            spec.amiType(),
            spec.capacityType(),
            spec.instanceTypes(),
            spec.subnets(),
            new Scaling(spec.minSize(), spec.maxSize(), spec.desiredSize()),
            spec.labels(),
            spec.taints(),
            spec.nodeRole(),
            launchTemplate,
            Map.of(),
            createdAt,
            spec.asgStuck(),
            spec.instancesProtected(),
            spec.newInstancesProtected(),
            createdAt,
            Duration.ZERO,
            false);
    g.status = "ACTIVE";
  }

  private SimNodeGroup newNodeGroup(
      SimCluster c,
      String name,
      String version,
      String releaseVersion,
      String amiType,
      String capacityType,
      List<String> instanceTypes,
      List<String> subnets,
      Scaling scaling,
      Map<String, String> labels,
      List<TaintSpec> taints,
      String nodeRole,
      LaunchTemplateRef launchTemplate,
      Map<String, String> tags,
      Instant createdAt,
      boolean asgStuck,
      boolean instancesProtected,
      boolean newInstancesProtected,
      Instant launchAt,
      Duration joinDelay,
      boolean neverReady) {
    nodeGroupsMade++;
    String id = uuid("nodegroup/" + c.region + "/" + c.name + "/" + name + "/" + nodeGroupsMade);
    String asgName = "eks-" + name + "-" + id;
    List<String> zones = new ArrayList<>();
    for (int s = 0; s < subnets.size(); s++) {
      String zone = zone(c.region, s);
      if (!zones.contains(zone)) {
        zones.add(zone);
      }
    }
    Map<String, String> asgTags = new TreeMap<>();
    asgTags.put("eks:cluster-name", c.name);
    asgTags.put("eks:nodegroup-name", name);
    asgTags.put("k8s.io/cluster-autoscaler/enabled", "true");
    asgTags.put("k8s.io/cluster-autoscaler/" + c.name, "owned");
    asgTags.put("kubernetes.io/cluster/" + c.name, "owned");
    SimAutoScalingGroup asg =
        new SimAutoScalingGroup(
            asgName,
            c.region,
            "arn:aws:autoscaling:"
                + c.region
                + ":"
                + ACCOUNT_ID
                + ":autoScalingGroup:"
                + uuid("asg/" + asgName)
                + ":autoScalingGroupName/"
                + asgName,
            c.name,
            name,
            createdAt,
            subnets,
            zones,
            launchTemplate,
            asgTags);
    asg.minSize = scaling.minSize();
    asg.maxSize = scaling.maxSize();
    asg.desiredCapacity = scaling.desiredSize();
    asg.newInstancesProtectedFromScaleIn = newInstancesProtected;
    for (int n = 0; n < scaling.desiredSize(); n++) {
      asg.instances.add(
          newInstance(
              c.region,
              instanceTypes.get(0),
              zone(c.region, n % subnets.size()),
              launchAt,
              joinDelay,
              neverReady,
              instancesProtected));
    }
    autoScalingGroups.put(key(c.region, asgName), asg);
    SimNodeGroup g =
        new SimNodeGroup(
            name,
            c.name,
            id,
            "arn:aws:eks:" + c.region + ":" + ACCOUNT_ID + ":nodegroup/" + c.name + "/" + name + "/" + id,
            version,
            releaseVersion,
            amiType,
            capacityType,
            instanceTypes,
            subnets,
            scaling,
            labels,
            taints,
            nodeRole,
            launchTemplate,
            tags,
            createdAt,
            asg,
            asgStuck);
    c.nodeGroups.put(name, g);
    return g;
  }

  private void addScenarioSelfManagedGroup(SimCluster c, SelfManagedGroupSpec spec, Instant createdAt) {
    LaunchTemplateSpec lt = spec.launchTemplate();
    if (lt.imageId() == null) {
      // A self-managed group always names its image: the EKS-optimized one of its version.
      String family = compareVersions(spec.version(), "1.32") <= 0 ? "amazon-linux-2" : "amazon-linux-2023/x86_64/standard";
      lt = new LaunchTemplateSpec(lt.id(), lt.name(), lt.version(), SsmHttpHandler.imageId(c.region, spec.version(), family));
    } else {
      customImageVersions.putIfAbsent(lt.imageId(), spec.version());
    }
    launchTemplates.add(c.region, lt, createdAt, userData(c.name, spec.labels()));
    SimLaunchTemplate t = launchTemplates.find(c.region, lt.id(), null);
    // Another group may have brought the template with fewer versions: take its latest then.
    SimLaunchTemplate.Version templateVersion =
        t.version(lt.version()) != null ? t.version(lt.version()) : t.version(t.latestVersion());
    Map<String, String> tags = new TreeMap<>();
    tags.put("Name", c.name + "-" + spec.name() + "-Node");
    tags.put("alpha.eksctl.io/cluster-name", c.name);
    tags.put("alpha.eksctl.io/nodegroup-name", spec.name());
    tags.put("aws:cloudformation:stack-name", "eksctl-" + c.name + "-nodegroup-" + spec.name());
    tags.put(CLUSTER_TAG + c.name, "owned");
    SimAutoScalingGroup asg = newSelfManagedGroup(
        c.region,
        c,
        spec.name(),
        createdAt,
        spec.subnets(),
        new LaunchTemplateRef(lt.id(), lt.name(), String.valueOf(lt.version())),
        tags,
        spec.minSize(),
        spec.maxSize(),
        spec.desiredSize(),
        templateVersion,
        spec.version(),
        spec.labels(),
        spec.instancesProtected(),
        createdAt,
        Duration.ZERO,
        false);
    asg.newInstancesProtectedFromScaleIn = spec.instancesProtected();
  }

  /** A self-managed group's ASG with its instances, registered in the world. */
  private SimAutoScalingGroup newSelfManagedGroup(
      String region,
      SimCluster c,
      String name,
      Instant createdAt,
      List<String> subnets,
      LaunchTemplateRef launchTemplate,
      Map<String, String> tags,
      int minSize,
      int maxSize,
      int desiredCapacity,
      SimLaunchTemplate.Version templateVersion,
      String nodeVersion,
      Map<String, String> nodeLabels,
      boolean instancesProtected,
      Instant launchAt,
      Duration joinDelay,
      boolean neverReady) {
    List<String> zones = new ArrayList<>();
    for (int s = 0; s < subnets.size(); s++) {
      String zone = zone(region, s);
      if (!zones.contains(zone)) {
        zones.add(zone);
      }
    }
    SimAutoScalingGroup asg =
        new SimAutoScalingGroup(
            name,
            region,
            asgArn(region, name),
            c == null ? null : c.name,
            null,
            createdAt,
            subnets,
            zones,
            launchTemplate,
            tags);
    asg.minSize = minSize;
    asg.maxSize = maxSize;
    asg.desiredCapacity = desiredCapacity;
    asg.nodeVersion = nodeVersion;
    asg.nodeLabels = Map.copyOf(nodeLabels);
    String instanceType = templateVersion.data().getOrDefault("InstanceType", "m5.large");
    for (int n = 0; n < desiredCapacity; n++) {
      asg.instances.add(
          newInstance(
              region,
              instanceType,
              zone(region, n % subnets.size()),
              launchAt,
              joinDelay,
              neverReady,
              instancesProtected));
    }
    autoScalingGroups.put(key(region, name), asg);
    return asg;
  }

  /**
   * The Kubernetes version of nodes that boot from an image: the version of the EKS-optimized AMI
   * it is, else the version of the scenario's group that uses it, else the cluster's.
   */
  private String versionOfImage(SimCluster c, String imageId) {
    if (imageId == null) {
      return c.version;
    }
    for (OfferedVersionSpec v : scenario.offeredVersions()) {
      for (String family : IMAGE_FAMILIES) {
        if (SsmHttpHandler.imageId(c.region, v.version(), family).equals(imageId)) {
          return v.version();
        }
      }
    }
    return customImageVersions.getOrDefault(imageId, c.version);
  }

  /** User data that bootstraps a node with the labels, as eksctl writes it, base64 as EC2 keeps it. */
  private static Map<String, String> userData(String cluster, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return Map.of();
    }
    StringBuilder flag = new StringBuilder("--node-labels=");
    new TreeMap<>(labels).forEach((k, v) -> flag.append(flag.length() > 14 ? "," : "").append(k).append('=').append(v));
    String script = "#!/bin/bash\n/etc/eks/bootstrap.sh " + cluster + " --kubelet-extra-args '" + flag + "'\n";
    return Map.of("UserData", Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8)));
  }

  /** The labels that user data passes to the kubelet with {@code --node-labels=k=v,…}. */
  private static Map<String, String> nodeLabels(String userData) {
    if (userData == null) {
      return Map.of();
    }
    String text;
    try {
      text = new String(Base64.getDecoder().decode(userData.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      text = userData;
    }
    Map<String, String> labels = new TreeMap<>();
    Matcher m = NODE_LABELS.matcher(text);
    while (m.find()) {
      for (String pair : m.group(1).split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          labels.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return labels;
  }

  private static String asgArn(String region, String name) {
    return "arn:aws:autoscaling:"
        + region
        + ":"
        + ACCOUNT_ID
        + ":autoScalingGroup:"
        + uuid("asg/" + name)
        + ":autoScalingGroupName/"
        + name;
  }

  private SimInstance newInstance(
      String region,
      String instanceType,
      String zone,
      Instant launchAt,
      Duration joinDelay,
      boolean neverReady,
      boolean protectedFromScaleIn) {
    long n = instancesMade++;
    String id = "i-0" + uuid(scenario.name() + "/instance/" + region + "/" + n).replace("-", "").substring(0, 16);
    String nodeName =
        "ip-10-0-" + (1 + n / 250) + "-" + (4 + n % 250) + "." + region + ".compute.internal";
    return new SimInstance(
        id, nodeName, instanceType, zone, launchAt, joinDelay, neverReady, protectedFromScaleIn);
  }

  // ---- views and lookups ----

  private NodeGroupView view(SimNodeGroup g) {
    return new NodeGroupView(
        g.name,
        g.arn,
        g.cluster,
        g.version,
        g.releaseVersion,
        g.status,
        g.amiType,
        g.capacityType,
        g.instanceTypes,
        g.subnets,
        g.scaling,
        g.labels,
        g.taints,
        g.nodeRole,
        g.launchTemplate,
        List.of(g.asg.name),
        List.copyOf(g.issues),
        g.createdAt,
        g.modifiedAt,
        g.tags);
  }

  private static AutoScalingGroupView view(SimAutoScalingGroup asg, Instant now) {
    List<InstanceView> instances =
        asg.instances.stream()
            .map(
                i ->
                    new InstanceView(
                        i.id,
                        i.instanceType,
                        i.availabilityZone,
                        i.lifecycleState(now),
                        "Healthy",
                        i.protectedFromScaleIn,
                        i.nodeName))
            .toList();
    return new AutoScalingGroupView(
        asg.name,
        asg.arn,
        asg.cluster,
        asg.nodeGroup,
        asg.createdAt,
        asg.minSize,
        asg.maxSize,
        asg.desiredCapacity,
        asg.availabilityZones,
        asg.subnets,
        asg.launchTemplate,
        asg.newInstancesProtectedFromScaleIn,
        asg.deleteEndsAt == null ? null : "Delete in progress",
        instances,
        asg.tags);
  }

  private SimCluster cluster(String region, String name) {
    SimCluster c = clusters.get(key(region, name));
    if (c == null) {
      throw AwsError.notFound("No cluster found for name: " + name + ".", name);
    }
    return c;
  }

  private static SimNodeGroup nodeGroup(SimCluster c, String name) {
    SimNodeGroup g = c.nodeGroups.get(name);
    if (g == null) {
      throw nodeGroupError(
          404, "ResourceNotFoundException", "No node group found for name: " + name + ".", c.name, name);
    }
    return g;
  }

  private SimAutoScalingGroup autoScalingGroup(String region, String name) {
    SimAutoScalingGroup asg = autoScalingGroups.get(key(region, name));
    if (asg == null) {
      throw validation("AutoScalingGroup name not found - AutoScalingGroup '" + name + "' not found");
    }
    return asg;
  }

  private static AwsError validation(String message) {
    return new AwsError(400, "ValidationError", message, Map.of());
  }

  private static AwsError nodeGroupError(
      int status, String code, String message, String cluster, String nodeGroup) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("clusterName", cluster);
    if (nodeGroup != null) {
      fields.put("nodegroupName", nodeGroup);
    }
    return new AwsError(status, code, message, fields);
  }

  private static AwsError invalidNodeGroup(String message, String cluster, String nodeGroup) {
    return nodeGroupError(400, "InvalidParameterException", message, cluster, nodeGroup);
  }

  /** Compares "MAJOR.MINOR" versions numerically (1.9 before 1.10). */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
    return major != 0 ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
  }

  /**
   * The EKS-optimized AMI release the sandbox offers for a Kubernetes version, e.g.
   * 1.33.0-20250101; node groups get it when they name none, and SSM reports it.
   */
  static String releaseVersionFor(String kubernetesVersion) {
    return kubernetesVersion + ".0-20250101";
  }

  private static String zone(String region, int subnetIndex) {
    return region + (char) ('a' + subnetIndex % 6);
  }

  private static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String key(String region, String name) {
    return region + "/" + name;
  }

  private static final class SimCluster {
    final ClusterSpec spec;
    final String name;
    final String region;
    final Instant createdAt;
    final String baseStatus;
    final String roleArn;
    String version;
    String platformVersion;
    Instant lastEndedAt;
    ClusterNodes nodes;
    final List<SimUpdate> updates = new ArrayList<>();
    final Map<String, SimUpdate> byToken = new HashMap<>();
    final Map<String, SimNodeGroup> nodeGroups = new TreeMap<>();
    final Map<String, SimNodeGroup> nodeGroupsByToken = new HashMap<>();

    SimCluster(ClusterSpec spec, Instant createdAt) {
      this.spec = spec;
      this.name = spec.name();
      this.region = spec.region();
      this.createdAt = createdAt;
      this.baseStatus = spec.status();
      this.roleArn = spec.roleArn();
      this.version = spec.version();
      this.platformVersion = spec.platformVersion();
    }

    Optional<SimUpdate> inProgress() {
      return updates.stream().filter(u -> u.status.equals("InProgress")).findFirst();
    }

    ClusterView view() {
      String status = inProgress().isPresent() ? "UPDATING" : baseStatus;
      String id =
          UUID.nameUUIDFromBytes((region + "/" + name).getBytes(StandardCharsets.UTF_8))
              .toString()
              .replace("-", "")
              .toUpperCase();
      String ca =
          Base64.getEncoder()
              .encodeToString(
                  ("-----BEGIN CERTIFICATE-----\nsandbox placeholder for " + name
                          + "\n-----END CERTIFICATE-----\n")
                      .getBytes(StandardCharsets.UTF_8));
      return new ClusterView(
          name,
          region,
          "arn:aws:eks:" + region + ":" + ACCOUNT_ID + ":cluster/" + name,
          createdAt,
          version,
          platformVersion,
          status,
          roleArn,
          nodes != null
              ? nodes.apiServerUrl().toString()
              : "https://" + id + ".gr7." + region + ".eks.amazonaws.com",
          nodes != null ? nodes.certificateAuthorityData() : ca,
          spec.subnets().stream().map(Scenario.SubnetSpec::id).toList(),
          vpcId(),
          "sg-0" + hex("cluster-sg"),
          spec.secretsEncryptionKey() == null ? null : spec.secretsEncryptionKey().arn(),
          spec.logging());
    }

    /** The cluster's VPC: one per cluster, a stable id. */
    String vpcId() {
      return "vpc-0" + hex("vpc");
    }

    private String hex(String what) {
      return UUID.nameUUIDFromBytes((region + "/" + name + "/" + what).getBytes(StandardCharsets.UTF_8))
          .toString()
          .replace("-", "")
          .substring(0, 16);
    }
  }

  private static final class SimUpdate {
    final String id;
    final String type = "VersionUpdate";
    final Instant createdAt;
    final Instant endsAt;
    final String targetVersion;
    final String targetPlatformVersion;
    final boolean fails;
    final List<UpdateError> errors = new ArrayList<>();
    String status = "InProgress";

    SimUpdate(
        String id,
        Instant createdAt,
        Instant endsAt,
        String targetVersion,
        String targetPlatformVersion,
        boolean fails) {
      this.id = id;
      this.createdAt = createdAt;
      this.endsAt = endsAt;
      this.targetVersion = targetVersion;
      this.targetPlatformVersion = targetPlatformVersion == null ? "eks.1" : targetPlatformVersion;
      this.fails = fails;
    }

    UpdateView view() {
      return new UpdateView(
          id,
          status,
          type,
          List.of(
              new UpdateParam("Version", targetVersion),
              new UpdateParam("PlatformVersion", targetPlatformVersion)),
          createdAt,
          List.copyOf(errors));
    }
  }
}
