package io.eksupgrader.activities.selfmanaged;

import io.eksupgrader.activities.eks.AwsClientsProvider;
import io.eksupgrader.activities.eks.Heartbeats;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.activities.kube.NodeInstance;
import io.eksupgrader.activities.nodegroups.Al2023Images;
import io.eksupgrader.activities.nodegroups.DeletionProgress;
import io.eksupgrader.activities.nodegroups.EksNodeGroupActivities;
import io.eksupgrader.activities.nodegroups.NodeReadiness;
import io.eksupgrader.activities.nodegroups.ReadyWaitProgress;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.SelfManagedNodeGroupActivities;
import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupDeletion.Outcome;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupHandle.How;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.NodeGroupReady.NodeJoin;
import io.eksupgrader.workflows.model.SelfManagedGroupInfo;
import io.eksupgrader.workflows.model.SelfManagedReplacementRequest;
import io.fabric8.kubernetes.api.model.Node;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AlreadyExistsException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.CreateAutoScalingGroupRequest;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.ResourceInUseException;
import software.amazon.awssdk.services.autoscaling.model.ScalingActivityInProgressException;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;

/**
 * Blue/green replacement of self-managed node groups: Auto Scaling groups with a launch template,
 * tagged {@code kubernetes.io/cluster/<cluster>}, that no EKS managed node group owns. Their nodes
 * carry no label naming the group; a node belongs to the group whose instance its {@code
 * spec.providerID} ({@code aws:///<zone>/<instance-id>}) names, and the group's version is its
 * nodes' kubelet minor (the oldest, when they differ, since the skew rule cares about that one).
 *
 * <p>Create observes first: an ASG of the new name is reused (an earlier attempt made it),
 * provided its nodes, if it has any yet, run the requested version. Otherwise a launch template
 * version is made from the old group's (SourceVersion) with the EKS-optimized AL2023 image of the
 * version for the nodes' architecture (SSM {@code
 * /aws/service/eks/optimized-ami/<version>/amazon-linux-2023/<arch>/standard/recommended/image_id})
 * and a ClientToken derived from the request's token, so that a retry gets the same version; a
 * token that EC2 refuses because the image has changed since (a new AMI release) finds the version
 * the first attempt made by its description. Then CreateAutoScalingGroup makes the new ASG beside
 * the old with that template version, the old subnets, sizes, health check, load balancer target
 * groups, termination policies, scale-in protection flag and tags (AWS refuses tags in its own
 * {@code aws:} namespace, so those stay behind). AlreadyExists (another attempt won) is answered by
 * reusing that group.
 *
 * <p>Await polls the ASG and the nodes of its instances until the expected number of instances
 * are InService with Ready nodes, heartbeating progress that a retried attempt continues; the
 * node-ready timeout counts from the first observation. Join latencies are as {@link
 * NodeReadiness} measures them: Ready transition minus registration.
 *
 * <p>Delete refuses an ASG that belongs to a managed node group or to another cluster. It turns
 * off NewInstancesProtectedFromScaleIn, removes each instance's scale-in protection (50 a call),
 * then calls DeleteAutoScalingGroup with ForceDelete, which terminates the instances, and polls
 * until the ASG is no longer described. ForceDelete would terminate protected instances anyway;
 * the protection is removed first so that nothing is left protected should the deletion stall.
 */
public class AutoScalingSelfManagedNodeGroupActivities implements SelfManagedNodeGroupActivities {

  private static final Logger log = LoggerFactory.getLogger(AutoScalingSelfManagedNodeGroupActivities.class);

  static final String CLUSTER_TAG = "kubernetes.io/cluster/";
  static final String MANAGED_GROUP_TAG = "eks:nodegroup-name";

  /** SetInstanceProtection takes at most 50 instance ids. */
  private static final int PROTECTION_BATCH = 50;


  private final AwsClientsProvider aws;
  private final KubernetesClientProvider kubernetes;
  private final SelfManagedNodeGroupSettings settings;

  public AutoScalingSelfManagedNodeGroupActivities(
      AwsClientsProvider aws, KubernetesClientProvider kubernetes, SelfManagedNodeGroupSettings settings) {
    this.aws = aws;
    this.kubernetes = kubernetes;
    this.settings = settings;
  }

  // ---- listing ----

