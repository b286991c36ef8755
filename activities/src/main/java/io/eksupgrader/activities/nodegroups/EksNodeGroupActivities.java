package io.eksupgrader.activities.nodegroups;

import io.eksupgrader.activities.eks.Heartbeats;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.awsMessage;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.clusterNotFound;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.describe;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.healthIssues;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.info;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.invalidRequest;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.nodeGroupNotFound;
import static io.eksupgrader.activities.nodegroups.EksNodeGroups.require;

import io.eksupgrader.activities.eks.AwsClientsProvider;
import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.NodeGroupActivities;
import io.eksupgrader.workflows.model.AwaitNodeGroupRequest;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.ForceDeleteAsgRequest;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupHandle;
import io.eksupgrader.workflows.model.NodeGroupHandle.How;
import io.eksupgrader.workflows.model.NodeGroupInfo;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.NodeGroupReady.NodeJoin;
import io.eksupgrader.workflows.model.ReplacementNodeGroupRequest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.CreateNodegroupRequest;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * Blue/green replacement of EKS managed node groups, safe when run more than once.
 *
 * <p>Create observes before it acts. A group of the new name that already exists (an earlier
 * attempt made it) is reused, provided it runs the requested version. Otherwise the old group's
 * configuration is copied: subnets, instance types, scaling sizes, labels, taints, node role,
 * capacity type, remote access and disk size (both only without a launch template, as EKS
 * requires), update config and tags, at the new Kubernetes version on Amazon Linux 2023:
 *
 * <ul>
 *   <li>without a launch template, EKS picks the image: the AL2023 amiType of the old group's
 *       architecture ({@link Al2023Images#amiType});
 *   <li>with a launch template that names no image, the same template and version, and the AL2023
 *       amiType;
 *   <li>with a launch template that names an image (a custom AMI), a new template version made
 *       from the old one with the EKS-optimized AL2023 image of the target version (SSM parameter
 *       {@code /aws/service/eks/optimized-ami/<version>/amazon-linux-2023/<arch>/standard/recommended/image_id}),
 *       with a client token derived from the request's token so that a retry gets the same
 *       version. EKS then takes neither amiType nor version: it refuses both for custom AMIs.
 * </ul>
 *
 * CreateNodegroup carries the request's token; a 409 for the name (another attempt's group) is
 * answered by describing and reusing that group.
 *
 * <p>Await polls DescribeNodegroup and the group's Kubernetes nodes (label {@code
 * eks.amazonaws.com/nodegroup}) until the group is ACTIVE and the expected number of nodes are
 * Ready, heartbeating its progress, which a retried attempt continues. Each node's join latency is
 * its Ready condition's last transition minus its creation.
 *
 * <p>Deletion is {@link NodeGroupTeardown}'s job.
 */
public class EksNodeGroupActivities implements NodeGroupActivities {

  private static final Logger log = LoggerFactory.getLogger(EksNodeGroupActivities.class);

  static final String NODE_GROUP_LABEL = "eks.amazonaws.com/nodegroup";

  /** Statuses from which a group will not become ACTIVE by itself. */
  private static final Set<String> BROKEN = Set.of("CREATE_FAILED", "DEGRADED", "DELETE_FAILED", "DELETING");

  private final EksClientProvider eksClients;
  private final AwsClientsProvider awsClients;
  private final KubernetesClientProvider kubernetes;
  private final NodeGroupActivitySettings settings;
  private final NodeGroupTeardown teardown;

  public EksNodeGroupActivities(
      EksClientProvider eksClients,
      AwsClientsProvider awsClients,
      KubernetesClientProvider kubernetes,
      NodeGroupActivitySettings settings) {
    this.eksClients = eksClients;
    this.awsClients = awsClients;
    this.kubernetes = kubernetes;
    this.settings = settings;
    this.teardown = new NodeGroupTeardown(eksClients, awsClients, settings);
  }

  @Override
  public List<NodeGroupInfo> listNodeGroups(ClusterRef cluster) {
    EksClient eks = eksClients.forRegion(cluster.region());
    List<String> names;
    try {
      names = new ArrayList<>();
      eks.listNodegroupsPaginator(r -> r.clusterName(cluster.name())).nodegroups().forEach(names::add);
    } catch (ResourceNotFoundException e) {
      throw clusterNotFound(cluster, e);
    }
    // A group deleted between the list and its describe is simply no longer there.
    List<NodeGroupInfo> groups =
        names.stream()
            .map(name -> describe(eks, cluster, name))
            .flatMap(Optional::stream)
            .map(EksNodeGroups::info)
            .sorted(Comparator.comparing(NodeGroupInfo::name))
            .toList();
    log.info("{}: {} node group(s) {}", cluster, groups.size(), groups.stream().map(NodeGroupInfo::name).toList());
    return groups;
  }

