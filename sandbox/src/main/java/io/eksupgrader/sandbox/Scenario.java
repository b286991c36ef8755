package io.eksupgrader.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The starting world of a sandbox run: clusters, the versions EKS offers, simulated durations and
 * the faults to inject. Every duration is simulated time; {@link #timeScale()} says how many
 * simulated seconds pass per real second.
 *
 * <p>Scenarios are YAML files read strictly: an unknown key or a bad value is refused with a
 * message naming the file, the key and the value (see {@link ScenarioException}).
 *
 * @param source where the scenario came from (file name or resource), used in messages
 * @param startTime the simulated instant at which the run starts; null means the real time at
 *     which the server starts
 * @param prometheus what the sandbox's Prometheus answers; {@link PrometheusScript#none()} when the
 *     scenario says nothing
 */
public record Scenario(
    String name,
    String source,
    double timeScale,
    Instant startTime,
    List<ClusterSpec> clusters,
    List<OfferedVersionSpec> offeredVersions,
    Durations durations,
    Faults faults,
    PrometheusScript prometheus) {

  public Scenario {
    clusters = List.copyOf(clusters);
    offeredVersions = List.copyOf(offeredVersions);
    prometheus = prometheus == null ? PrometheusScript.none() : prometheus;
  }

  /** A scenario whose Prometheus answers every query with no data. */
  public Scenario(
      String name,
      String source,
      double timeScale,
      Instant startTime,
      List<ClusterSpec> clusters,
      List<OfferedVersionSpec> offeredVersions,
      Durations durations,
      Faults faults) {
    this(name, source, timeScale, startTime, clusters, offeredVersions, durations, faults, PrometheusScript.none());
  }

  /**
   * A cluster that exists when the run starts.
   *
   * @param nodeGroups its EKS managed node groups; their nodes exist and are Ready at the start
   * @param kubernetes what runs inside the cluster; {@link KubernetesSpec#empty()} when the
   *     scenario says nothing
   * @param selfManagedGroups its self-managed node groups (ASGs); their nodes exist and are Ready
   *     at the start
   * @param insights its EKS upgrade insights; null: the passing ones EKS shows for a clean cluster
   *     (see {@link UpgradeInsights})
   * @param subnets the subnets the cluster was created in (resourcesVpcConfig), which EC2 describes
   * @param roleMissing the cluster's IAM role ({@code roleArn}) has been deleted
   * @param secretsEncryptionKey the KMS key that envelope-encrypts its Secrets, or null
   * @param logging the control-plane log types sent to CloudWatch; empty: none
   * @param velero Velero in the cluster, or {@link VeleroSpec#none()}
   */
  public record ClusterSpec(
      String name,
      String region,
      String version,
      String status,
      String platformVersion,
      String roleArn,
      List<NodeGroupSpec> nodeGroups,
      KubernetesSpec kubernetes,
      List<SelfManagedGroupSpec> selfManagedGroups,
      KarpenterSpec karpenter,
      List<FargateProfileSpec> fargateProfiles,
      List<AddonSpec> addons,
      IstioSpec istio,
      List<InsightSpec> insights,
      List<SubnetSpec> subnets,
      boolean roleMissing,
      EncryptionKeySpec secretsEncryptionKey,
      List<String> logging,
      VeleroSpec velero) {

    public ClusterSpec {
      nodeGroups = List.copyOf(nodeGroups);
      selfManagedGroups = selfManagedGroups == null ? List.of() : List.copyOf(selfManagedGroups);
      karpenter = karpenter == null ? KarpenterSpec.none() : karpenter;
      fargateProfiles = fargateProfiles == null ? List.of() : List.copyOf(fargateProfiles);
      addons = addons == null ? List.of() : List.copyOf(addons);
      istio = istio == null ? IstioSpec.none() : istio;
      insights = insights == null ? null : List.copyOf(insights);
      subnets = subnets == null ? SubnetSpec.defaults(region, name) : List.copyOf(subnets);
      logging = logging == null ? List.of() : List.copyOf(logging);
      velero = velero == null ? VeleroSpec.none() : velero;
    }

    /** A cluster as scenarios before the pre-flight keys describe it: EKS's defaults for those. */
    public ClusterSpec(
        String name,
        String region,
        String version,
        String status,
        String platformVersion,
        String roleArn,
        List<NodeGroupSpec> nodeGroups,
        KubernetesSpec kubernetes,
        List<SelfManagedGroupSpec> selfManagedGroups,
        KarpenterSpec karpenter,
        List<FargateProfileSpec> fargateProfiles,
        List<AddonSpec> addons,
        IstioSpec istio) {
      this(
          name, region, version, status, platformVersion, roleArn, nodeGroups, kubernetes,
          selfManagedGroups, karpenter, fargateProfiles, addons, istio, null, null, false, null,
          List.of(), VeleroSpec.none());
    }

    /** A cluster without Istio. */
    public ClusterSpec(
        String name,
        String region,
        String version,
        String status,
        String platformVersion,
        String roleArn,
        List<NodeGroupSpec> nodeGroups,
        KubernetesSpec kubernetes,
        List<SelfManagedGroupSpec> selfManagedGroups,
        KarpenterSpec karpenter,
        List<FargateProfileSpec> fargateProfiles,
        List<AddonSpec> addons) {
      this(
          name, region, version, status, platformVersion, roleArn, nodeGroups, kubernetes,
          selfManagedGroups, karpenter, fargateProfiles, addons, IstioSpec.none());
    }

    public ClusterSpec(
        String name,
        String region,
        String version,
        String status,
        String platformVersion,
        String roleArn,
        List<NodeGroupSpec> nodeGroups,
        KubernetesSpec kubernetes,
        List<SelfManagedGroupSpec> selfManagedGroups,
        KarpenterSpec karpenter,
        List<FargateProfileSpec> fargateProfiles) {
      this(
          name, region, version, status, platformVersion, roleArn, nodeGroups, kubernetes,
          selfManagedGroups, karpenter, fargateProfiles, List.of());
    }

    public ClusterSpec(
        String name,
        String region,
        String version,
        String status,
        String platformVersion,
        String roleArn,
        List<NodeGroupSpec> nodeGroups,
        KubernetesSpec kubernetes,
        List<SelfManagedGroupSpec> selfManagedGroups) {
      this(
          name, region, version, status, platformVersion, roleArn, nodeGroups, kubernetes,
          selfManagedGroups, KarpenterSpec.none(), List.of(), List.of());
    }

    /** A cluster without node groups or workloads, as scenarios of the control plane only use. */
    public ClusterSpec(
        String name, String region, String version, String status, String platformVersion, String roleArn) {
      this(name, region, version, status, platformVersion, roleArn, List.of(), KubernetesSpec.empty());
    }

    /** A cluster with managed node groups only. */
    public ClusterSpec(
        String name,
        String region,
        String version,
        String status,
        String platformVersion,
        String roleArn,
        List<NodeGroupSpec> nodeGroups,
        KubernetesSpec kubernetes) {
      this(name, region, version, status, platformVersion, roleArn, nodeGroups, kubernetes, List.of());
    }
  }

  /**
   * One EKS upgrade insight, as {@code ListInsights} and {@code DescribeInsight} report it.
   *
   * @param id the insight's id (a UUID)
   * @param category UPGRADE_READINESS or MISCONFIGURATION
   * @param kubernetesVersion the minor the insight is about, e.g. "1.33"
   * @param status PASSING, WARNING, ERROR or UNKNOWN
   * @param recommendation null when EKS gives none
   * @param additionalInfo link titles to URLs
   * @param resources the objects the insight found, each with its own status
   * @param deprecations the deprecated APIs in use (the category-specific summary)
   */
  public record InsightSpec(
      String id,
      String name,
      String category,
      String kubernetesVersion,
      String status,
      String reason,
      String description,
      String recommendation,
      Map<String, String> additionalInfo,
      List<InsightResourceSpec> resources,
      List<DeprecationSpec> deprecations) {

    public InsightSpec {
      additionalInfo = Map.copyOf(additionalInfo);
      resources = List.copyOf(resources);
      deprecations = List.copyOf(deprecations);
    }
  }

  /**
   * A resource an insight names.
   *
   * @param uri its Kubernetes resource URI, e.g. /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas
   * @param arn null unless the resource is an AWS one
   * @param status the resource's insight status; reason may be null
   */
  public record InsightResourceSpec(String uri, String arn, String status, String reason) {}

  /**
   * One deprecated API an insight found in use.
   *
   * @param usage the deprecated API's URI
   * @param replacedWith the URI of its replacement, or null when there is none
   * @param stopServingVersion the minor that stops serving it
   * @param startServingReplacementVersion the first minor that serves the replacement, or null
   * @param clientStats who called it in the last 30 days
   */
  public record DeprecationSpec(
      String usage,
      String replacedWith,
      String stopServingVersion,
      String startServingReplacementVersion,
      List<ClientStatSpec> clientStats) {

    public DeprecationSpec {
      clientStats = List.copyOf(clientStats);
    }
  }

  /** A client of a deprecated API: its user agent, requests in the last 30 days, last request. */
  public record ClientStatSpec(String userAgent, int numberOfRequestsLast30Days, Instant lastRequestTime) {}

  /**
   * A subnet of the cluster's VPC.
   *
   * @param id e.g. subnet-0a1b2c3d
   * @param availabilityZone e.g. us-east-1a (in the cluster's region)
   * @param availableIps the free IPv4 addresses EC2 reports (availableIpAddressCount)
   * @param cidrBlock its IPv4 range, large enough for availableIps plus AWS's five reserved
   */
  public record SubnetSpec(String id, String availabilityZone, int availableIps, String cidrBlock) {

    /** Two subnets in different zones with 200 free addresses each, ids stable per cluster. */
    public static List<SubnetSpec> defaults(String region, String cluster) {
      return List.of(
          new SubnetSpec(defaultId(region, cluster, 0), region + "a", 200, defaultCidr(0)),
          new SubnetSpec(defaultId(region, cluster, 1), region + "b", 200, defaultCidr(1)));
    }

    /** A stable subnet id for the n-th subnet of a cluster: subnet- and 17 hex digits. */
    static String defaultId(String region, String cluster, int n) {
      return "subnet-0"
          + UUID.nameUUIDFromBytes(
                  (region + "/" + cluster + "/subnet/" + n).getBytes(StandardCharsets.UTF_8))
              .toString()
              .replace("-", "")
              .substring(0, 16);
    }

    /** The n-th /20 of 10.0.0.0/16: 4091 usable addresses. */
    static String defaultCidr(int n) {
      return "10.0." + (n * 16) + ".0/20";
    }
  }

  /**
   * The KMS key of a cluster's secrets encryption.
   *
   * @param arn arn:aws:kms:&lt;region&gt;:&lt;account&gt;:key/&lt;id&gt;
   * @param state Enabled, Disabled or PendingDeletion (KMS's KeyState)
   */
  public record EncryptionKeySpec(String arn, String state) {

    /** The key id: what follows {@code key/} in the ARN. */
    public String keyId() {
      return arn.substring(arn.indexOf(":key/") + 5);
    }

    /** The key's region, from its ARN. */
    public String region() {
      return arn.split(":")[3];
    }
  }

  /**
   * Velero in a cluster: its Backup CRD and a simulated server that runs Backups created in its
   * namespace.
   *
   * @param namespace where Velero runs and takes Backups; null: Velero is not installed
   */
  public record VeleroSpec(String namespace) {

    public static VeleroSpec none() {
      return new VeleroSpec(null);
    }

    public boolean installed() {
      return namespace != null;
    }
  }

  /**
   * A self-managed node group: an Auto Scaling group with a launch template, tagged {@code
   * kubernetes.io/cluster/<cluster>=owned}, whose instances join the cluster without an EKS managed
   * node group. Its nodes carry the label {@code alpha.eksctl.io/nodegroup-name=<name>} (as eksctl
   * sets it) besides {@code labels}, and no {@code eks.amazonaws.com/nodegroup} label.
   *
   * @param name the ASG's name
   * @param version the kubelet version of its nodes, e.g. "1.32"
   * @param launchTemplate the template and version the ASG launches; its imageId is the nodes' AMI
   * @param instancesProtected the ASG's instances carry scale-in protection, and so do new ones
   *     (NewInstancesProtectedFromScaleIn)
   */
  public record SelfManagedGroupSpec(
      String name,
      String version,
      int minSize,
      int maxSize,
      int desiredSize,
      List<String> subnets,
      LaunchTemplateSpec launchTemplate,
      Map<String, String> labels,
      boolean instancesProtected) {

    public SelfManagedGroupSpec {
      subnets = List.copyOf(subnets);
      labels = Map.copyOf(labels);
    }
  }

  /**
   * An EKS managed node group and the Auto Scaling group behind it.
   *
   * @param version the Kubernetes version of its nodes (kubelet), e.g. "1.32"
   * @param amiType e.g. AL2_x86_64, AL2023_x86_64_STANDARD, CUSTOM (with a launch template)
   * @param desiredSize how many nodes it runs at the start (also its ASG's desired capacity)
   * @param launchTemplate null when the group uses no launch template
   * @param instancesProtected the ASG's instances carry scale-in protection, which makes
   *     DeleteNodegroup end DELETE_FAILED until it is removed
   * @param newInstancesProtected the ASG's NewInstancesProtectedFromScaleIn flag
   * @param asgStuck deletion fails for a reason only DeleteAutoScalingGroup ForceDelete clears
   */
  public record NodeGroupSpec(
      String name,
      String version,
      String releaseVersion,
      String amiType,
      String capacityType,
      List<String> instanceTypes,
      List<String> subnets,
      int minSize,
      int maxSize,
      int desiredSize,
      Map<String, String> labels,
      List<TaintSpec> taints,
      String nodeRole,
      LaunchTemplateSpec launchTemplate,
      boolean instancesProtected,
      boolean newInstancesProtected,
      boolean asgStuck) {

    public NodeGroupSpec {
      instanceTypes = List.copyOf(instanceTypes);
      subnets = List.copyOf(subnets);
      labels = Map.copyOf(labels);
      taints = List.copyOf(taints);
    }
  }

  /** How a component came into the cluster: with Helm (release Secrets exist) or plain manifests. */
  public enum Installation {
    HELM,
    MANIFESTS
  }

  /**
   * Karpenter in a cluster: its NodePools, each with nodes that run at the cluster's version at the
   * start, and the EC2NodeClasses they launch from. Without NodePools and without a version,
   * Karpenter is not installed (its API answers 404).
   *
   * @param version the controller's version (1.0.2); null: the NodePools and NodeClaims exist but
   *     neither the controller Deployment nor the CRDs, and no version refuses a control plane
   * @param namespace where the controller and its Helm releases live
   * @param installedBy {@link Installation#HELM}: releases {@code karpenter-crd} and {@code
   *     karpenter} exist as Helm release Secrets
   * @param crdStoredVersions {@code status.storedVersions} of the three CRDs
   */
  public record KarpenterSpec(
      String version,
      String namespace,
      Installation installedBy,
      List<String> crdStoredVersions,
      List<NodeClassSpec> nodeClasses,
      List<NodePoolSpec> nodePools) {

    public KarpenterSpec {
      crdStoredVersions = List.copyOf(crdStoredVersions);
      nodeClasses = List.copyOf(nodeClasses);
      nodePools = List.copyOf(nodePools);
    }

    /** NodePools launching from one EC2NodeClass "default" (al2023@latest), without a controller version. */
    public KarpenterSpec(List<NodePoolSpec> nodePools) {
      this(
          null,
          "kube-system",
          Installation.HELM,
          List.of("v1"),
          nodePools.isEmpty() ? List.of() : List.of(NodeClassSpec.defaultClass()),
          nodePools);
    }

    public static KarpenterSpec none() {
      return new KarpenterSpec(List.of());
    }

    public boolean installed() {
      return !nodePools.isEmpty() || version != null;
    }

    /** Whether the controller Deployment and the CRDs exist (a version was given). */
    public boolean controllerInstalled() {
      return version != null;
    }
  }

  /**
   * An EC2NodeClass ({@code karpenter.k8s.aws/v1}). Exactly one of {@code alias} and {@code amiIds}
   * is set; {@code amiFamily} goes with {@code amiIds}.
   *
   * @param alias {@code amiSelectorTerms: [{alias: al2023@latest}]}: EKS-optimized AMIs that follow
   *     the control plane's version
   * @param amiIds {@code amiSelectorTerms: [{id: ...}]}: custom AMIs pinned by id, which keep the
   *     Kubernetes version they were built for
   */
  public record NodeClassSpec(String name, String alias, String amiFamily, List<String> amiIds) {

    public NodeClassSpec {
      amiIds = amiIds == null ? List.of() : List.copyOf(amiIds);
    }

    public static NodeClassSpec defaultClass() {
      return new NodeClassSpec("default", "al2023@latest", null, List.of());
    }
  }

  /**
   * One Karpenter NodePool.
   *
   * @param nodes how many nodes (and NodeClaims) it runs at the start
   * @param driftBudget {@code spec.disruption.budgets[0].nodes}: a count or a percentage
   * @param labels labels of its nodes besides {@code karpenter.sh/nodepool}
   * @param nodeClass the EC2NodeClass its {@code spec.template.spec.nodeClassRef} names
   */
  public record NodePoolSpec(
      String name, int nodes, String driftBudget, Map<String, String> labels, String nodeClass) {

    public NodePoolSpec {
      labels = Map.copyOf(labels);
    }

    /** A NodePool of the EC2NodeClass "default". */
    public NodePoolSpec(String name, int nodes, String driftBudget, Map<String, String> labels) {
      this(name, nodes, driftBudget, labels, "default");
    }
  }

  /**
   * Istio in a cluster: control-plane revisions, revision tags, the namespaces that select them and
   * gateways. Without revisions Istio is not installed.
   *
   * @param namespace where istiod, its webhooks' services and the istio-base/istiod releases live
   * @param installedBy {@link Installation#HELM}: istio-base, istiod[-rev] and every gateway are
   *     Helm releases
   */
  public record IstioSpec(
      String namespace,
      Installation installedBy,
      List<IstioRevisionSpec> revisions,
      List<IstioTagSpec> tags,
      List<IstioNamespaceSpec> namespaces,
      List<GatewaySpec> gateways) {

    public IstioSpec {
      revisions = List.copyOf(revisions);
      tags = List.copyOf(tags);
      namespaces = List.copyOf(namespaces);
      gateways = List.copyOf(gateways);
    }

    public static IstioSpec none() {
      return new IstioSpec("istio-system", Installation.HELM, List.of(), List.of(), List.of(), List.of());
    }

    public boolean installed() {
      return !revisions.isEmpty();
    }
  }

  /**
   * One istiod control plane.
   *
   * @param name the revision ("1-26"); "default" is a non-revisioned install (Deployment istiod)
   * @param version the Istio version it runs, e.g. 1.26.2
   */
  public record IstioRevisionSpec(String name, String version) {}

  /** A revision tag, as {@code istioctl tag set <name> --revision <revision>} makes it. */
  public record IstioTagSpec(String name, String revision) {}

  /**
   * A namespace's injection labels; at most one of the two is set.
   *
   * @param injection the {@code istio-injection} label (enabled, disabled) or null
   * @param rev the {@code istio.io/rev} label (a revision or a tag) or null
   */
  public record IstioNamespaceSpec(String name, String injection, String rev) {}

  /** An ingress gateway Deployment injected with its revision's proxy. */
  public record GatewaySpec(String namespace, String name, int replicas, String revision) {}

  /** An installed EKS add-on and its version. */
  public record AddonSpec(String name, String version) {}

  /** An EKS Fargate profile: pods matching one of its selectors run on Fargate. */
  public record FargateProfileSpec(String name, List<FargateSelectorSpec> selectors) {

    public FargateProfileSpec {
      selectors = List.copyOf(selectors);
    }
  }

  /** A namespace and, optionally, labels a pod must all carry. */
  public record FargateSelectorSpec(String namespace, Map<String, String> labels) {

    public FargateSelectorSpec {
      labels = Map.copyOf(labels);
    }

    public boolean matches(String podNamespace, Map<String, String> podLabels) {
      return namespace.equals(podNamespace)
          && labels.entrySet().stream()
              .allMatch(e -> e.getValue().equals(podLabels.get(e.getKey())));
    }
  }

  /** A Kubernetes taint; effect is NoSchedule, PreferNoSchedule or NoExecute. */
  public record TaintSpec(String key, String value, String effect) {}

  /**
   * An EC2 launch template a node group uses.
   *
   * @param imageId the AMI its current version names, or null when EKS picks the AMI
   */
  public record LaunchTemplateSpec(String id, String name, int version, String imageId) {}

  /**
   * What runs inside a cluster.
   *
   * @param workloads Deployments, StatefulSets, DaemonSets and bare pods, placed on the Ready
   *     nodes at the start
   * @param pdbs PodDisruptionBudgets; each selects pods by labels
   * @param deprecatedApiRequests deprecated APIs clients have requested, which the API server's
   *     {@code /metrics} reports
   * @param applied objects created with {@code kubectl apply} at an older API version
   * @param helmReleases Helm releases (their release Secrets only) with the manifests given
   */
  public record KubernetesSpec(
      List<WorkloadSpec> workloads,
      List<PdbSpec> pdbs,
      List<DeprecatedApiRequestSpec> deprecatedApiRequests,
      List<AppliedSpec> applied,
      List<HelmReleaseSpec> helmReleases,
      RbacSpec rbac) {

    public KubernetesSpec {
      workloads = List.copyOf(workloads);
      pdbs = List.copyOf(pdbs);
      deprecatedApiRequests = List.copyOf(deprecatedApiRequests);
      applied = List.copyOf(applied);
      helmReleases = List.copyOf(helmReleases);
    }

    public KubernetesSpec(
        List<WorkloadSpec> workloads,
        List<PdbSpec> pdbs,
        List<DeprecatedApiRequestSpec> deprecatedApiRequests,
        List<AppliedSpec> applied,
        List<HelmReleaseSpec> helmReleases) {
      this(workloads, pdbs, deprecatedApiRequests, applied, helmReleases, null);
    }

    public KubernetesSpec(List<WorkloadSpec> workloads, List<PdbSpec> pdbs) {
      this(workloads, pdbs, List.of(), List.of(), List.of());
    }

    public static KubernetesSpec empty() {
      return new KubernetesSpec(List.of(), List.of());
    }
  }

  /**
   * The RBAC the cluster's API server enforces on the worker's requests: the ClusterRoles that
   * the file's ClusterRoleBindings bind to the groups (those an EKS access entry would give the
   * worker's IAM role).
   *
   * @param enforce false to serve refused requests anyway and only record them
   */
  public record RbacSpec(java.nio.file.Path file, List<String> groups, boolean enforce) {
    public RbacSpec {
      groups = List.copyOf(groups);
    }
  }

  /**
   * A deprecated API that clients requested, as the API server's metric {@code
   * apiserver_requested_deprecated_apis} labels it.
   *
   * @param group "" for the core group
   * @param subresource "" for the resource itself
   * @param removedRelease the minor that removes it, e.g. "1.32"
   */
  public record DeprecatedApiRequestSpec(
      String group, String version, String resource, String subresource, String removedRelease) {}

  /**
   * An object as {@code kubectl apply} left it: the API server stores it at {@code storedAs} (the
   * same object converted to the version it serves), and its annotation {@code
   * kubectl.kubernetes.io/last-applied-configuration} holds the manifest as it was applied.
   *
   * @param storedAs the group/version it is stored and served at, e.g. policy/v1
   * @param plural the resource it is stored under, e.g. poddisruptionbudgets
   * @param namespace null for a cluster-scoped kind
   * @param manifest the applied manifest as kubectl writes it into the annotation: compact JSON,
   *     keys sorted, a newline at the end
   */
  public record AppliedSpec(
      String storedAs, String apiVersion, String kind, String plural, String namespace, String name, String manifest) {}

  /**
   * A Helm release installed before the run: only its release Secret exists, holding the manifest.
   *
   * @param version the chart's version
   * @param status deployed (default), failed, superseded, …
   * @param manifest the rendered YAML documents, as Helm stores them
   */
  public record HelmReleaseSpec(
      String name,
      String namespace,
      String chart,
      String version,
      String appVersion,
      int revision,
      String status,
      String manifest) {}

  /**
   * A workload.
   *
   * @param kind Deployment, StatefulSet, DaemonSet or Pod (a pod without a controller)
   * @param replicas ignored for DaemonSet (one per node) and Pod (one)
   * @param labels the pods' labels; PDBs select on them. Defaults to {@code app: <name>}
   * @param emptyDir the pods mount an emptyDir volume (kubectl drain needs
   *     --delete-emptydir-data)
   * @param nodeSelector the pods run only on nodes with these labels
   */
  public record WorkloadSpec(
      String namespace,
      String name,
      String kind,
      int replicas,
      Map<String, String> labels,
      boolean emptyDir,
      Map<String, String> nodeSelector) {

    public WorkloadSpec {
      labels = Map.copyOf(labels);
      nodeSelector = Map.copyOf(nodeSelector);
    }
  }

  /**
   * A PodDisruptionBudget. Exactly one of minAvailable and maxUnavailable is set; each is an
   * integer ("1") or a percentage ("10%").
   */
  public record PdbSpec(
      String namespace,
      String name,
      Map<String, String> selector,
      String minAvailable,
      String maxUnavailable) {

    public PdbSpec {
      selector = Map.copyOf(selector);
    }
  }

  /**
   * One Kubernetes version that {@code DescribeClusterVersions} reports.
   *
   * @param status STANDARD_SUPPORT, EXTENDED_SUPPORT or UNSUPPORTED
   * @param releaseDate may be null, as may the two support dates
   */
  public record OfferedVersionSpec(
      String version,
      String status,
      Instant releaseDate,
      Instant endOfStandardSupport,
      Instant endOfExtendedSupport,
      String defaultPlatformVersion,
      boolean defaultVersion) {}

  /**
   * Simulated durations of the operations that take time.
   *
   * @param nodeGroupCreate from CreateNodegroup until the group is ACTIVE and its instances run
   * @param nodeGroupDelete from DeleteNodegroup until the group and its ASG are gone
   * @param nodeJoin from an instance's launch until its node is Ready
   * @param podStart from a pod's creation on a node until it is Running and Ready
   * @param karpenterLaunch from a NodeClaim's creation until its node is Ready
   * @param fargatePodStart from a Fargate pod's creation until it is Running and Ready (Fargate
   *     provisions a node per pod)
   * @param addonUpdate from UpdateAddon until the add-on is ACTIVE at its new version
   * @param veleroBackup from a Velero Backup's start until it is Completed (or Failed)
   * @param asgDelete from DeleteAutoScalingGroup until the Auto Scaling group is no longer described;
   *     meanwhile it is described with status "Delete in progress" (its instances terminate at once,
   *     as ForceDelete does). Zero, the default, removes it at once.
   */
  public record Durations(
      Duration controlPlaneUpdate,
      Duration nodeGroupCreate,
      Duration nodeGroupDelete,
      Duration nodeJoin,
      Duration podStart,
      Duration karpenterLaunch,
      Duration fargatePodStart,
      Duration addonUpdate,
      Duration veleroBackup,
      Duration asgDelete) {

    public Durations(
        Duration controlPlaneUpdate,
        Duration nodeGroupCreate,
        Duration nodeGroupDelete,
        Duration nodeJoin,
        Duration podStart,
        Duration karpenterLaunch,
        Duration fargatePodStart,
        Duration addonUpdate,
        Duration veleroBackup) {
      this(
          controlPlaneUpdate, nodeGroupCreate, nodeGroupDelete, nodeJoin, podStart, karpenterLaunch,
          fargatePodStart, addonUpdate, veleroBackup, Duration.ZERO);
    }

    public Durations(
        Duration controlPlaneUpdate,
        Duration nodeGroupCreate,
        Duration nodeGroupDelete,
        Duration nodeJoin,
        Duration podStart,
        Duration karpenterLaunch,
        Duration fargatePodStart,
        Duration addonUpdate) {
      this(
          controlPlaneUpdate, nodeGroupCreate, nodeGroupDelete, nodeJoin, podStart, karpenterLaunch,
          fargatePodStart, addonUpdate, Duration.ofMinutes(2));
    }

    public Durations(
        Duration controlPlaneUpdate,
        Duration nodeGroupCreate,
        Duration nodeGroupDelete,
        Duration nodeJoin,
        Duration podStart,
        Duration karpenterLaunch,
        Duration fargatePodStart) {
      this(
          controlPlaneUpdate, nodeGroupCreate, nodeGroupDelete, nodeJoin, podStart, karpenterLaunch,
          fargatePodStart, Duration.ofMinutes(3));
    }

    public Durations(
        Duration controlPlaneUpdate,
        Duration nodeGroupCreate,
        Duration nodeGroupDelete,
        Duration nodeJoin,
        Duration podStart) {
      this(
          controlPlaneUpdate,
          nodeGroupCreate,
          nodeGroupDelete,
          nodeJoin,
          podStart,
          defaults().karpenterLaunch(),
          defaults().fargatePodStart());
    }

    public static Durations defaults() {
      return new Durations(
          Duration.ofMinutes(25),
          Duration.ofMinutes(15),
          Duration.ofMinutes(5),
          Duration.ofSeconds(90),
          Duration.ofSeconds(20),
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          Duration.ofMinutes(3),
          Duration.ofMinutes(2),
          Duration.ZERO);
    }
  }

  /**
   * Faults to inject; random ones are drawn from a {@link java.util.Random} seeded with {@code
   * seed} so that a run repeats.
   *
   * @param throttlingRate fraction of all requests answered 429 ThrottlingException
   * @param serverErrorRate fraction of all requests answered 500 ServerException
   * @param conflictAfterUpdate how long after an update ended a new one is still refused with 409
   *     ResourceInUseException although the cluster already shows ACTIVE
   * @param failUpdatesTo versions whose control-plane updates end Failed
   * @param nodesNeverReady node groups (by name, including ones the run creates) whose new nodes
   *     register but never turn Ready
   * @param kubernetesOutages windows in which the Kubernetes API answers 503 to everything
   * @param karpenterLaunchFailures how many of Karpenter's launches fail (InsufficientInstanceCapacity)
   *     before one succeeds; each failed NodeClaim is deleted and tried again
   * @param degradedAddons add-ons (by name) whose updates end with the add-on DEGRADED
   * @param veleroBackupFails every Velero Backup ends Failed: its storage location is unavailable
   */
  public record Faults(
      long seed,
      double throttlingRate,
      double serverErrorRate,
      Duration conflictAfterUpdate,
      List<String> failUpdatesTo,
      List<String> nodesNeverReady,
      List<OutageSpec> kubernetesOutages,
      int karpenterLaunchFailures,
      List<String> degradedAddons,
      boolean veleroBackupFails) {

    public Faults {
      failUpdatesTo = List.copyOf(failUpdatesTo);
      nodesNeverReady = List.copyOf(nodesNeverReady);
      kubernetesOutages = List.copyOf(kubernetesOutages);
      degradedAddons = degradedAddons == null ? List.of() : List.copyOf(degradedAddons);
    }

    public Faults(
        long seed,
        double throttlingRate,
        double serverErrorRate,
        Duration conflictAfterUpdate,
        List<String> failUpdatesTo,
        List<String> nodesNeverReady,
        List<OutageSpec> kubernetesOutages,
        int karpenterLaunchFailures,
        List<String> degradedAddons) {
      this(
          seed, throttlingRate, serverErrorRate, conflictAfterUpdate, failUpdatesTo,
          nodesNeverReady, kubernetesOutages, karpenterLaunchFailures, degradedAddons, false);
    }

    public Faults(
        long seed,
        double throttlingRate,
        double serverErrorRate,
        Duration conflictAfterUpdate,
        List<String> failUpdatesTo,
        List<String> nodesNeverReady,
        List<OutageSpec> kubernetesOutages,
        int karpenterLaunchFailures) {
      this(
          seed, throttlingRate, serverErrorRate, conflictAfterUpdate, failUpdatesTo,
          nodesNeverReady, kubernetesOutages, karpenterLaunchFailures, List.of());
    }

    public Faults(
        long seed,
        double throttlingRate,
        double serverErrorRate,
        Duration conflictAfterUpdate,
        List<String> failUpdatesTo,
        List<String> nodesNeverReady,
        List<OutageSpec> kubernetesOutages) {
      this(
          seed, throttlingRate, serverErrorRate, conflictAfterUpdate, failUpdatesTo,
          nodesNeverReady, kubernetesOutages, 0, List.of());
    }

    public Faults(
        long seed,
        double throttlingRate,
        double serverErrorRate,
        Duration conflictAfterUpdate,
        List<String> failUpdatesTo) {
      this(seed, throttlingRate, serverErrorRate, conflictAfterUpdate, failUpdatesTo, List.of(), List.of());
    }

    public static Faults none() {
      return new Faults(0, 0, 0, Duration.ZERO, List.of());
    }
  }

  /**
   * A window of simulated time in which the Kubernetes API is unavailable: from {@code after} the
   * start of the run, or from the moment the API server accepts its {@code afterEvictions}-th
   * eviction (which aims an outage at the middle of a drain), for {@code duration}.
   *
   * @param after null when the outage follows evictions
   * @param afterEvictions 0 when the outage starts at a time
   */
  public record OutageSpec(Duration after, Duration duration, int afterEvictions) {
    public OutageSpec(Duration after, Duration duration) {
      this(after, duration, 0);
    }
  }

  public Optional<OfferedVersionSpec> offered(String version) {
    return offeredVersions.stream().filter(v -> v.version().equals(version)).findFirst();
  }

  /** Reads a scenario file. */
  public static Scenario load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a scenario from the class path, e.g. {@code "scenarios/demo.yaml"} for the one this
   * module ships.
   */
  public static Scenario fromResource(String resource) {
    String path = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader = Scenario.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new ScenarioException("no scenario resource '" + path + "' on the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario resource " + path, e);
    }
  }

  /** Parses scenario YAML; {@code sourceName} names it in error messages. */
  public static Scenario parse(String yaml, String sourceName) {
    return ScenarioParser.parse(yaml, sourceName);
  }
}