  @Override
  public List<SelfManagedGroupInfo> listSelfManagedNodeGroups(ClusterRef cluster) {
    AutoScalingClient autoScaling = aws.autoScaling(cluster.region());
    List<AutoScalingGroup> groups = new ArrayList<>();
    autoScaling
        .describeAutoScalingGroupsPaginator(r -> r.filters(f -> f.name("tag-key").values(CLUSTER_TAG + cluster.name())))
        .autoScalingGroups()
        .forEach(
            g -> {
              if (isSelfManaged(g, cluster)) {
                groups.add(g);
              }
            });
    if (groups.isEmpty()) {
      log.info("{}: no self-managed node groups", cluster);
      return List.of();
    }
    List<Node> nodes = kubernetes.forCluster(cluster).nodes().list().getItems();
    Ec2Client ec2 = aws.ec2(cluster.region());
    List<SelfManagedGroupInfo> infos =
        groups.stream()
            .map(g -> info(ec2, cluster, g, nodes))
            .sorted(Comparator.comparing(SelfManagedGroupInfo::name))
            .toList();
    log.info(
        "{}: self-managed node group(s) {}",
        cluster,
        infos.stream().map(i -> i.name() + "@" + i.version()).toList());
    return infos;
  }

  /** Tagged for the cluster (owned or shared) and not behind a managed node group. */
  private static boolean isSelfManaged(AutoScalingGroup g, ClusterRef cluster) {
    Optional<String> owner = tag(g, CLUSTER_TAG + cluster.name());
    return owner.filter(v -> v.equals("owned") || v.equals("shared")).isPresent() && tag(g, MANAGED_GROUP_TAG).isEmpty();
  }

  private SelfManagedGroupInfo info(Ec2Client ec2, ClusterRef cluster, AutoScalingGroup g, List<Node> nodes) {
    LaunchTemplateSpecification lt = launchTemplateOf(g);
    String templateVersion = null;
    String imageId = null;
    if (lt != null) {
      Optional<LaunchTemplateVersion> v = launchTemplateVersion(ec2, lt);
      templateVersion = v.map(x -> String.valueOf(x.versionNumber())).orElse(lt.version());
      imageId = v.map(x -> x.launchTemplateData() == null ? null : x.launchTemplateData().imageId()).orElse(null);
    }
    List<String> instanceIds = instanceIds(g);
    return new SelfManagedGroupInfo(
        g.autoScalingGroupName(),
        oldestKubeletMinor(nodesOn(nodes, instanceIds)),
        lt == null ? null : lt.launchTemplateId(),
        templateVersion,
        imageId,
        orZero(g.minSize()),
        orZero(g.maxSize()),
        orZero(g.desiredCapacity()),
        subnets(g),
        instanceIds);
  }

  // ---- creating the replacement ----