  @Override
  public NodeGroupHandle createReplacementNodeGroup(ReplacementNodeGroupRequest request) {
    ClusterRef cluster = request.cluster();
    require(request.oldNodeGroup(), "oldNodeGroup");
    require(request.newNodeGroup(), "newNodeGroup");
    require(request.kubernetesVersion(), "kubernetesVersion");
    // Without a token the SDK makes a random one per call, and a retry could make a second group.
    require(request.clientRequestToken(), "clientRequestToken");
    EksClient eks = eksClients.forRegion(cluster.region());

    Optional<Nodegroup> existing = describe(eks, cluster, request.newNodeGroup());
    Optional<Nodegroup> old = describe(eks, cluster, request.oldNodeGroup());
    if (existing.isPresent()) {
      return reused(request, existing.get(), old);
    }
    if (old.isEmpty()) {
      throw nodeGroupNotFound(cluster, request.oldNodeGroup());
    }
    Nodegroup from = old.get();
    CreateNodegroupRequest.Builder create = copyConfiguration(request, from);
    String newTemplateVersion = chooseImage(request, from, create);

    Nodegroup created;
    try {
      created = eks.createNodegroup(create.build()).nodegroup();
    } catch (ResourceInUseException e) {
      // Another attempt (with another token) made the group first: it is the one to use.
      log.info("{}: CreateNodegroup {} answered 409 ({}); reusing", cluster, request.newNodeGroup(), awsMessage(e));
      Nodegroup other =
          describe(eks, cluster, request.newNodeGroup())
              .orElseThrow(() -> ApplicationFailure.newFailure(
                  cluster + ": EKS answered 409 for node group " + request.newNodeGroup()
                      + " but does not describe it: " + awsMessage(e),
                  "NodeGroupConflict"));
      return reused(request, other, old);
    } catch (InvalidParameterException | InvalidRequestException e) {
      throw invalidRequest(
          cluster + ": EKS refused to create node group " + request.newNodeGroup() + ": " + awsMessage(e));
    } catch (ResourceNotFoundException e) {
      throw clusterNotFound(cluster, e);
    }
    log.info(
        "{}: node group {} created ({}) from {} at {}, amiType {}, launch template {}",
        cluster,
        created.nodegroupName(),
        created.statusAsString(),
        from.nodegroupName(),
        request.kubernetesVersion(),
        created.amiTypeAsString(),
        created.launchTemplate());
    return new NodeGroupHandle(
        created.nodegroupName(), How.CREATED, info(created), EksNodeGroups.desiredSize(from), newTemplateVersion);
  }

  private NodeGroupHandle reused(ReplacementNodeGroupRequest request, Nodegroup group, Optional<Nodegroup> old) {
    if (group.version() != null && !group.version().equals(request.kubernetesVersion())) {
      throw invalidRequest(
          request.cluster()
              + ": node group "
              + group.nodegroupName()
              + " already exists at version "
              + group.version()
              + ", not "
              + request.kubernetesVersion()
              + "; delete or rename it, or choose another name for the replacement");
    }
    int expected = EksNodeGroups.desiredSize(old.orElse(group));
    log.info(
        "{}: node group {} already exists ({}), reusing; expecting {} nodes",
        request.cluster(),
        group.nodegroupName(),
        group.statusAsString(),
        expected);
    return new NodeGroupHandle(group.nodegroupName(), How.REUSED, info(group), expected, newTemplateVersion(group, old));
  }

  /** The template version the replacement uses when it differs from the old group's, else null. */
  private static String newTemplateVersion(Nodegroup group, Optional<Nodegroup> old) {
    LaunchTemplateSpecification lt = group.launchTemplate();
    if (lt == null) {
      return null;
    }
    String oldVersion = old.map(Nodegroup::launchTemplate).map(LaunchTemplateSpecification::version).orElse(null);
    return lt.version() != null && !lt.version().equals(oldVersion) ? lt.version() : null;
  }

  /** Everything but the image: the old group's configuration under the new name. */
  private static CreateNodegroupRequest.Builder copyConfiguration(
      ReplacementNodeGroupRequest request, Nodegroup from) {
    CreateNodegroupRequest.Builder create =
        CreateNodegroupRequest.builder()
            .clusterName(request.cluster().name())
            .nodegroupName(request.newNodeGroup())
            .clientRequestToken(request.clientRequestToken())
            .scalingConfig(from.scalingConfig())
            .subnets(from.subnets())
            .nodeRole(from.nodeRole())
            .labels(from.labels())
            .taints(from.taints())
            .tags(EksNodeGroups.copyableTags(from));
    if (from.capacityType() != null) {
      create.capacityType(from.capacityTypeAsString());
    }
    if (!from.instanceTypes().isEmpty()) {
      create.instanceTypes(from.instanceTypes());
    }
    if (from.updateConfig() != null) {
      create.updateConfig(from.updateConfig());
    }
    if (from.launchTemplate() == null) {
      // EKS refuses these beside a launch template, which carries them itself.
      if (from.diskSize() != null) {
        create.diskSize(from.diskSize());
      }
      if (from.remoteAccess() != null) {
        create.remoteAccess(from.remoteAccess());
      }
    }
    return create;
  }

  /**
   * Sets the image of the new group on {@code create}; returns the launch template version made
   * for it, or null when none was needed.
   */
  private String chooseImage(ReplacementNodeGroupRequest request, Nodegroup from, CreateNodegroupRequest.Builder create) {
    String version = request.kubernetesVersion();
    LaunchTemplateSpecification lt = from.launchTemplate();
    if (lt == null) {
      create.amiType(Al2023Images.amiType(from.amiTypeAsString())).version(version);
      return null;
    }
    Ec2Client ec2 = awsClients.ec2(request.cluster().region());
    LaunchTemplateVersion current = launchTemplateVersion(ec2, request.cluster(), lt);
    String oldImage = current.launchTemplateData() == null ? null : current.launchTemplateData().imageId();
    if (oldImage == null) {
      create.launchTemplate(reference(lt, lt.version()))
          .amiType(Al2023Images.amiType(from.amiTypeAsString()))
          .version(version);
      return null;
    }
    String architecture = Al2023Images.architecture(from.amiTypeAsString(), from.instanceTypes());
    String image =
        Al2023Images.recommendedImage(
            awsClients.ssm(request.cluster().region()), request.cluster(), request.kubernetesVersion(), architecture);
    String newVersion =
        String.valueOf(
            ec2.createLaunchTemplateVersion(
                    r -> {
                      if (lt.id() != null) {
                        r.launchTemplateId(lt.id());
                      } else {
                        r.launchTemplateName(lt.name());
                      }
                      r.sourceVersion(String.valueOf(current.versionNumber()))
                          .versionDescription(
                              "eks-upgrader: " + request.newNodeGroup() + " on AL2023 for Kubernetes " + version)
                          .launchTemplateData(d -> d.imageId(image))
                          .clientToken(launchTemplateToken(request.clientRequestToken()));
                    })
                .launchTemplateVersion()
                .versionNumber());
    log.info(
        "{}: launch template {} version {} ({}) made from version {} ({})",
        request.cluster(),
        lt.id() != null ? lt.id() : lt.name(),
        newVersion,
        image,
        current.versionNumber(),
        oldImage);
    // A custom AMI: EKS refuses amiType and version, and reads both from the image.
    create.launchTemplate(reference(lt, newVersion));
    return newVersion;
  }

  private static LaunchTemplateVersion launchTemplateVersion(
      Ec2Client ec2, ClusterRef cluster, LaunchTemplateSpecification lt) {
    try {
      List<LaunchTemplateVersion> versions =
          ec2.describeLaunchTemplateVersions(
                  r -> {
                    if (lt.id() != null) {
                      r.launchTemplateId(lt.id());
                    } else {
                      r.launchTemplateName(lt.name());
                    }
                    r.versions(lt.version() != null ? lt.version() : "$Default");
                  })
              .launchTemplateVersions();
      if (versions.isEmpty()) {
        throw invalidRequest(cluster + ": launch template " + templateName(lt) + " has no version " + lt.version());
      }
      return versions.get(0);
    } catch (Ec2Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (code != null && code.startsWith("InvalidLaunchTemplate")) {
        throw invalidRequest(
            cluster + ": launch template " + templateName(lt) + " version " + lt.version() + ": " + awsMessage(e));
      }
      throw e;
    }
  }

  /** EKS takes a launch template by id or by name, never both. */
  private static LaunchTemplateSpecification reference(LaunchTemplateSpecification lt, String version) {
    return lt.id() != null
        ? LaunchTemplateSpecification.builder().id(lt.id()).version(version).build()
        : LaunchTemplateSpecification.builder().name(lt.name()).version(version).build();
  }