  @Override
  public NodeGroupHandle createReplacementAutoScalingGroup(SelfManagedReplacementRequest request) {
    ClusterRef cluster = request.cluster();
    require(request.oldGroup(), "oldGroup");
    require(request.newGroup(), "newGroup");
    require(request.kubernetesVersion(), "kubernetesVersion");
    // The launch template version's ClientToken comes from it: without it a retry makes another.
    require(request.clientRequestToken(), "clientRequestToken");
    AutoScalingClient autoScaling = aws.autoScaling(cluster.region());

    Optional<AutoScalingGroup> existing = describe(autoScaling, request.newGroup());
    Optional<AutoScalingGroup> old = describe(autoScaling, request.oldGroup());
    if (existing.isPresent()) {
      return reused(request, existing.get(), old);
    }
    AutoScalingGroup from =
        old.orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    cluster + ": self-managed node group (Auto Scaling group) " + request.oldGroup() + " does not exist",
                    FailureTypes.NODE_GROUP_NOT_FOUND));
    requireSelfManaged(cluster, from);
    LaunchTemplateSpecification lt = from.launchTemplate();
    if (lt == null) {
      throw invalidRequest(
          cluster
              + ": Auto Scaling group "
              + from.autoScalingGroupName()
              + (from.mixedInstancesPolicy() != null
                  ? " uses a mixed instances policy"
                  : " uses a launch configuration")
              + "; only a group with a plain launch template can be replaced");
    }
    Ec2Client ec2 = aws.ec2(cluster.region());
    LaunchTemplateVersion current =
        launchTemplateVersion(ec2, lt)
            .orElseThrow(
                () ->
                    invalidRequest(
                        cluster + ": launch template " + templateName(lt) + " has no version " + lt.version()));
    String newVersion = newTemplateVersion(ec2, request, lt, current, from);

    CreateAutoScalingGroupRequest create = copyConfiguration(request.newGroup(), from, lt, newVersion);
    try {
      autoScaling.createAutoScalingGroup(create);
    } catch (AlreadyExistsException e) {
      // Another attempt made it first (AWS has no client token for this call): it is the one to use.
      log.info("{}: CreateAutoScalingGroup {} answered AlreadyExists; reusing", cluster, request.newGroup());
      AutoScalingGroup other =
          describe(autoScaling, request.newGroup())
              .orElseThrow(
                  () ->
                      ApplicationFailure.newFailure(
                          cluster + ": Auto Scaling answered AlreadyExists for " + request.newGroup()
                              + " but does not describe it: " + awsMessage(e),
                          "AutoScalingGroupConflict"));
      return reused(request, other, old);
    } catch (AutoScalingException e) {
      if (isValidationError(e)) {
        throw invalidRequest(
            cluster + ": Auto Scaling refused to create " + request.newGroup() + ": " + awsMessage(e));
      }
      throw e;
    }
    log.info(
        "{}: Auto Scaling group {} created beside {} with launch template {} version {} for Kubernetes {}",
        cluster,
        request.newGroup(),
        from.autoScalingGroupName(),
        templateName(lt),
        newVersion,
        request.kubernetesVersion());
    return new NodeGroupHandle(request.newGroup(), How.CREATED, null, orZero(from.desiredCapacity()), newVersion);
  }

  private NodeGroupHandle reused(
      SelfManagedReplacementRequest request, AutoScalingGroup group, Optional<AutoScalingGroup> old) {
    ClusterRef cluster = request.cluster();
    String version =
        oldestKubeletMinor(nodesOn(kubernetes.forCluster(cluster).nodes().list().getItems(), instanceIds(group)));
    if (version != null && !version.equals(request.kubernetesVersion())) {
      throw invalidRequest(
          cluster
              + ": Auto Scaling group "
              + group.autoScalingGroupName()
              + " already exists with nodes at "
              + version
              + ", not "
              + request.kubernetesVersion()
              + "; delete or rename it, or choose another name for the replacement");
    }
    int expected = orZero(old.orElse(group).desiredCapacity());
    String oldVersion = old.map(AutoScalingGroup::launchTemplate).map(LaunchTemplateSpecification::version).orElse(null);
    String templateVersion = group.launchTemplate() == null ? null : group.launchTemplate().version();
    String newVersion = templateVersion != null && !templateVersion.equals(oldVersion) ? templateVersion : null;
    log.info(
        "{}: Auto Scaling group {} already exists, reusing; expecting {} nodes",
        cluster,
        group.autoScalingGroupName(),
        expected);
    return new NodeGroupHandle(group.autoScalingGroupName(), How.REUSED, null, expected, newVersion);
  }

  /**
   * Makes the launch template version with the target version's AL2023 image from the old one;
   * returns its number.
   */
  private String newTemplateVersion(
      Ec2Client ec2,
      SelfManagedReplacementRequest request,
      LaunchTemplateSpecification lt,
      LaunchTemplateVersion current,
      AutoScalingGroup from) {
    String instanceType =
        current.launchTemplateData() == null ? null : current.launchTemplateData().instanceTypeAsString();
    List<String> instanceTypes = new ArrayList<>();
    if (instanceType != null && !instanceType.isBlank()) {
      instanceTypes.add(instanceType);
    }
    from.instances().stream().map(Instance::instanceType).filter(t -> t != null).forEach(instanceTypes::add);
    String architecture = Al2023Images.architecture(null, instanceTypes);
    String image =
        Al2023Images.recommendedImage(
            aws.ssm(request.cluster().region()), request.cluster(), request.kubernetesVersion(), architecture);
    String description =
        "eks-upgrader: " + request.newGroup() + " on AL2023 for Kubernetes " + request.kubernetesVersion();
    String token = EksNodeGroupActivities.launchTemplateToken(request.clientRequestToken());
    try {
      long number =
          ec2.createLaunchTemplateVersion(
                  r -> {
                    reference(r::launchTemplateId, r::launchTemplateName, lt);
                    r.sourceVersion(String.valueOf(current.versionNumber()))
                        .versionDescription(description)
                        .launchTemplateData(d -> d.imageId(image))
                        .clientToken(token);
                  })
              .launchTemplateVersion()
              .versionNumber();
      log.info(
          "{}: launch template {} version {} ({}) made from version {} ({})",
          request.cluster(),
          templateName(lt),
          number,
          image,
          current.versionNumber(),
          current.launchTemplateData() == null ? null : current.launchTemplateData().imageId());
      return String.valueOf(number);
    } catch (Ec2Exception e) {
      if (!"IdempotentParameterMismatch".equals(errorCode(e))) {
        throw e;
      }
      // The image changed since an earlier attempt used the token: take the version it made.
      return versionDescribedAs(ec2, lt, description)
          .orElseThrow(
              () ->
                  invalidRequest(
                      request.cluster()
                          + ": EC2 refused the launch template version's token as used with other parameters,"
                          + " and no version of "
                          + templateName(lt)
                          + " is described '"
                          + description
                          + "': "
                          + awsMessage(e)));
    }
  }

  private static Optional<String> versionDescribedAs(Ec2Client ec2, LaunchTemplateSpecification lt, String description) {
    List<LaunchTemplateVersion> all = new ArrayList<>();
    ec2.describeLaunchTemplateVersionsPaginator(r -> reference(r::launchTemplateId, r::launchTemplateName, lt))
        .launchTemplateVersions()
        .forEach(all::add);
    return all.stream()
        .filter(v -> description.equals(v.versionDescription()))
        .map(v -> String.valueOf(v.versionNumber()))
        .reduce((first, second) -> second);
  }

  /** The old group's configuration under the new name, with the new launch template version. */
  private static CreateAutoScalingGroupRequest copyConfiguration(
      String name, AutoScalingGroup from, LaunchTemplateSpecification lt, String version) {
    CreateAutoScalingGroupRequest.Builder create =
        CreateAutoScalingGroupRequest.builder()
            .autoScalingGroupName(name)
            .launchTemplate(
                lt.launchTemplateId() != null
                    ? LaunchTemplateSpecification.builder().launchTemplateId(lt.launchTemplateId()).version(version).build()
                    : LaunchTemplateSpecification.builder().launchTemplateName(lt.launchTemplateName()).version(version).build())
            .vpcZoneIdentifier(from.vpcZoneIdentifier())
            .minSize(from.minSize())
            .maxSize(from.maxSize())
            .desiredCapacity(from.desiredCapacity())
            .tags(copyableTags(from));
    if (from.healthCheckType() != null) {
      create.healthCheckType(from.healthCheckType());
    }
    if (from.healthCheckGracePeriod() != null) {
      create.healthCheckGracePeriod(from.healthCheckGracePeriod());
    }
    if (from.defaultCooldown() != null) {
      create.defaultCooldown(from.defaultCooldown());
    }
    if (!from.targetGroupARNs().isEmpty()) {
      create.targetGroupARNs(from.targetGroupARNs());
    }
    if (!from.loadBalancerNames().isEmpty()) {
      create.loadBalancerNames(from.loadBalancerNames());
    }
    if (!from.terminationPolicies().isEmpty()) {
      create.terminationPolicies(from.terminationPolicies());
    }
    if (from.capacityRebalance() != null) {
      create.capacityRebalance(from.capacityRebalance());
    }
    if (from.newInstancesProtectedFromScaleIn() != null) {
      create.newInstancesProtectedFromScaleIn(from.newInstancesProtectedFromScaleIn());
    }
    return create.build();
  }

  /** Tags a new group can carry: AWS refuses tags in its own {@code aws:} namespace. */
  static List<Tag> copyableTags(AutoScalingGroup g) {
    return g.tags().stream()
        .filter(t -> !t.key().startsWith("aws:"))
        .map(t -> Tag.builder().key(t.key()).value(t.value()).propagateAtLaunch(t.propagateAtLaunch()).build())
        .toList();
  }

  // ---- waiting for the new nodes ----

  @Override
  public NodeGroupReady awaitAutoScalingGroupReady(AwaitNodeGroupRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ClusterRef cluster = request.cluster();
    require(request.nodeGroup(), "nodeGroup");
    AutoScalingClient autoScaling = aws.autoScaling(cluster.region());
    ReadyWaitProgress progress = context.getHeartbeatDetails(ReadyWaitProgress.class).orElse(new ReadyWaitProgress(0, 0));
    if (progress.polls() > 0) {
      log.info("{}: resuming the wait for Auto Scaling group {} after {} polls", cluster, request.nodeGroup(), progress.polls());
    }
    while (true) {
      AutoScalingGroup group =
          describe(autoScaling, request.nodeGroup())
              .orElseThrow(
                  () ->
                      ApplicationFailure.newNonRetryableFailure(
                          cluster + ": Auto Scaling group " + request.nodeGroup() + " does not exist",
                          FailureTypes.NODE_GROUP_NOT_FOUND));
      int polls = progress.polls() + 1;
      long now = System.currentTimeMillis();
      long since = progress.nodesAwaitedSinceMillis() == 0 ? now : progress.nodesAwaitedSinceMillis();
      progress = new ReadyWaitProgress(polls, since);
      List<String> inService =
          group.instances().stream()
              .filter(i -> "InService".equals(i.lifecycleStateAsString()))
              .map(Instance::instanceId)
              .toList();
      NodeReadiness.Observation seen =
          inService.isEmpty()
              ? new NodeReadiness.Observation(true, List.of(), List.of(), null)
              : new NodeReadiness(kubernetes, cluster, request.nodeGroup(), inService).observe();
      if (seen.available() && seen.ready().size() >= request.expectedNodes()) {
        List<NodeJoin> joins = seen.joins();
        log.info(
            "{}: Auto Scaling group {} has {} InService instance(s) with Ready nodes after {} polls; join seconds {}",
            cluster,
            request.nodeGroup(),
            joins.size(),
            polls,
            joins.stream().map(j -> j.node() + "=" + j.joinSeconds()).toList());
        return new NodeGroupReady(request.nodeGroup(), joins, polls);
      }
      if (now - since > settings.nodeReadyTimeout().toMillis()) {
        List<String> pending =
            group.instances().stream()
                .filter(i -> !"InService".equals(i.lifecycleStateAsString()))
                .map(i -> i.instanceId() + " (" + i.lifecycleStateAsString() + ")")
                .toList();
        throw ApplicationFailure.newNonRetryableFailure(
            cluster
                + ": Auto Scaling group "
                + request.nodeGroup()
                + " has only "
                + seen.ready().size()
                + " of "
                + request.expectedNodes()
                + " nodes Ready after "
                + settings.nodeReadyTimeout()
                + "; NotReady: "
                + (seen.notReady().isEmpty() ? "none registered" : String.join(", ", seen.notReady()))
                + "; instances not InService: "
                + (pending.isEmpty() ? "none" : String.join(", ", pending))
                + (seen.available() ? "" : " (the Kubernetes API was unreachable: " + seen.error() + ")"),
            FailureTypes.NODES_NOT_READY);
      }
      log.debug(
          "{}: Auto Scaling group {}: {} InService, {} of {} nodes Ready (poll {})",
          cluster, request.nodeGroup(), inService.size(), seen.ready().size(), request.expectedNodes(), polls);
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.pollInterval(), progress);
    }
  }

  // ---- deleting the old group ----

  @Override
  public NodeGroupDeletion deleteSelfManagedNodeGroup(DeleteNodeGroupRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ClusterRef cluster = request.cluster();
    String name = request.nodeGroup();
    require(name, "nodeGroup");
    AutoScalingClient autoScaling = aws.autoScaling(cluster.region());
    DeletionProgress p =
        context.getHeartbeatDetails(DeletionProgress.class).orElse(new DeletionProgress(0, false, List.of(), false, name));
    Set<String> released = new LinkedHashSet<>(p.protectedInstancesReleased());
    boolean groupReleased = p.groupProtectionReleased();
    boolean deleteRequested = p.deleteRequested();
    int polls = p.polls();

    Optional<AutoScalingGroup> first = describe(autoScaling, name);
    if (first.isEmpty()) {
      Outcome outcome = deleteRequested ? Outcome.DELETED : Outcome.ALREADY_GONE;
      log.info("{}: Auto Scaling group {} not found: {}", cluster, name, outcome);
      return new NodeGroupDeletion(name, outcome, List.copyOf(released), groupReleased, name, null, polls);
    }
    AutoScalingGroup group = first.get();
    requireSelfManaged(cluster, group);
    if (group.status() != null && group.status().startsWith("Delete")) {
      log.info("{}: Auto Scaling group {} is already being deleted ({})", cluster, name, group.status());
      deleteRequested = true;
    } else {
      if (Boolean.TRUE.equals(group.newInstancesProtectedFromScaleIn())) {
        autoScaling.updateAutoScalingGroup(r -> r.autoScalingGroupName(name).newInstancesProtectedFromScaleIn(false));
        log.info("{}: NewInstancesProtectedFromScaleIn turned off on {}", cluster, name);
        groupReleased = true;
      }
      List<String> protectedIds =
          group.instances().stream()
              .filter(i -> Boolean.TRUE.equals(i.protectedFromScaleIn()))
              .map(Instance::instanceId)
              .toList();
      for (int from = 0; from < protectedIds.size(); from += PROTECTION_BATCH) {
        List<String> batch = List.copyOf(protectedIds.subList(from, Math.min(protectedIds.size(), from + PROTECTION_BATCH)));
        try {
          autoScaling.setInstanceProtection(
              r -> r.autoScalingGroupName(name).instanceIds(batch).protectedFromScaleIn(false));
          log.info("{}: scale-in protection removed from {} in {}", cluster, batch, name);
          released.addAll(batch);
        } catch (AutoScalingException e) {
          // Instances already terminating may refuse; ForceDelete terminates them regardless.
          log.warn("{}: SetInstanceProtection on {} failed: {}", cluster, name, awsMessage(e));
        }
      }
      context.heartbeat(new DeletionProgress(polls, deleteRequested, List.copyOf(released), groupReleased, name));
      deleteRequested |= requestDelete(autoScaling, cluster, name);
    }
    long start = System.nanoTime();
    while (true) {
      DeletionProgress progress = new DeletionProgress(polls, deleteRequested, List.copyOf(released), groupReleased, name);
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.pollInterval(), progress);
      polls++;
      Optional<AutoScalingGroup> seen = describe(autoScaling, name);
      if (seen.isEmpty()) {
        log.info("{}: Auto Scaling group {} deleted after {} polls", cluster, name, polls);
        return new NodeGroupDeletion(name, Outcome.DELETED, List.copyOf(released), groupReleased, name, null, polls);
      }
      String status = seen.get().status();
      if (status == null || !status.startsWith("Delete")) {
        // The last DeleteAutoScalingGroup was refused while a scaling activity ran: ask again.
        deleteRequested |= requestDelete(autoScaling, cluster, name);
      }
      if (System.nanoTime() - start > settings.deleteTimeout().toNanos()) {
        throw ApplicationFailure.newNonRetryableFailure(
            cluster
                + ": Auto Scaling group "
                + name
                + " is still there "
                + settings.deleteTimeout()
                + " after DeleteAutoScalingGroup (status "
                + status
                + ", instances "
                + seen.get().instances().stream().map(i -> i.instanceId() + " " + i.lifecycleStateAsString()).toList()
                + ")",
            FailureTypes.NODE_GROUP_FAILED);
      }
    }
  }

  /** DeleteAutoScalingGroup with ForceDelete; false when Auto Scaling asked to try later. */
  private static boolean requestDelete(AutoScalingClient autoScaling, ClusterRef cluster, String name) {
    try {
      autoScaling.deleteAutoScalingGroup(r -> r.autoScalingGroupName(name).forceDelete(true));
      log.info("{}: DeleteAutoScalingGroup {} ForceDelete", cluster, name);
      return true;
    } catch (ResourceInUseException | ScalingActivityInProgressException e) {
      log.info("{}: DeleteAutoScalingGroup {} refused for now ({}); observing", cluster, name, awsMessage(e));
      return false;
    } catch (AutoScalingException e) {
      if (isValidationError(e) && awsMessage(e).contains("not found")) {
        // Gone between the describe and the delete; the next observation says so.
        return true;
      }
      throw e;
    }
  }

  /**
   * Never touch an ASG that is not a self-managed group of this cluster: a wrong name would
   * terminate a managed group's or another cluster's instances.
   */
  private static void requireSelfManaged(ClusterRef cluster, AutoScalingGroup g) {
    if (!isSelfManaged(g, cluster)) {
      throw ApplicationFailure.newNonRetryableFailure(
          cluster
              + ": Auto Scaling group "
              + g.autoScalingGroupName()
              + " is not a self-managed node group of this cluster (tags "
              + g.tags().stream().map(t -> t.key() + "=" + t.value()).toList()
              + ")",
          IllegalArgumentException.class.getName());
    }
  }

  // ---- reading ----

  private static Optional<AutoScalingGroup> describe(AutoScalingClient autoScaling, String name) {
    return autoScaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().stream()
        .filter(g -> name.equals(g.autoScalingGroupName()))
        .findFirst();
  }

  /** The group's launch template, directly or inside its mixed instances policy; null for neither. */
  private static LaunchTemplateSpecification launchTemplateOf(AutoScalingGroup g) {
    if (g.launchTemplate() != null) {
      return g.launchTemplate();
    }
    if (g.mixedInstancesPolicy() != null && g.mixedInstancesPolicy().launchTemplate() != null) {
      return g.mixedInstancesPolicy().launchTemplate().launchTemplateSpecification();
    }
    return null;
  }

  private static Optional<LaunchTemplateVersion> launchTemplateVersion(Ec2Client ec2, LaunchTemplateSpecification lt) {
    try {
      return ec2
          .describeLaunchTemplateVersions(
              r -> {
                reference(r::launchTemplateId, r::launchTemplateName, lt);
                r.versions(lt.version() != null ? lt.version() : "$Default");
              })
          .launchTemplateVersions()
          .stream()
          .findFirst();
    } catch (Ec2Exception e) {
      String code = errorCode(e);
      if (code != null && code.startsWith("InvalidLaunchTemplate")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** EC2 takes a launch template by id or by name, never both. */
  private static void reference(
      java.util.function.Consumer<String> byId, java.util.function.Consumer<String> byName, LaunchTemplateSpecification lt) {
    if (lt.launchTemplateId() != null) {
      byId.accept(lt.launchTemplateId());
    } else {
      byName.accept(lt.launchTemplateName());
    }
  }

  private static String templateName(LaunchTemplateSpecification lt) {
    return lt.launchTemplateId() != null ? lt.launchTemplateId() : lt.launchTemplateName();
  }

  private static List<String> instanceIds(AutoScalingGroup g) {
    return g.instances().stream().map(Instance::instanceId).sorted().toList();
  }

  private static List<String> subnets(AutoScalingGroup g) {
    String zones = g.vpcZoneIdentifier();
    if (zones == null || zones.isBlank()) {
      return List.of();
    }
    return Arrays.stream(zones.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static List<Node> nodesOn(List<Node> nodes, List<String> instanceIds) {
    return nodes.stream().filter(n -> NodeInstance.runsOn(n, instanceIds)).toList();
  }

  /** The lowest kubelet minor among the nodes ("1.32"), or null when none says. */
  static String oldestKubeletMinor(List<Node> nodes) {
    return nodes.stream()
        .map(n -> n.getStatus() == null || n.getStatus().getNodeInfo() == null ? null : n.getStatus().getNodeInfo().getKubeletVersion())
        .map(AutoScalingSelfManagedNodeGroupActivities::minor)
        .filter(v -> v != null)
        .min(Comparator.comparingInt((String v) -> Integer.parseInt(v.split("\\.")[0]))
            .thenComparingInt(v -> Integer.parseInt(v.split("\\.")[1])))
        .orElse(null);
  }

  /** "v1.32.9-eks-1234567" → "1.32"; null when it is no version. */
  static String minor(String kubeletVersion) {
    return io.eksupgrader.activities.kube.KubeletVersions.minor(kubeletVersion);
  }


  private static Optional<String> tag(AutoScalingGroup g, String key) {
    return g.tags().stream().filter(t -> key.equals(t.key())).map(TagDescription::value).findFirst();
  }

  private static boolean isValidationError(AwsServiceException e) {
    return "ValidationError".equals(errorCode(e));
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static String awsMessage(AwsServiceException e) {
    return io.eksupgrader.activities.eks.AwsErrors.message(e);
  }

  private static ApplicationFailure invalidRequest(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.EKS_INVALID_REQUEST);
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(name + " is required", IllegalArgumentException.class.getName());
    }
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