  private static String templateName(LaunchTemplateSpecification lt) {
    return lt.id() != null ? lt.id() : lt.name();
  }

  /**
   * The EC2 client token of the launch template version for a replacement: derived from the
   * node group's token, so that a retried attempt gets the version the first one made, and
   * different from it, since the two calls create different things. EC2 takes at most 64
   * characters; longer tokens are hashed.
   */
  public static String launchTemplateToken(String clientRequestToken) {
    String token = "lt-" + clientRequestToken;
    if (token.length() <= 64) {
      return token;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(clientRequestToken.getBytes(StandardCharsets.UTF_8));
      return "lt-" + HexFormat.of().formatHex(digest).substring(0, 61);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public NodeGroupReady awaitNodeGroupReady(AwaitNodeGroupRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ClusterRef cluster = request.cluster();
    require(request.nodeGroup(), "nodeGroup");
    EksClient eks = eksClients.forRegion(cluster.region());
    ReadyWaitProgress progress =
        context.getHeartbeatDetails(ReadyWaitProgress.class).orElse(ReadyWaitProgress.start());
    if (progress.polls() > 0) {
      log.info("{}: resuming the wait for node group {} after {} polls", cluster, request.nodeGroup(), progress.polls());
    }
    NodeReadiness nodes = new NodeReadiness(kubernetes, cluster, request.nodeGroup());
    while (true) {
      Nodegroup group = describe(eks, cluster, request.nodeGroup())
          .orElseThrow(() -> nodeGroupNotFound(cluster, request.nodeGroup()));
      String status = group.statusAsString();
      int polls = progress.polls() + 1;
      progress = new ReadyWaitProgress(polls, progress.nodesAwaitedSinceMillis());
      if (BROKEN.contains(status)) {
        String issues = healthIssues(group);
        log.warn("{}: node group {} is {}: {}", cluster, request.nodeGroup(), status, issues);
        throw ApplicationFailure.newNonRetryableFailure(
            cluster + ": node group " + request.nodeGroup() + " is " + status + ": " + issues,
            FailureTypes.NODE_GROUP_FAILED);
      }
      if ("ACTIVE".equals(status)) {
        NodeReadiness.Observation seen = nodes.observe();
        if (seen.available() && seen.ready().size() >= request.expectedNodes()) {
          List<NodeJoin> joins = seen.joins();
          log.info(
              "{}: node group {} ACTIVE with {} Ready node(s) after {} polls; join seconds {}",
              cluster,
              request.nodeGroup(),
              joins.size(),
              polls,
              joins.stream().map(j -> j.node() + "=" + j.joinSeconds()).toList());
          return new NodeGroupReady(request.nodeGroup(), joins, polls);
        }
        long now = System.currentTimeMillis();
        long since = progress.nodesAwaitedSinceMillis() == 0 ? now : progress.nodesAwaitedSinceMillis();
        progress = new ReadyWaitProgress(polls, since);
        if (now - since > settings.nodeReadyTimeout().toMillis()) {
          throw ApplicationFailure.newNonRetryableFailure(
              cluster
                  + ": node group "
                  + request.nodeGroup()
                  + " is ACTIVE but only "
                  + seen.ready().size()
                  + " of "
                  + request.expectedNodes()
                  + " nodes turned Ready within "
                  + settings.nodeReadyTimeout()
                  + "; NotReady: "
                  + (seen.notReady().isEmpty() ? "none registered" : String.join(", ", seen.notReady()))
                  + (seen.available() ? "" : " (the Kubernetes API was unreachable: " + seen.error() + ")"),
              FailureTypes.NODES_NOT_READY);
        }
        log.debug(
            "{}: node group {} ACTIVE, {} of {} nodes Ready (poll {})",
            cluster, request.nodeGroup(), seen.ready().size(), request.expectedNodes(), polls);
      } else {
        log.debug("{}: node group {} {} (poll {})", cluster, request.nodeGroup(), status, polls);
      }
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.pollInterval(), progress);
    }
  }

  @Override
  public NodeGroupDeletion deleteNodeGroup(DeleteNodeGroupRequest request) {
    return teardown.delete(request);
  }

  @Override
  public NodeGroupDeletion forceDeleteAutoScalingGroup(ForceDeleteAsgRequest request) {
    return teardown.forceDeleteAutoScalingGroup(request);
  }
}
