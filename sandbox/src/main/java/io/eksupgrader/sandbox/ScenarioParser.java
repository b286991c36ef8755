package io.eksupgrader.sandbox;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.eksupgrader.sandbox.PrometheusScript.Answer;
import io.eksupgrader.sandbox.PrometheusScript.Change;
import io.eksupgrader.sandbox.PrometheusScript.ScriptedQuery;
import io.eksupgrader.sandbox.PrometheusScript.Series;
import io.eksupgrader.sandbox.PrometheusScript.Trigger;
import io.eksupgrader.sandbox.PrometheusScript.Window;
import io.eksupgrader.sandbox.Scenario.AddonSpec;
import io.eksupgrader.sandbox.Scenario.AppliedSpec;
import io.eksupgrader.sandbox.Scenario.ClientStatSpec;
import io.eksupgrader.sandbox.Scenario.DeprecatedApiRequestSpec;
import io.eksupgrader.sandbox.Scenario.DeprecationSpec;
import io.eksupgrader.sandbox.Scenario.EncryptionKeySpec;
import io.eksupgrader.sandbox.Scenario.HelmReleaseSpec;
import io.eksupgrader.sandbox.Scenario.InsightResourceSpec;
import io.eksupgrader.sandbox.Scenario.InsightSpec;
import io.eksupgrader.sandbox.Scenario.SubnetSpec;
import io.eksupgrader.sandbox.Scenario.VeleroSpec;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.Durations;
import io.eksupgrader.sandbox.Scenario.Faults;
import io.eksupgrader.sandbox.Scenario.FargateProfileSpec;
import io.eksupgrader.sandbox.Scenario.FargateSelectorSpec;
import io.eksupgrader.sandbox.Scenario.GatewaySpec;
import io.eksupgrader.sandbox.Scenario.Installation;
import io.eksupgrader.sandbox.Scenario.IstioNamespaceSpec;
import io.eksupgrader.sandbox.Scenario.IstioRevisionSpec;
import io.eksupgrader.sandbox.Scenario.IstioSpec;
import io.eksupgrader.sandbox.Scenario.IstioTagSpec;
import io.eksupgrader.sandbox.Scenario.KarpenterSpec;
import io.eksupgrader.sandbox.Scenario.NodeClassSpec;
import io.eksupgrader.sandbox.Scenario.NodePoolSpec;
import io.eksupgrader.sandbox.Scenario.KubernetesSpec;
import io.eksupgrader.sandbox.Scenario.LaunchTemplateSpec;
import io.eksupgrader.sandbox.Scenario.NodeGroupSpec;
import io.eksupgrader.sandbox.Scenario.OfferedVersionSpec;
import io.eksupgrader.sandbox.Scenario.OutageSpec;
import io.eksupgrader.sandbox.Scenario.PdbSpec;
import io.eksupgrader.sandbox.Scenario.SelfManagedGroupSpec;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import io.eksupgrader.sandbox.Scenario.WorkloadSpec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads scenario YAML into a tree and checks it key by key, so that every refusal names the file,
 * the path of the key ({@code clusters[0].status}) and the offending value. Jackson's own data
 * binding would report Java types instead.
 */
final class ScenarioParser {

  static final Set<String> CLUSTER_STATUSES =
      Set.of("CREATING", "ACTIVE", "UPDATING", "DELETING", "FAILED", "PENDING");
  static final Set<String> VERSION_STATUSES =
      Set.of("STANDARD_SUPPORT", "EXTENDED_SUPPORT", "UNSUPPORTED");
  static final Set<String> AMI_TYPES =
      Set.of(
          "AL2_x86_64",
          "AL2_x86_64_GPU",
          "AL2_ARM_64",
          "CUSTOM",
          "BOTTLEROCKET_ARM_64",
          "BOTTLEROCKET_x86_64",
          "AL2023_x86_64_STANDARD",
          "AL2023_ARM_64_STANDARD",
          "AL2023_x86_64_NEURON",
          "AL2023_x86_64_NVIDIA",
          "AL2023_ARM_64_NVIDIA");
  static final Set<String> CAPACITY_TYPES = Set.of("ON_DEMAND", "SPOT", "CAPACITY_BLOCK");
  static final Set<String> TAINT_EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Pod");

  private static final Pattern VERSION = Pattern.compile("\\d{1,3}\\.\\d{1,3}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,99}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern NODE_GROUP_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,62}");
  private static final Pattern ASG_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9._-]{0,254}");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern BUDGET = Pattern.compile("(\\d{1,9})(%?)");
  private static final Pattern COMPONENT_VERSION = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  private static final Pattern NODE_CLASS_ALIAS =
      Pattern.compile("(al2|al2023|bottlerocket)@(latest|v\\d+(\\.\\d+)*)");
  static final Set<String> AMI_FAMILIES = Set.of("AL2", "AL2023", "Bottlerocket");
  static final Set<String> INSIGHT_STATUSES = new LinkedHashSet<>(List.of("PASSING", "WARNING", "ERROR", "UNKNOWN"));
  static final Set<String> INSIGHT_CATEGORIES = new LinkedHashSet<>(List.of("UPGRADE_READINESS", "MISCONFIGURATION"));
  static final Set<String> KEY_STATES = new LinkedHashSet<>(List.of("Enabled", "Disabled", "PendingDeletion"));
  /** EKS's control-plane log types, in the order EKS lists them. */
  static final List<String> LOG_TYPES = List.of("api", "audit", "authenticator", "controllerManager", "scheduler");
  static final Set<String> HELM_STATUSES =
      new LinkedHashSet<>(
          List.of("deployed", "failed", "superseded", "pending-install", "pending-upgrade", "pending-rollback", "uninstalling"));
  private static final Pattern INSIGHT_ID = Pattern.compile("[A-Za-z0-9-]{1,100}");
  private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");
  private static final Pattern CIDR = Pattern.compile("((?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3})/(\\d{1,2})");
  private static final Pattern KEY_ARN =
      Pattern.compile(
          "arn:aws:kms:([a-z]{2}(?:-[a-z]+)+-\\d{1,2}):\\d{12}:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})");
  private static final Pattern API_VERSION = Pattern.compile("(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?v\\d+(?:(?:alpha|beta)\\d+)?");
  private static final Pattern GROUP = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern RESOURCE_VERSION = Pattern.compile("v\\d+(?:(?:alpha|beta)\\d+)?");
  private static final Pattern RESOURCE = Pattern.compile("[a-z][a-z0-9]*");
  private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern RELEASE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?");
  private static final Pattern PROMETHEUS_LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern OPERATION = Pattern.compile("[A-Z][A-Za-z0-9]*");
  private static final Pattern CHART_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.+-]+)?");

  // Exact decimals keep an unquoted version's text (1.30, not 1.3) for the refusal message.
  private static final ObjectMapper YAML =
      new ObjectMapper(
              YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  /** Writes applied manifests as kubectl writes them. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String source;

  private ScenarioParser(String source) {
    this.source = source;
  }

  static Scenario parse(String yaml, String sourceName) {
    String source = sourceName == null ? "scenario" : sourceName;
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ScenarioException(source + ": the scenario is empty");
    }
    return new ScenarioParser(source).scenario(root);
  }

  /** Parses "25m", "30s", "500ms", "1h" (and 0); durations in scenarios are simulated time. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (text.trim().equals("0")) {
      return Duration.ZERO;
    }
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use a whole number and a unit ms, s, m or h, e.g. 25m");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  private Scenario scenario(JsonNode root) {
    Obj top =
        obj(
            root,
            "",
            "name",
            "timeScale",
            "startTime",
            "clusters",
            "offeredVersions",
            "durations",
            "faults",
            "prometheus");
    String name = top.requiredText("name");
    double timeScale = top.has("timeScale") ? top.number("timeScale", 0, false, Double.MAX_VALUE) : 1.0;
    Instant startTime = top.has("startTime") ? top.instant("startTime") : null;
    Instant statusAt = startTime != null ? startTime : Instant.now();

    List<OfferedVersionSpec> offered =
        top.has("offeredVersions")
            ? offeredVersions(top.list("offeredVersions"), "offeredVersions", statusAt)
            : DefaultVersions.at(statusAt);

    List<ClusterSpec> clusters = new ArrayList<>();
    if (top.has("clusters")) {
      Set<String> seen = new HashSet<>();
      List<JsonNode> items = top.list("clusters");
      for (int i = 0; i < items.size(); i++) {
        ClusterSpec c = cluster(items.get(i), "clusters[" + i + "]", offered);
        if (!seen.add(c.region() + "/" + c.name())) {
          throw fail(
              "clusters[" + i + "]",
              "cluster '" + c.name() + "' in " + c.region() + " is listed twice");
        }
        clusters.add(c);
      }
      refuseConflictingSubnets(clusters);
    }

    Durations durations = Durations.defaults();
    if (top.has("durations")) {
      durations = durations(top.node("durations"));
    }

    Faults faults = Faults.none();
    if (top.has("faults")) {
      faults = faults(top.node("faults"));
    }
    PrometheusScript prometheus =
        top.has("prometheus") ? prometheus(top.node("prometheus")) : PrometheusScript.none();
    return new Scenario(
        name,
        source,
        timeScale,
        startTime,
        clusters,
        offered,
        durations,
        faults,
        prometheus);
  }

  /** Clusters may share a subnet, but then they must describe it alike. */
  private void refuseConflictingSubnets(List<ClusterSpec> clusters) {
    Map<String, SubnetSpec> byId = new HashMap<>();
    for (int i = 0; i < clusters.size(); i++) {
      ClusterSpec c = clusters.get(i);
      for (SubnetSpec subnet : c.subnets()) {
        SubnetSpec other = byId.putIfAbsent(c.region() + "/" + subnet.id(), subnet);
        if (other != null && !other.equals(subnet)) {
          throw fail(
              "clusters[" + i + "].subnets",
              "subnet '" + subnet.id() + "' is described differently by another cluster in " + c.region() + " (" + other + ")");
        }
      }
    }
  }

  private Durations durations(JsonNode node) {
    Obj d =
        obj(
            node,
            "durations",
            "controlPlaneUpdate",
            "nodeGroupCreate",
            "nodeGroupDelete",
            "nodeJoin",
            "podStart",
            "karpenterLaunch",
            "fargatePodStart",
            "addonUpdate",
            "veleroBackup",
            "asgDelete");
    Durations defaults = Durations.defaults();
    return new Durations(
        d.has("controlPlaneUpdate") ? d.duration("controlPlaneUpdate") : defaults.controlPlaneUpdate(),
        d.has("nodeGroupCreate") ? d.duration("nodeGroupCreate") : defaults.nodeGroupCreate(),
        d.has("nodeGroupDelete") ? d.duration("nodeGroupDelete") : defaults.nodeGroupDelete(),
        d.has("nodeJoin") ? d.duration("nodeJoin") : defaults.nodeJoin(),
        d.has("podStart") ? d.duration("podStart") : defaults.podStart(),
        d.has("karpenterLaunch") ? d.duration("karpenterLaunch") : defaults.karpenterLaunch(),
        d.has("fargatePodStart") ? d.duration("fargatePodStart") : defaults.fargatePodStart(),
        d.has("addonUpdate") ? d.duration("addonUpdate") : defaults.addonUpdate(),
        d.has("veleroBackup") ? d.duration("veleroBackup") : defaults.veleroBackup(),
        d.has("asgDelete") ? d.duration("asgDelete") : defaults.asgDelete());
  }

  private ClusterSpec cluster(JsonNode node, String path, List<OfferedVersionSpec> offered) {
    Obj c =
        obj(
            node,
            path,
            "name",
            "region",
            "version",
            "status",
            "platformVersion",
            "roleArn",
            "nodeGroups",
            "kubernetes",
            "selfManagedGroups",
            "karpenter",
            "fargateProfiles",
            "addons",
            "istio",
            "insights",
            "subnets",
            "roleMissing",
            "secretsEncryptionKey",
            "logging",
            "velero");
    String name = c.requiredText("name");
    if (!CLUSTER_NAME.matcher(name).matches()) {
      throw fail(path + ".name", "'" + name + "' is not a valid EKS cluster name");
    }
    String region = c.requiredText("region");
    if (!REGION.matcher(region).matches()) {
      throw fail(path + ".region", "'" + region + "' is not an AWS region name like us-east-1");
    }
    String version = c.version("version");
    String status = c.has("status") ? c.oneOf("status", CLUSTER_STATUSES) : "ACTIVE";
    String platformVersion =
        c.has("platformVersion")
            ? c.requiredText("platformVersion")
            : offered.stream()
                .filter(v -> v.version().equals(version) && v.defaultPlatformVersion() != null)
                .map(OfferedVersionSpec::defaultPlatformVersion)
                .findFirst()
                .orElse("eks.1");
    String roleArn =
        c.has("roleArn")
            ? c.requiredText("roleArn")
            : "arn:aws:iam::" + EksWorld.ACCOUNT_ID + ":role/" + name + "-cluster-role";
    List<NodeGroupSpec> nodeGroups = new ArrayList<>();
    if (c.has("nodeGroups")) {
      Set<String> seen = new HashSet<>();
      List<JsonNode> items = c.list("nodeGroups");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".nodeGroups[" + i + "]";
        NodeGroupSpec g = nodeGroup(items.get(i), p, version);
        if (!seen.add(g.name())) {
          throw fail(p + ".name", "node group '" + g.name() + "' is listed twice");
        }
        nodeGroups.add(g);
      }
    }
    KubernetesSpec kubernetes =
        c.has("kubernetes") ? kubernetes(c.node("kubernetes"), path + ".kubernetes") : KubernetesSpec.empty();
    List<SelfManagedGroupSpec> selfManaged = new ArrayList<>();
    if (c.has("selfManagedGroups")) {
      Set<String> seen = new HashSet<>();
      List<JsonNode> items = c.list("selfManagedGroups");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".selfManagedGroups[" + i + "]";
        SelfManagedGroupSpec g = selfManagedGroup(items.get(i), p, version);
        if (!seen.add(g.name())) {
          throw fail(p + ".name", "self-managed group '" + g.name() + "' is listed twice");
        }
        selfManaged.add(g);
      }
    }
    KarpenterSpec karpenter =
        c.has("karpenter") ? karpenter(c.node("karpenter"), path + ".karpenter") : KarpenterSpec.none();
    IstioSpec istio = c.has("istio") ? istio(c.node("istio"), path + ".istio") : IstioSpec.none();
    List<FargateProfileSpec> fargate = new ArrayList<>();
    if (c.has("fargateProfiles")) {
      Set<String> seen = new HashSet<>();
      List<JsonNode> items = c.list("fargateProfiles");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".fargateProfiles[" + i + "]";
        FargateProfileSpec f = fargateProfile(items.get(i), p);
        if (!seen.add(f.name())) {
          throw fail(p + ".name", "Fargate profile '" + f.name() + "' is listed twice");
        }
        fargate.add(f);
      }
    }
    List<AddonSpec> addons = new ArrayList<>();
    if (c.has("addons")) {
      Set<String> seen = new HashSet<>();
      List<JsonNode> items = c.list("addons");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".addons[" + i + "]";
        AddonSpec a = addon(items.get(i), p, version);
        if (!seen.add(a.name())) {
          throw fail(p + ".name", "add-on '" + a.name() + "' is listed twice");
        }
        addons.add(a);
      }
    }
    List<InsightSpec> insights =
        c.has("insights") ? insights(c.list("insights"), path + ".insights", region, name) : null;
    List<SubnetSpec> subnets =
        c.has("subnets") ? subnets(c.list("subnets"), path + ".subnets", region) : SubnetSpec.defaults(region, name);
    boolean roleMissing = c.has("roleMissing") && c.bool("roleMissing");
    EncryptionKeySpec key =
        c.has("secretsEncryptionKey")
            ? encryptionKey(c.node("secretsEncryptionKey"), path + ".secretsEncryptionKey", region)
            : null;
    List<String> logging = c.has("logging") ? logTypes(c.list("logging"), path + ".logging") : List.of();
    VeleroSpec velero = VeleroSpec.none();
    if (c.has("velero")) {
      Obj v = obj(c.node("velero"), path + ".velero", "namespace");
      velero = new VeleroSpec(v.has("namespace") ? v.dnsLabel("namespace") : "velero");
    }
    refuseTakenReleases(kubernetes, karpenter, istio, path + ".kubernetes.helmReleases");
    return new ClusterSpec(
        name, region, version, status, platformVersion, roleArn, nodeGroups, kubernetes, selfManaged,
        karpenter, fargate, addons, istio, insights, subnets, roleMissing, key, logging, velero);
  }

  /**
   * Upgrade insights. Left-out keys: the category UPGRADE_READINESS, a reason that fits the status,
   * the name as description, EKS's upgrade documentation as additional information, and an id
   * derived from the cluster and the name, so that two insights need different names or ids.
   */
  private List<InsightSpec> insights(List<JsonNode> items, String path, String region, String cluster) {
    List<InsightSpec> result = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String p = path + "[" + i + "]";
      Obj n =
          obj(
              items.get(i),
              p,
              "id",
              "name",
              "category",
              "kubernetesVersion",
              "status",
              "reason",
              "description",
              "recommendation",
              "additionalInfo",
              "resources",
              "deprecations");
      String name = n.requiredText("name");
      String id = n.has("id") ? n.requiredText("id") : UpgradeInsights.idFor(region, cluster, name);
      if (!INSIGHT_ID.matcher(id).matches()) {
        throw fail(p + ".id", "'" + id + "' is not an insight id: letters, digits and '-', e.g. a UUID");
      }
      if (!ids.add(id)) {
        throw fail(p + (n.has("id") ? ".id" : ".name"), "insight id '" + id + "' is listed twice (give one of them another name or id)");
      }
      String category = n.has("category") ? n.oneOf("category", INSIGHT_CATEGORIES) : "UPGRADE_READINESS";
      String kubernetesVersion = n.version("kubernetesVersion");
      if (!n.has("status")) {
        throw fail(p + ".status", "is required (" + String.join(", ", INSIGHT_STATUSES) + ")");
      }
      String status = n.oneOf("status", INSIGHT_STATUSES);
      String reason = n.has("reason") ? n.requiredText("reason") : UpgradeInsights.defaultReason(status);
      String description = n.has("description") ? n.requiredText("description") : name;
      String recommendation = n.has("recommendation") ? n.requiredText("recommendation") : null;
      Map<String, String> additionalInfo =
          n.has("additionalInfo") ? n.textMap("additionalInfo") : UpgradeInsights.DEFAULT_ADDITIONAL_INFO;
      List<InsightResourceSpec> resources = new ArrayList<>();
      List<JsonNode> resourceItems = n.has("resources") ? n.list("resources") : List.of();
      for (int r = 0; r < resourceItems.size(); r++) {
        String rp = p + ".resources[" + r + "]";
        Obj o = obj(resourceItems.get(r), rp, "uri", "arn", "status", "reason");
        if (!o.has("uri") && !o.has("arn")) {
          throw fail(rp, "set uri (a Kubernetes resource URI), arn, or both");
        }
        String uri = o.has("uri") ? o.requiredText("uri") : null;
        if (uri != null && !uri.startsWith("/")) {
          throw fail(rp + ".uri", "'" + uri + "' is not a Kubernetes resource URI like /apis/policy/v1beta1/poddisruptionbudgets");
        }
        String arn = o.has("arn") ? o.requiredText("arn") : null;
        if (arn != null && !arn.startsWith("arn:")) {
          throw fail(rp + ".arn", "'" + arn + "' is not an ARN");
        }
        resources.add(
            new InsightResourceSpec(
                uri,
                arn,
                o.has("status") ? o.oneOf("status", INSIGHT_STATUSES) : status,
                o.has("reason") ? o.requiredText("reason") : null));
      }
      List<DeprecationSpec> deprecations = new ArrayList<>();
      List<JsonNode> deprecationItems = n.has("deprecations") ? n.list("deprecations") : List.of();
      for (int d = 0; d < deprecationItems.size(); d++) {
        deprecations.add(deprecation(deprecationItems.get(d), p + ".deprecations[" + d + "]"));
      }
      result.add(
          new InsightSpec(
              id, name, category, kubernetesVersion, status, reason, description, recommendation,
              additionalInfo, resources, deprecations));
    }
    return result;
  }

  private DeprecationSpec deprecation(JsonNode node, String path) {
    Obj d =
        obj(node, path, "usage", "replacedWith", "stopServingVersion", "startServingReplacementVersion", "clientStats");
    String usage = d.requiredText("usage");
    if (!usage.startsWith("/")) {
      throw fail(path + ".usage", "'" + usage + "' is not an API path like /apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas");
    }
    String replacedWith = d.has("replacedWith") ? d.requiredText("replacedWith") : null;
    if (replacedWith != null && !replacedWith.startsWith("/")) {
      throw fail(path + ".replacedWith", "'" + replacedWith + "' is not an API path like /apis/flowcontrol.apiserver.k8s.io/v1/flowschemas");
    }
    String stop = d.version("stopServingVersion");
    String start = d.has("startServingReplacementVersion") ? d.version("startServingReplacementVersion") : null;
    if (start != null && EksWorld.compareVersions(start, stop) > 0) {
      throw fail(
          path + ".startServingReplacementVersion",
          "'" + start + "' is after stopServingVersion " + stop + "; the replacement is served before the old API stops");
    }
    List<ClientStatSpec> stats = new ArrayList<>();
    List<JsonNode> items = d.has("clientStats") ? d.list("clientStats") : List.of();
    for (int i = 0; i < items.size(); i++) {
      String p = path + ".clientStats[" + i + "]";
      Obj c = obj(items.get(i), p, "userAgent", "numberOfRequestsLast30Days", "lastRequestTime");
      stats.add(
          new ClientStatSpec(
              c.requiredText("userAgent"),
              c.has("numberOfRequestsLast30Days") ? c.size("numberOfRequestsLast30Days") : 1,
              c.has("lastRequestTime") ? c.instant("lastRequestTime") : null));
    }
    return new DeprecationSpec(usage, replacedWith, stop, start, stats);
  }

  /**
   * The cluster's subnets: ids like subnet-0a1b2c3d, zones of the cluster's region, free
   * addresses that fit the CIDR block (AWS keeps five addresses of every subnet).
   */
  private List<SubnetSpec> subnets(List<JsonNode> items, String path, String region) {
    if (items.isEmpty()) {
      throw fail(path, "list at least one subnet, or leave subnets out for two in different zones");
    }
    List<SubnetSpec> result = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String p = path + "[" + i + "]";
      Obj n = obj(items.get(i), p, "id", "availabilityZone", "availableIps", "cidrBlock");
      String id = n.requiredText("id");
      if (!SUBNET_ID.matcher(id).matches()) {
        throw fail(p + ".id", "'" + id + "' is not a subnet id like subnet-0a1b2c3d");
      }
      if (!seen.add(id)) {
        throw fail(p + ".id", "subnet '" + id + "' is listed twice");
      }
      String zone = n.requiredText("availabilityZone");
      if (!zone.matches(Pattern.quote(region) + "[a-z]")) {
        throw fail(p + ".availabilityZone", "'" + zone + "' is not an availability zone of " + region + " (" + region + "a, " + region + "b, …)");
      }
      String cidr = n.has("cidrBlock") ? n.requiredText("cidrBlock") : SubnetSpec.defaultCidr(i);
      Matcher m = CIDR.matcher(cidr);
      if (!m.matches() || Integer.parseInt(m.group(2)) < 16 || Integer.parseInt(m.group(2)) > 28) {
        throw fail(p + ".cidrBlock", "'" + cidr + "' is not an IPv4 CIDR block from /16 to /28, e.g. 10.0.0.0/24");
      }
      long usable = (1L << (32 - Integer.parseInt(m.group(2)))) - 5;
      if (!n.has("availableIps")) {
        throw fail(p + ".availableIps", "is required (the free IPv4 addresses EC2 reports)");
      }
      long free = n.integer("availableIps");
      if (free < 0 || free > usable) {
        throw fail(p + ".availableIps", free + " is out of range: " + cidr + " has " + usable + " usable addresses (AWS keeps 5)");
      }
      result.add(new SubnetSpec(id, zone, (int) free, cidr));
    }
    return result;
  }

  /** The KMS key of secrets encryption: a key ARN in the cluster's region, and the key's state. */
  private EncryptionKeySpec encryptionKey(JsonNode node, String path, String region) {
    Obj k = obj(node, path, "arn", "state");
    String arn = k.requiredText("arn");
    Matcher m = KEY_ARN.matcher(arn);
    if (!m.matches()) {
      throw fail(path + ".arn", "'" + arn + "' is not a KMS key ARN like arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    }
    if (!m.group(1).equals(region)) {
      throw fail(path + ".arn", "the key is in " + m.group(1) + "; EKS needs a key in the cluster's region " + region);
    }
    String state = k.has("state") ? k.oneOf("state", KEY_STATES) : "Enabled";
    return new EncryptionKeySpec(arn, state);
  }

  private List<String> logTypes(List<JsonNode> items, String path) {
    List<String> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String p = path + "[" + i + "]";
      if (!item.isTextual() || !LOG_TYPES.contains(item.textValue())) {
        throw fail(p, describe(item) + " is not a control-plane log type (" + String.join(", ", LOG_TYPES) + ")");
      }
      if (result.contains(item.textValue())) {
        throw fail(p, "'" + item.textValue() + "' is listed twice");
      }
      result.add(item.textValue());
    }
    return result;
  }

  /**
   * A Helm release of the scenario may not take the name of a release the sandbox installs for
   * Karpenter or Istio: both would be one Secret.
   */
  private void refuseTakenReleases(KubernetesSpec kubernetes, KarpenterSpec karpenter, IstioSpec istio, String path) {
    Set<String> taken = new HashSet<>();
    if (karpenter.controllerInstalled() && karpenter.installedBy() == Installation.HELM) {
      taken.add(karpenter.namespace() + "/karpenter-crd");
      taken.add(karpenter.namespace() + "/karpenter");
    }
    if (istio.installed() && istio.installedBy() == Installation.HELM) {
      taken.add(istio.namespace() + "/istio-base");
      istio.revisions().forEach(r -> taken.add(istio.namespace() + "/" + ("default".equals(r.name()) ? "istiod" : "istiod-" + r.name())));
      istio.gateways().forEach(g -> taken.add(g.namespace() + "/" + g.name()));
    }
    List<HelmReleaseSpec> releases = kubernetes.helmReleases();
    for (int i = 0; i < releases.size(); i++) {
      String id = releases.get(i).namespace() + "/" + releases.get(i).name();
      if (taken.contains(id)) {
        throw fail(path + "[" + i + "].name", "release '" + id + "' is one the sandbox installs for Karpenter or Istio");
      }
    }
  }

  /** An installed EKS add-on: one the sandbox knows, at a version that runs on the cluster's. */
  private AddonSpec addon(JsonNode node, String path, String clusterVersion) {
    Obj a = obj(node, path, "name", "version");
    String name = a.requiredText("name");
    List<String> known = AddonCatalog.ADDONS.stream().map(AddonCatalog.Addon::name).toList();
    if (!known.contains(name)) {
      throw fail(path + ".name", "'" + name + "' is not an add-on the sandbox knows (" + String.join(", ", known) + ")");
    }
    if (!a.has("version")) {
      return new AddonSpec(
          name,
          AddonCatalog.defaultFor(name, clusterVersion)
              .orElseThrow(() -> fail(path, "the sandbox has no " + name + " version for Kubernetes " + clusterVersion)));
    }
    String version = a.requiredText("version");
    AddonCatalog.AddonVersion offered =
        AddonCatalog.version(name, version)
            .orElseThrow(
                () ->
                    fail(
                        path + ".version",
                        "'" + version + "' is not a " + name + " version the sandbox knows ("
                            + String.join(", ", AddonCatalog.addon(name).orElseThrow().versions().stream().map(AddonCatalog.AddonVersion::version).toList())
                            + ")"));
    if (!offered.clusterVersions().contains(clusterVersion)) {
      throw fail(path + ".version", name + " " + version + " does not run on Kubernetes " + clusterVersion);
    }
    return new AddonSpec(name, version);
  }

  /**
   * Karpenter: its controller version (with its CRDs and Helm releases), EC2NodeClasses and
   * NodePools. Without a version there is no controller to describe, so namespace, installedBy and
   * crdStoredVersions are refused, and at least one NodePool is needed.
   */
  private KarpenterSpec karpenter(JsonNode node, String path) {
    Obj k = obj(node, path, "version", "namespace", "installedBy", "crdStoredVersions", "nodeClasses", "nodePools");
    String version = k.has("version") ? k.componentVersion("version") : null;
    if (version != null && KarpenterVersions.major(version) < 1) {
      throw fail(path + ".version", "'" + version + "' is older than 1.0.0; the sandbox serves Karpenter's v1 APIs only");
    }
    if (version == null) {
      for (String key : List.of("namespace", "installedBy", "crdStoredVersions")) {
        if (k.has(key)) {
          throw fail(path + "." + key, "needs karpenter.version (without it there is no controller, CRD or Helm release)");
        }
      }
      if (!k.has("nodePools") || k.list("nodePools").isEmpty()) {
        throw fail(path + ".nodePools", "list at least one NodePool, or leave karpenter out");
      }
    }
    String namespace = k.has("namespace") ? k.dnsLabel("namespace") : "kube-system";
    Installation installedBy = k.has("installedBy") ? k.installation("installedBy") : Installation.HELM;
    List<String> storedVersions = List.of("v1");
    if (k.has("crdStoredVersions")) {
      storedVersions = k.texts("crdStoredVersions");
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < storedVersions.size(); i++) {
        String v = storedVersions.get(i);
        String p = path + ".crdStoredVersions[" + i + "]";
        if (!KarpenterVersions.crdVersions(version).contains(v)) {
          throw fail(
              p,
              "'" + v + "' is not a version the CRDs of Karpenter " + version + " serve ("
                  + String.join(", ", KarpenterVersions.crdVersions(version)) + ")");
        }
        if (!seen.add(v)) {
          throw fail(p, "'" + v + "' is listed twice");
        }
      }
    }
    List<NodeClassSpec> classes = new ArrayList<>();
    if (k.has("nodeClasses")) {
      Set<String> seen = new HashSet<>();
      List<JsonNode> items = k.list("nodeClasses");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".nodeClasses[" + i + "]";
        NodeClassSpec c = nodeClass(items.get(i), p);
        if (!seen.add(c.name())) {
          throw fail(p + ".name", "EC2NodeClass '" + c.name() + "' is listed twice");
        }
        classes.add(c);
      }
    } else {
      classes.add(NodeClassSpec.defaultClass());
    }
    Set<String> classNames = new HashSet<>(classes.stream().map(NodeClassSpec::name).toList());
    List<NodePoolSpec> pools = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<JsonNode> items = k.has("nodePools") ? k.list("nodePools") : List.of();
    for (int i = 0; i < items.size(); i++) {
      String p = path + ".nodePools[" + i + "]";
      Obj n = obj(items.get(i), p, "name", "nodes", "driftBudget", "labels", "nodeClass");
      String name = n.dnsLabel("name");
      if (!seen.add(name)) {
        throw fail(p + ".name", "NodePool '" + name + "' is listed twice");
      }
      if (!n.has("nodes")) {
        throw fail(p + ".nodes", "is required (how many nodes the NodePool runs at the start)");
      }
      int nodes = n.size("nodes");
      String budget = n.has("driftBudget") ? n.budget("driftBudget") : "10%";
      Map<String, String> labels = n.has("labels") ? n.textMap("labels") : Map.of();
      String nodeClass = n.has("nodeClass") ? n.dnsLabel("nodeClass") : "default";
      if (!classNames.contains(nodeClass)) {
        throw fail(
            p + ".nodeClass",
            "'" + nodeClass + "' is not one of the EC2NodeClasses (" + String.join(", ", classes.stream().map(NodeClassSpec::name).toList()) + ")");
      }
      pools.add(new NodePoolSpec(name, nodes, budget, labels, nodeClass));
    }
    return new KarpenterSpec(version, namespace, installedBy, storedVersions, classes, pools);
  }

  /** An EC2NodeClass: an AMI alias (al2023@latest), or an AMI family with AMIs pinned by id. */
  private NodeClassSpec nodeClass(JsonNode node, String path) {
    Obj c = obj(node, path, "name", "alias", "amiFamily", "amiIds");
    String name = c.dnsLabel("name");
    if (c.has("alias") == c.has("amiIds")) {
      throw fail(path, "set exactly one of alias (e.g. al2023@latest) and amiIds (with amiFamily)");
    }
    if (c.has("alias")) {
      if (c.has("amiFamily")) {
        throw fail(path + ".amiFamily", "goes with amiIds; an alias names its family itself");
      }
      String alias = c.requiredText("alias");
      if (!NODE_CLASS_ALIAS.matcher(alias).matches()) {
        throw fail(
            path + ".alias",
            "'" + alias + "' is not an AMI alias like al2023@latest or al2@v20240807 (families al2, al2023, bottlerocket)");
      }
      return new NodeClassSpec(name, alias, null, List.of());
    }
    if (!c.has("amiFamily")) {
      throw fail(path + ".amiFamily", "is required with amiIds (" + String.join(", ", AMI_FAMILIES) + ")");
    }
    String family = c.oneOf("amiFamily", AMI_FAMILIES);
    List<String> ids = c.texts("amiIds");
    for (int i = 0; i < ids.size(); i++) {
      if (!ids.get(i).matches("ami-[0-9a-f]{4,17}")) {
        throw fail(path + ".amiIds[" + i + "]", "'" + ids.get(i) + "' is not an AMI id like ami-0abc123def4567890");
      }
    }
    return new NodeClassSpec(name, null, family, ids);
  }

  /**
   * Istio: revisions (at least one), revision tags, namespace labels and gateways. Every tag, label
   * and gateway names a revision or tag listed here.
   */
  private IstioSpec istio(JsonNode node, String path) {
    Obj i = obj(node, path, "namespace", "installedBy", "revisions", "tags", "namespaces", "gateways");
    String namespace = i.has("namespace") ? i.dnsLabel("namespace") : "istio-system";
    Installation installedBy = i.has("installedBy") ? i.installation("installedBy") : Installation.HELM;
    if (!i.has("revisions") || i.list("revisions").isEmpty()) {
      throw fail(path + ".revisions", "list at least one revision (name and version), or leave istio out");
    }
    List<IstioRevisionSpec> revisions = new ArrayList<>();
    Set<String> revisionNames = new LinkedHashSet<>();
    List<JsonNode> items = i.list("revisions");
    for (int n = 0; n < items.size(); n++) {
      String p = path + ".revisions[" + n + "]";
      Obj r = obj(items.get(n), p, "name", "version");
      String name = r.dnsLabel("name");
      if (!revisionNames.add(name)) {
        throw fail(p + ".name", "revision '" + name + "' is listed twice");
      }
      revisions.add(new IstioRevisionSpec(name, r.componentVersion("version")));
    }
    List<IstioTagSpec> tags = new ArrayList<>();
    Set<String> tagNames = new LinkedHashSet<>();
    items = i.has("tags") ? i.list("tags") : List.of();
    for (int n = 0; n < items.size(); n++) {
      String p = path + ".tags[" + n + "]";
      Obj t = obj(items.get(n), p, "name", "revision");
      String name = t.dnsLabel("name");
      if (!tagNames.add(name)) {
        throw fail(p + ".name", "tag '" + name + "' is listed twice");
      }
      // "default" is the one tag that may stand beside a non-revisioned install, as istioctl allows.
      if (revisionNames.contains(name) && !name.equals("default")) {
        throw fail(p + ".name", "'" + name + "' is a revision; a tag cannot take a revision's name");
      }
      String revision = t.dnsLabel("revision");
      if (!revisionNames.contains(revision)) {
        throw fail(p + ".revision", "'" + revision + "' is not one of the revisions (" + String.join(", ", revisionNames) + ")");
      }
      tags.add(new IstioTagSpec(name, revision));
    }
    Set<String> selectable = new LinkedHashSet<>(revisionNames);
    selectable.addAll(tagNames);
    List<IstioNamespaceSpec> namespaces = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    items = i.has("namespaces") ? i.list("namespaces") : List.of();
    for (int n = 0; n < items.size(); n++) {
      String p = path + ".namespaces[" + n + "]";
      Obj ns = obj(items.get(n), p, "name", "injection", "rev");
      String name = ns.dnsLabel("name");
      if (!seen.add(name)) {
        throw fail(p + ".name", "namespace '" + name + "' is listed twice");
      }
      if (ns.has("injection") == ns.has("rev")) {
        throw fail(p, "set exactly one of injection (istio-injection) and rev (istio.io/rev)");
      }
      String injection = ns.has("injection") ? ns.oneOf("injection", Set.of("enabled", "disabled")) : null;
      String rev = ns.has("rev") ? ns.dnsLabel("rev") : null;
      if (rev != null && !selectable.contains(rev)) {
        throw fail(p + ".rev", "'" + rev + "' is neither a revision nor a tag (" + String.join(", ", selectable) + ")");
      }
      namespaces.add(new IstioNamespaceSpec(name, injection, rev));
    }
    List<GatewaySpec> gateways = new ArrayList<>();
    seen.clear();
    items = i.has("gateways") ? i.list("gateways") : List.of();
    for (int n = 0; n < items.size(); n++) {
      String p = path + ".gateways[" + n + "]";
      Obj g = obj(items.get(n), p, "namespace", "name", "replicas", "revision");
      String gatewayNamespace = g.has("namespace") ? g.dnsLabel("namespace") : "istio-ingress";
      String name = g.dnsLabel("name");
      if (!seen.add(gatewayNamespace + "/" + name)) {
        throw fail(p + ".name", "gateway '" + gatewayNamespace + "/" + name + "' is listed twice");
      }
      int replicas = g.has("replicas") ? g.size("replicas") : 2;
      String revision;
      if (g.has("revision")) {
        revision = g.dnsLabel("revision");
        if (!selectable.contains(revision)) {
          throw fail(p + ".revision", "'" + revision + "' is neither a revision nor a tag (" + String.join(", ", selectable) + ")");
        }
      } else if (revisions.size() == 1) {
        revision = revisions.get(0).name();
      } else {
        throw fail(p + ".revision", "is required when there is more than one revision");
      }
      gateways.add(new GatewaySpec(gatewayNamespace, name, replicas, revision));
    }
    return new IstioSpec(namespace, installedBy, revisions, tags, namespaces, gateways);
  }

  /** A Fargate profile: a name and one to five selectors (namespace and optional labels). */
  private FargateProfileSpec fargateProfile(JsonNode node, String path) {
    Obj f = obj(node, path, "name", "selectors");
    String name = f.requiredText("name");
    if (!NODE_GROUP_NAME.matcher(name).matches()) {
      throw fail(path + ".name", "'" + name + "' is not a valid Fargate profile name");
    }
    if (!f.has("selectors") || f.list("selectors").isEmpty()) {
      throw fail(path + ".selectors", "list at least one selector (a namespace and optional labels)");
    }
    List<JsonNode> items = f.list("selectors");
    if (items.size() > 5) {
      throw fail(path + ".selectors", "EKS allows at most 5 selectors per Fargate profile");
    }
    List<FargateSelectorSpec> selectors = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String p = path + ".selectors[" + i + "]";
      Obj s = obj(items.get(i), p, "namespace", "labels");
      selectors.add(
          new FargateSelectorSpec(s.dnsLabel("namespace"), s.has("labels") ? s.textMap("labels") : Map.of()));
    }
    return new FargateProfileSpec(name, selectors);
  }

  /**
   * A self-managed node group (an Auto Scaling group with a launch template). Left-out keys: the
   * cluster's version, two subnets, 2 nodes (1 to 3), a launch template named after the group
   * whose image is the EKS-optimized AMI of the version.
   */
  private SelfManagedGroupSpec selfManagedGroup(JsonNode node, String path, String clusterVersion) {
    Obj g =
        obj(
            node,
            path,
            "name",
            "version",
            "minSize",
            "maxSize",
            "desiredSize",
            "subnets",
            "launchTemplate",
            "labels",
            "instancesProtected");
    String name = g.requiredText("name");
    if (!ASG_NAME.matcher(name).matches()) {
      throw fail(path + ".name", "'" + name + "' is not a valid Auto Scaling group name");
    }
    String version = g.has("version") ? g.version("version") : clusterVersion;
    if (EksWorld.compareVersions(version, clusterVersion) > 0) {
      throw fail(
          path + ".version",
          "'" + version + "' is newer than the cluster's version " + clusterVersion + "; nodes cannot run ahead of the control plane");
    }
    int desired = g.has("desiredSize") ? g.size("desiredSize") : 2;
    int min = g.has("minSize") ? g.size("minSize") : Math.min(1, desired);
    int max = g.has("maxSize") ? g.size("maxSize") : Math.max(desired, 3);
    if (min > desired || desired > max) {
      throw fail(
          path,
          "sizes must satisfy minSize <= desiredSize <= maxSize, found minSize "
              + min
              + ", desiredSize "
              + desired
              + ", maxSize "
              + max);
    }
    List<String> subnets = g.has("subnets") ? g.texts("subnets") : List.of("subnet-a", "subnet-b");
    LaunchTemplateSpec launchTemplate =
        g.has("launchTemplate")
            ? launchTemplate(g.node("launchTemplate"), path + ".launchTemplate", name)
            : new LaunchTemplateSpec(LaunchTemplates.idFor(name + "-template"), name + "-template", 1, null);
    Map<String, String> labels = g.has("labels") ? g.textMap("labels") : Map.of();
    boolean instancesProtected = g.has("instancesProtected") && g.bool("instancesProtected");
    return new SelfManagedGroupSpec(
        name, version, min, max, desired, subnets, launchTemplate, labels, instancesProtected);
  }

  /**
   * A managed node group. Left-out keys take what a plain {@code eksctl}-made group has: the
   * cluster's version, AL2 on m5.large on demand in two subnets, 2 nodes (1 to 3).
   */
  private NodeGroupSpec nodeGroup(JsonNode node, String path, String clusterVersion) {
    Obj g =
        obj(
            node,
            path,
            "name",
            "version",
            "releaseVersion",
            "amiType",
            "capacityType",
            "instanceTypes",
            "subnets",
            "minSize",
            "maxSize",
            "desiredSize",
            "labels",
            "taints",
            "nodeRole",
            "launchTemplate",
            "instancesProtected",
            "newInstancesProtected",
            "asgStuck");
    String name = g.requiredText("name");
    if (!NODE_GROUP_NAME.matcher(name).matches()) {
      throw fail(path + ".name", "'" + name + "' is not a valid EKS node group name");
    }
    String version = g.has("version") ? g.version("version") : clusterVersion;
    if (EksWorld.compareVersions(version, clusterVersion) > 0) {
      throw fail(
          path + ".version",
          "'" + version + "' is newer than the cluster's version " + clusterVersion + "; nodes cannot run ahead of the control plane");
    }
    LaunchTemplateSpec launchTemplate =
        g.has("launchTemplate") ? launchTemplate(g.node("launchTemplate"), path + ".launchTemplate", name) : null;
    boolean customImage = launchTemplate != null && launchTemplate.imageId() != null;
    String amiType = g.has("amiType") ? g.oneOf("amiType", AMI_TYPES) : customImage ? "CUSTOM" : "AL2_x86_64";
    if (customImage && !amiType.equals("CUSTOM")) {
      throw fail(
          path + ".amiType",
          "'" + amiType + "' cannot go with a launch template that names an image (imageId); EKS reports such a group as CUSTOM");
    }
    if (amiType.equals("CUSTOM") && !customImage) {
      throw fail(path + ".amiType", "'CUSTOM' needs a launchTemplate with an imageId");
    }
    String releaseVersion =
        g.has("releaseVersion")
            ? g.requiredText("releaseVersion")
            : customImage ? launchTemplate.imageId() : EksWorld.releaseVersionFor(version);
    String capacityType = g.has("capacityType") ? g.oneOf("capacityType", CAPACITY_TYPES) : "ON_DEMAND";
    List<String> instanceTypes = g.has("instanceTypes") ? g.texts("instanceTypes") : List.of("m5.large");
    List<String> subnets = g.has("subnets") ? g.texts("subnets") : List.of("subnet-a", "subnet-b");
    int desired = g.has("desiredSize") ? g.size("desiredSize") : 2;
    int min = g.has("minSize") ? g.size("minSize") : Math.min(1, desired);
    int max = g.has("maxSize") ? g.size("maxSize") : Math.max(desired, 3);
    if (max < 1) {
      throw fail(path + ".maxSize", max + " is out of range: must be at least 1");
    }
    if (min > desired || desired > max) {
      throw fail(
          path,
          "sizes must satisfy minSize <= desiredSize <= maxSize, found minSize "
              + min
              + ", desiredSize "
              + desired
              + ", maxSize "
              + max);
    }
    Map<String, String> labels = g.has("labels") ? g.textMap("labels") : Map.of();
    List<TaintSpec> taints = new ArrayList<>();
    if (g.has("taints")) {
      List<JsonNode> items = g.list("taints");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".taints[" + i + "]";
        Obj t = obj(items.get(i), p, "key", "value", "effect");
        taints.add(
            new TaintSpec(
                t.requiredText("key"), t.has("value") ? t.requiredText("value") : null, t.oneOf("effect", TAINT_EFFECTS)));
      }
    }
    String nodeRole =
        g.has("nodeRole") ? g.requiredText("nodeRole") : "arn:aws:iam::" + EksWorld.ACCOUNT_ID + ":role/eks-node";
    boolean instancesProtected = g.has("instancesProtected") && g.bool("instancesProtected");
    boolean newInstancesProtected = g.has("newInstancesProtected") && g.bool("newInstancesProtected");
    boolean asgStuck = g.has("asgStuck") && g.bool("asgStuck");
    return new NodeGroupSpec(
        name,
        version,
        releaseVersion,
        amiType,
        capacityType,
        instanceTypes,
        subnets,
        min,
        max,
        desired,
        labels,
        taints,
        nodeRole,
        launchTemplate,
        instancesProtected,
        newInstancesProtected,
        asgStuck);
  }

  /** A launch template; its id and name default to ones derived from the node group's name. */
  private LaunchTemplateSpec launchTemplate(JsonNode node, String path, String nodeGroup) {
    Obj t = obj(node, path, "id", "name", "version", "imageId");
    String name = t.has("name") ? t.requiredText("name") : nodeGroup + "-template";
    String id = t.has("id") ? t.requiredText("id") : LaunchTemplates.idFor(name);
    if (!id.matches("lt-[0-9a-f]{1,17}")) {
      throw fail(path + ".id", "'" + id + "' is not a launch template id like lt-0abc123def4567890");
    }
    long version = t.has("version") ? t.integer("version") : 1;
    if (version < 1 || version > 10_000) {
      throw fail(path + ".version", version + " is out of range: must be at least 1");
    }
    String imageId = t.has("imageId") ? t.requiredText("imageId") : null;
    if (imageId != null && !imageId.matches("ami-[0-9a-f]{8,17}")) {
      throw fail(path + ".imageId", "'" + imageId + "' is not an AMI id like ami-0abc123def4567890");
    }
    return new LaunchTemplateSpec(id, name, (int) version, imageId);
  }

  private KubernetesSpec kubernetes(JsonNode node, String path) {
    Obj k = obj(node, path, "workloads", "pdbs", "deprecatedApiRequests", "applied", "helmReleases", "rbac");
    List<WorkloadSpec> workloads = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (k.has("workloads")) {
      List<JsonNode> items = k.list("workloads");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".workloads[" + i + "]";
        WorkloadSpec w = workload(items.get(i), p);
        if (!seen.add(w.namespace() + "/" + w.name())) {
          throw fail(p + ".name", "workload '" + w.namespace() + "/" + w.name() + "' is listed twice");
        }
        workloads.add(w);
      }
    }
    List<PdbSpec> pdbs = new ArrayList<>();
    seen.clear();
    if (k.has("pdbs")) {
      List<JsonNode> items = k.list("pdbs");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".pdbs[" + i + "]";
        PdbSpec b = pdb(items.get(i), p);
        if (!seen.add(b.namespace() + "/" + b.name())) {
          throw fail(p + ".name", "PDB '" + b.namespace() + "/" + b.name() + "' is listed twice");
        }
        pdbs.add(b);
      }
    }
    List<DeprecatedApiRequestSpec> requests = new ArrayList<>();
    seen.clear();
    List<JsonNode> items = k.has("deprecatedApiRequests") ? k.list("deprecatedApiRequests") : List.of();
    for (int i = 0; i < items.size(); i++) {
      String p = path + ".deprecatedApiRequests[" + i + "]";
      DeprecatedApiRequestSpec r = deprecatedApiRequest(items.get(i), p);
      if (!seen.add(r.group() + "/" + r.version() + "/" + r.resource() + "/" + r.subresource())) {
        throw fail(p, "the request of " + r.group() + "/" + r.version() + " " + r.resource() + " is listed twice");
      }
      requests.add(r);
    }
    List<AppliedSpec> applied = new ArrayList<>();
    Set<String> typed = new HashSet<>();
    workloads.forEach(w -> typed.add(w.kind().toLowerCase(Locale.ROOT) + "s/" + w.namespace() + "/" + w.name()));
    pdbs.forEach(b -> typed.add("poddisruptionbudgets/" + b.namespace() + "/" + b.name()));
    seen.clear();
    items = k.has("applied") ? k.list("applied") : List.of();
    for (int i = 0; i < items.size(); i++) {
      String p = path + ".applied[" + i + "]";
      AppliedSpec a = applied(items.get(i), p);
      String id = a.plural() + "/" + a.namespace() + "/" + a.name();
      if (!seen.add(id) || typed.contains(id)) {
        throw fail(p + ".manifest.metadata.name", a.kind() + " '" + (a.namespace() == null ? "" : a.namespace() + "/") + a.name() + "' is listed twice");
      }
      applied.add(a);
    }
    List<HelmReleaseSpec> releases = new ArrayList<>();
    seen.clear();
    items = k.has("helmReleases") ? k.list("helmReleases") : List.of();
    for (int i = 0; i < items.size(); i++) {
      String p = path + ".helmReleases[" + i + "]";
      HelmReleaseSpec r = helmRelease(items.get(i), p);
      if (!seen.add(r.namespace() + "/" + r.name())) {
        throw fail(p + ".name", "release '" + r.namespace() + "/" + r.name() + "' is listed twice");
      }
      releases.add(r);
    }
    Scenario.RbacSpec rbac = k.has("rbac") ? rbac(k.node("rbac"), path + ".rbac") : null;
    return new KubernetesSpec(workloads, pdbs, requests, applied, releases, rbac);
  }

  /**
   * file (relative paths resolve against the working directory, else against its parents, so
   * that {@code deploy/rbac.yaml} names the repository's file from a module too), groups (default
   * [eks-upgrader]), enforce (default true).
   */
  private Scenario.RbacSpec rbac(JsonNode node, String path) {
    Obj r = obj(node, path, "file", "groups", "enforce");
    String name = r.requiredText("file");
    java.nio.file.Path file = java.nio.file.Path.of(name);
    if (!file.isAbsolute()) {
      java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
      while (dir != null && !java.nio.file.Files.isRegularFile(dir.resolve(name))) {
        dir = dir.getParent();
      }
      if (dir == null) {
        throw fail(path + ".file", "no file '" + name + "' in the working directory or above it");
      }
      file = dir.resolve(name);
    } else if (!java.nio.file.Files.isRegularFile(file)) {
      throw fail(path + ".file", "no file '" + name + "'");
    }
    List<String> groups = r.has("groups") ? r.texts("groups") : List.of("eks-upgrader");
    boolean enforce = !r.has("enforce") || r.bool("enforce");
    try {
      io.eksupgrader.sandbox.kube.RbacPolicy.load(file, groups);
    } catch (IllegalArgumentException e) {
      throw fail(path, e.getMessage());
    }
    return new Scenario.RbacSpec(file, groups, enforce);
  }

  /** One deprecated API requested: group (core when left out), version, resource, removedRelease. */
  private DeprecatedApiRequestSpec deprecatedApiRequest(JsonNode node, String path) {
    Obj r = obj(node, path, "group", "version", "resource", "subresource", "removedRelease");
    String group = r.has("group") ? r.requiredText("group") : "";
    if (!group.isEmpty() && !GROUP.matcher(group).matches()) {
      throw fail(path + ".group", "'" + group + "' is not an API group like flowcontrol.apiserver.k8s.io");
    }
    String version = r.requiredText("version");
    if (!RESOURCE_VERSION.matcher(version).matches()) {
      throw fail(path + ".version", "'" + version + "' is not an API version like v1beta3");
    }
    String resource = r.requiredText("resource");
    if (!RESOURCE.matcher(resource).matches()) {
      throw fail(path + ".resource", "'" + resource + "' is not a resource name like flowschemas (lower case, plural)");
    }
    String subresource = r.has("subresource") ? r.requiredText("subresource") : "";
    if (!subresource.isEmpty() && !RESOURCE.matcher(subresource).matches()) {
      throw fail(path + ".subresource", "'" + subresource + "' is not a subresource name like status");
    }
    return new DeprecatedApiRequestSpec(group, version, resource, subresource, r.version("removedRelease"));
  }

  /**
   * An object as kubectl applied it: a manifest of a kind the sandbox knows (see {@link
   * KubernetesKinds}) and the group/version it is stored at. A namespaced kind without a namespace
   * lands in default, as kubectl puts it there.
   */
  private AppliedSpec applied(JsonNode node, String path) {
    Obj a = obj(node, path, "storedAs", "manifest");
    String storedAs = a.requiredText("storedAs");
    if (!API_VERSION.matcher(storedAs).matches()) {
      throw fail(path + ".storedAs", "'" + storedAs + "' is not a group/version like policy/v1");
    }
    String mp = path + ".manifest";
    if (!a.has("manifest")) {
      throw fail(mp, "is required (the object as it was applied)");
    }
    JsonNode manifest = a.node("manifest");
    if (!manifest.isObject()) {
      throw fail(mp, "expected a mapping (the object as it was applied), found " + describe(manifest));
    }
    JsonNode apiVersionNode = manifest.path("apiVersion");
    if (!apiVersionNode.isTextual() || !API_VERSION.matcher(apiVersionNode.textValue()).matches()) {
      throw fail(mp + ".apiVersion", (apiVersionNode.isMissingNode() ? "is required" : describe(apiVersionNode) + " is not a group/version like policy/v1beta1"));
    }
    JsonNode kindNode = manifest.path("kind");
    if (!kindNode.isTextual()) {
      throw fail(mp + ".kind", kindNode.isMissingNode() ? "is required" : describe(kindNode) + " is not a kind");
    }
    String kind = kindNode.textValue();
    KubernetesKinds.Resource resource =
        KubernetesKinds.of(kind)
            .orElseThrow(
                () -> fail(mp + ".kind", "'" + kind + "' is not a kind the sandbox stores (" + String.join(", ", KubernetesKinds.known()) + ")"));
    JsonNode metadata = manifest.path("metadata");
    if (!metadata.isObject()) {
      throw fail(mp + ".metadata", metadata.isMissingNode() ? "is required (with a name)" : "expected a mapping, found " + describe(metadata));
    }
    JsonNode nameNode = metadata.path("name");
    if (!nameNode.isTextual() || !OBJECT_NAME.matcher(nameNode.textValue()).matches()) {
      throw fail(mp + ".metadata.name", nameNode.isMissingNode() ? "is required" : describe(nameNode) + " is not a Kubernetes name: lower case letters, digits, '-' and '.'");
    }
    JsonNode namespaceNode = metadata.path("namespace");
    String namespace = null;
    if (!namespaceNode.isMissingNode()) {
      if (!resource.namespaced()) {
        throw fail(mp + ".metadata.namespace", "a " + kind + " is cluster-scoped and has no namespace");
      }
      if (!namespaceNode.isTextual() || !DNS_LABEL.matcher(namespaceNode.textValue()).matches()) {
        throw fail(mp + ".metadata.namespace", describe(namespaceNode) + " is not a Kubernetes name: lower case letters, digits and '-'");
      }
      namespace = namespaceNode.textValue();
    } else if (resource.namespaced()) {
      namespace = "default";
    }
    if (List.of("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet").contains(kind)
        && !manifest.path("spec").path("template").path("metadata").path("labels").isObject()) {
      throw fail(mp + ".spec.template.metadata.labels", "is required: the " + kind + "'s pods need labels its selector can match");
    }
    return new AppliedSpec(
        storedAs,
        apiVersionNode.textValue(),
        kind,
        resource.plural(),
        namespace,
        nameNode.textValue(),
        lastAppliedConfiguration(manifest));
  }

  /**
   * What kubectl writes into the annotation: the manifest as compact JSON, keys sorted (Go's
   * encoding of a map), and a newline at the end.
   */
  static String lastAppliedConfiguration(JsonNode manifest) {
    try {
      return JSON.writeValueAsString(sorted(manifest)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> out.set(k, sorted(v)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return node;
  }

  /**
   * A Helm release: name, namespace (default when left out), chart and its version, and the
   * manifest, which must be YAML documents that each name an apiVersion and a kind.
   */
  private HelmReleaseSpec helmRelease(JsonNode node, String path) {
    Obj r = obj(node, path, "name", "namespace", "chart", "version", "appVersion", "revision", "status", "manifest");
    String name = r.requiredText("name");
    if (!RELEASE_NAME.matcher(name).matches()) {
      throw fail(path + ".name", "'" + name + "' is not a Helm release name: lower case letters, digits and '-', at most 53");
    }
    String namespace = r.has("namespace") ? r.dnsLabel("namespace") : "default";
    String chart = r.requiredText("chart");
    String version = r.requiredText("version");
    if (!CHART_VERSION.matcher(version).matches()) {
      throw fail(path + ".version", "'" + version + "' is not a chart version like 0.3.0 (SemVer)");
    }
    String appVersion = r.has("appVersion") ? r.requiredText("appVersion") : version;
    int revision = r.has("revision") ? r.size("revision") : 1;
    if (revision < 1) {
      throw fail(path + ".revision", revision + " is out of range: Helm counts revisions from 1");
    }
    String status = r.has("status") ? r.oneOf("status", HELM_STATUSES) : "deployed";
    r.requiredText("manifest");
    // Kept exactly as written: it is the text Helm stored.
    String manifest = r.node("manifest").asText();
    List<JsonNode> documents;
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifest)) {
      documents = it.readAll();
    } catch (IOException | RuntimeException e) {
      throw fail(path + ".manifest", "is not YAML documents: " + e.getMessage().lines().findFirst().orElse(""));
    }
    for (int i = 0; i < documents.size(); i++) {
      JsonNode d = documents.get(i);
      if (d == null || d.isNull() || d.isMissingNode()) {
        continue;
      }
      if (!d.isObject() || !d.path("apiVersion").isTextual() || !d.path("kind").isTextual()) {
        throw fail(path + ".manifest", "document " + (i + 1) + " is not an object with apiVersion and kind");
      }
    }
    return new HelmReleaseSpec(name, namespace, chart, version, appVersion, revision, status, manifest);
  }

  private WorkloadSpec workload(JsonNode node, String path) {
    Obj w = obj(node, path, "namespace", "name", "kind", "replicas", "labels", "emptyDir", "nodeSelector");
    String namespace = w.has("namespace") ? w.dnsLabel("namespace") : "default";
    String name = w.dnsLabel("name");
    String kind = w.has("kind") ? w.oneOf("kind", WORKLOAD_KINDS) : "Deployment";
    int replicas = 1;
    if (w.has("replicas")) {
      if (kind.equals("DaemonSet") || kind.equals("Pod")) {
        throw fail(
            path + ".replicas",
            "a " + kind + " has no replicas (" + (kind.equals("Pod") ? "it is one pod" : "it runs one pod per node") + ")");
      }
      replicas = w.size("replicas");
    }
    Map<String, String> labels = w.has("labels") ? w.textMap("labels") : Map.of("app", name);
    if (labels.isEmpty()) {
      throw fail(path + ".labels", "a workload's pods need at least one label");
    }
    boolean emptyDir = w.has("emptyDir") && w.bool("emptyDir");
    Map<String, String> nodeSelector = w.has("nodeSelector") ? w.textMap("nodeSelector") : Map.of();
    return new WorkloadSpec(namespace, name, kind, replicas, labels, emptyDir, nodeSelector);
  }

  private PdbSpec pdb(JsonNode node, String path) {
    Obj b = obj(node, path, "namespace", "name", "selector", "minAvailable", "maxUnavailable");
    String namespace = b.has("namespace") ? b.dnsLabel("namespace") : "default";
    String name = b.dnsLabel("name");
    if (!b.has("selector")) {
      throw fail(path + ".selector", "is required (the labels of the pods the budget covers)");
    }
    Map<String, String> selector = b.textMap("selector");
    if (selector.isEmpty()) {
      throw fail(path + ".selector", "must name at least one label; an empty selector would cover every pod");
    }
    if (b.has("minAvailable") == b.has("maxUnavailable")) {
      throw fail(path, "set exactly one of minAvailable and maxUnavailable");
    }
    String minAvailable = b.has("minAvailable") ? b.budget("minAvailable") : null;
    String maxUnavailable = b.has("maxUnavailable") ? b.budget("maxUnavailable") : null;
    return new PdbSpec(namespace, name, selector, minAvailable, maxUnavailable);
  }

  private List<OfferedVersionSpec> offeredVersions(
      List<JsonNode> items, String path, Instant statusAt) {
    List<OfferedVersionSpec> result = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String p = path + "[" + i + "]";
      Obj v =
          obj(
              items.get(i),
              p,
              "version",
              "status",
              "releaseDate",
              "endOfStandardSupport",
              "endOfExtendedSupport",
              "defaultPlatformVersion",
              "default");
      String version = v.version("version");
      if (!seen.add(version)) {
        throw fail(p + ".version", "version '" + version + "' is listed twice");
      }
      Instant release = v.has("releaseDate") ? v.instant("releaseDate") : null;
      Instant endStandard = v.has("endOfStandardSupport") ? v.instant("endOfStandardSupport") : null;
      Instant endExtended = v.has("endOfExtendedSupport") ? v.instant("endOfExtendedSupport") : null;
      String status =
          v.has("status")
              ? v.oneOf("status", VERSION_STATUSES)
              : DefaultVersions.statusAt(statusAt, endStandard, endExtended);
      String platform = v.has("defaultPlatformVersion") ? v.requiredText("defaultPlatformVersion") : "eks.1";
      boolean isDefault = v.has("default") && v.bool("default");
      result.add(
          new OfferedVersionSpec(version, status, release, endStandard, endExtended, platform, isDefault));
    }
    return result;
  }

  private Faults faults(JsonNode node) {
    Obj f =
        obj(
            node,
            "faults",
            "seed",
            "throttlingRate",
            "serverErrorRate",
            "conflictAfterUpdate",
            "failUpdatesTo",
            "nodesNeverReady",
            "kubernetesOutages",
            "karpenterLaunchFailures",
            "degradedAddons",
            "veleroBackupFails");
    long seed = f.has("seed") ? f.integer("seed") : 0;
    double throttling = f.has("throttlingRate") ? f.number("throttlingRate", 0, true, 1) : 0;
    double serverErrors = f.has("serverErrorRate") ? f.number("serverErrorRate", 0, true, 1) : 0;
    if (throttling + serverErrors > 1) {
      throw fail(
          "faults",
          "throttlingRate + serverErrorRate is "
              + (throttling + serverErrors)
              + "; together they cannot exceed 1");
    }
    Duration conflict = f.has("conflictAfterUpdate") ? f.duration("conflictAfterUpdate") : Duration.ZERO;
    List<String> failTo = new ArrayList<>();
    if (f.has("failUpdatesTo")) {
      List<JsonNode> items = f.list("failUpdatesTo");
      for (int i = 0; i < items.size(); i++) {
        failTo.add(versionText(items.get(i), "faults.failUpdatesTo[" + i + "]"));
      }
    }
    List<String> neverReady = new ArrayList<>();
    if (f.has("nodesNeverReady")) {
      List<JsonNode> items = f.list("nodesNeverReady");
      for (int i = 0; i < items.size(); i++) {
        String p = "faults.nodesNeverReady[" + i + "]";
        JsonNode item = items.get(i);
        if (!item.isTextual() || !NODE_GROUP_NAME.matcher(item.textValue()).matches()) {
          throw fail(p, describe(item) + " is not a node group name");
        }
        neverReady.add(item.textValue());
      }
    }
    List<OutageSpec> outages = new ArrayList<>();
    if (f.has("kubernetesOutages")) {
      List<JsonNode> items = f.list("kubernetesOutages");
      for (int i = 0; i < items.size(); i++) {
        String p = "faults.kubernetesOutages[" + i + "]";
        Obj o = obj(items.get(i), p, "after", "afterEvictions", "duration");
        if (o.has("after") == o.has("afterEvictions") || !o.has("duration")) {
          throw fail(
              p,
              "an outage needs duration and exactly one of after (from the start of the run)"
                  + " and afterEvictions (from the n-th accepted eviction)");
        }
        Duration duration = o.duration("duration");
        if (duration.isZero()) {
          throw fail(p + ".duration", "an outage must last longer than 0");
        }
        if (o.has("afterEvictions")) {
          long evictions = o.integer("afterEvictions");
          if (evictions < 1 || evictions > 1_000_000) {
            throw fail(p + ".afterEvictions", "must be a whole number from 1, was " + evictions);
          }
          outages.add(new OutageSpec(null, duration, (int) evictions));
        } else {
          outages.add(new OutageSpec(o.duration("after"), duration));
        }
      }
    }
    int launchFailures = f.has("karpenterLaunchFailures") ? f.size("karpenterLaunchFailures") : 0;
    List<String> degraded = f.has("degradedAddons") ? f.texts("degradedAddons") : List.of();
    boolean veleroFails = f.has("veleroBackupFails") && f.bool("veleroBackupFails");
    return new Faults(
        seed, throttling, serverErrors, conflict, failTo, neverReady, outages, launchFailures, degraded, veleroFails);
  }

  // ---- the sandbox's Prometheus ----

  private PrometheusScript prometheus(JsonNode node) {
    Obj p = obj(node, "prometheus", "queries", "outages", "bearerToken");
    List<ScriptedQuery> queries = new ArrayList<>();
    if (p.has("queries")) {
      Map<String, Integer> seen = new HashMap<>();
      List<JsonNode> items = p.list("queries");
      for (int i = 0; i < items.size(); i++) {
        String path = "prometheus.queries[" + i + "]";
        ScriptedQuery q = scriptedQuery(items.get(i), path);
        Integer other = seen.putIfAbsent(PrometheusScript.normalize(q.query()), i);
        if (other != null) {
          throw fail(path + ".query", "the same query as prometheus.queries[" + other + "] (whitespace aside)");
        }
        queries.add(q);
      }
    }
    List<Window> outages = new ArrayList<>();
    if (p.has("outages")) {
      List<JsonNode> items = p.list("outages");
      for (int i = 0; i < items.size(); i++) {
        String path = "prometheus.outages[" + i + "]";
        Obj o = obj(items.get(i), path, "from", "until");
        outages.add(window(o, path));
      }
    }
    String token = p.has("bearerToken") ? p.requiredText("bearerToken") : null;
    return new PrometheusScript(queries, outages, token);
  }

  private ScriptedQuery scriptedQuery(JsonNode node, String path) {
    Obj q = obj(node, path, "query", "series", "scalar", "error", "changes");
    String query = q.requiredText("query");
    Answer answer = answer(q, path, false);
    List<Change> changes = new ArrayList<>();
    if (q.has("changes")) {
      List<JsonNode> items = q.list("changes");
      for (int i = 0; i < items.size(); i++) {
        String p = path + ".changes[" + i + "]";
        Obj c = obj(items.get(i), p, "from", "until", "series", "scalar", "error");
        changes.add(new Change(window(c, p), answer(c, p, true)));
      }
    }
    return new ScriptedQuery(query, answer, changes);
  }

  /** One of series, scalar and error; none is no data unless {@code required}. */
  private Answer answer(Obj o, String path, boolean required) {
    List<String> given = new ArrayList<>();
    for (String key : List.of("series", "scalar", "error")) {
      if (o.has(key)) {
        given.add(key);
      }
    }
    if (given.size() > 1) {
      throw fail(path, "give one of series, scalar and error, not " + String.join(" and ", given));
    }
    if (given.isEmpty()) {
      if (required) {
        throw fail(path, "a change needs what the query answers in it: series (an empty list for no data), scalar or error");
      }
      return Answer.noData();
    }
    return switch (given.get(0)) {
      case "scalar" -> Answer.scalarValue(sampleValue(o.node("scalar"), path + ".scalar"));
      case "error" -> Answer.badData(o.requiredText("error"));
      default -> {
        List<Series> series = new ArrayList<>();
        Set<Map<String, String>> seen = new HashSet<>();
        List<JsonNode> items = o.list("series");
        for (int i = 0; i < items.size(); i++) {
          String p = path + ".series[" + i + "]";
          Obj s = obj(items.get(i), p, "labels", "value");
          Map<String, String> labels = s.has("labels") ? s.textMap("labels") : Map.of();
          for (String label : labels.keySet()) {
            if (!PROMETHEUS_LABEL.matcher(label).matches()) {
              throw fail(p + ".labels", "'" + label + "' is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
            }
          }
          if (!seen.add(labels)) {
            throw fail(p + ".labels", "another series of this answer has the same labels " + labels);
          }
          if (!s.has("value")) {
            throw fail(p + ".value", "is required");
          }
          series.add(new Series(labels, sampleValue(s.node("value"), p + ".value")));
        }
        yield Answer.vector(series);
      }
    };
  }

  /** A number, or NaN, +Inf, -Inf as Prometheus writes them. */
  private double sampleValue(JsonNode v, String path) {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      switch (v.textValue().trim()) {
        case "NaN":
          return Double.NaN;
        case "+Inf", "Inf":
          return Double.POSITIVE_INFINITY;
        case "-Inf":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw fail(path, describe(v) + " is not a sample value: a number, or NaN, +Inf, -Inf in quotes");
  }

  private Window window(Obj o, String path) {
    if (!o.has("from") && !o.has("until")) {
      throw fail(path, "needs from or until (or both): a simulated time such as 30m, or a call such as {call: CreateEviction, count: 1}");
    }
    Trigger from = o.has("from") ? trigger(o.node("from"), path + ".from") : null;
    Trigger until = o.has("until") ? trigger(o.node("until"), path + ".until") : null;
    if (from != null && until != null && from.after() != null && until.after() != null
        && until.after().compareTo(from.after()) <= 0) {
      throw fail(path, "until (" + until.after() + ") must come after from (" + from.after() + ")");
    }
    return new Window(from, until);
  }

  /** A simulated time after the start ({@code 30m}) or a call of the call log. */
  private Trigger trigger(JsonNode node, String path) {
    if (node.isTextual() || (node.isIntegralNumber() && node.longValue() == 0)) {
      try {
        return Trigger.afterTime(node.isTextual() ? parseDuration(node.textValue()) : Duration.ZERO);
      } catch (IllegalArgumentException e) {
        throw fail(path, e.getMessage());
      }
    }
    if (!node.isObject()) {
      throw fail(path, describe(node) + " is neither a simulated time such as 30m nor a call such as {call: CreateEviction}");
    }
    Obj t = obj(node, path, "call", "count");
    String call = t.requiredText("call");
    if (!OPERATION.matcher(call).matches()) {
      throw fail(path + ".call", "'" + call + "' is not an operation name of the call log, such as CreateEviction or DeleteNodegroup");
    }
    int count = 1;
    if (t.has("count")) {
      count = t.size("count");
      if (count < 1) {
        throw fail(path + ".count", "must be at least 1 (the first call is 1)");
      }
    }
    return Trigger.afterCall(call, count);
  }

  private String versionText(JsonNode node, String path) {
    if (node.isNumber()) {
      throw fail(
          path,
          node.asText()
              + " is a number to YAML, which drops trailing zeros (1.30 becomes 1.3): write the"
              + " version in quotes, \""
              + node.asText()
              + "\"");
    }
    if (!node.isTextual()) {
      throw fail(path, "expected a version like \"1.33\", found " + describe(node));
    }
    String text = node.textValue().trim();
    if (!VERSION.matcher(text).matches()) {
      throw fail(path, "'" + text + "' is not an EKS Kubernetes version: use MAJOR.MINOR, e.g. \"1.33\"");
    }
    return text;
  }

  private ScenarioException fail(String path, String problem) {
    return new ScenarioException(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
  }

  private static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNull()) {
      return "nothing (null)";
    }
    return "'" + node.asText() + "'";
  }

  private Obj obj(JsonNode node, String path, String... keys) {
    if (node == null || !node.isObject()) {
      throw fail(path, "expected a mapping, found " + (node == null ? "nothing" : describe(node)));
    }
    Set<String> allowed = Set.of(keys);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw fail(
            path,
            "unknown key '" + key + "' (known keys: " + String.join(", ", keys) + ")");
      }
    }
    return new Obj(node, path);
  }

  /** One YAML mapping with the path that leads to it, for messages. */
  private final class Obj {
    private final JsonNode node;
    private final String path;

    Obj(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    private String at(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return node.has(key) && !node.get(key).isNull();
    }

    JsonNode node(String key) {
      return node.get(key);
    }

    String requiredText(String key) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        throw fail(at(key), "is required");
      }
      if (!v.isValueNode() || v.asText().isBlank()) {
        throw fail(at(key), "expected a non-empty text, found " + describe(v));
      }
      return v.asText().trim();
    }

    String version(String key) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        throw fail(at(key), "is required");
      }
      return versionText(v, at(key));
    }

    String oneOf(String key, Set<String> values) {
      String text = requiredText(key);
      if (!values.contains(text)) {
        throw fail(
            at(key),
            "'" + text + "' is not one of " + String.join(", ", values.stream().sorted().toList()));
      }
      return text;
    }

    double number(String key, double min, boolean minInclusive, double max) {
      JsonNode v = node.get(key);
      if (!v.isNumber()) {
        throw fail(at(key), "expected a number, found " + describe(v));
      }
      double d = v.doubleValue();
      boolean tooLow = minInclusive ? d < min : d <= min;
      if (tooLow || d > max || Double.isNaN(d)) {
        throw fail(
            at(key),
            v.asText()
                + " is out of range: must be "
                + (minInclusive ? "at least " : "greater than ")
                + min
                + (max < Double.MAX_VALUE ? " and at most " + max : ""));
      }
      return d;
    }

    long integer(String key) {
      JsonNode v = node.get(key);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw fail(at(key), "expected a whole number, found " + describe(v));
      }
      return v.longValue();
    }

    boolean bool(String key) {
      JsonNode v = node.get(key);
      if (!v.isBoolean()) {
        throw fail(at(key), "expected true or false, found " + describe(v));
      }
      return v.booleanValue();
    }

    Duration duration(String key) {
      JsonNode v = node.get(key);
      if (v.isIntegralNumber() && v.longValue() == 0) {
        return Duration.ZERO;
      }
      if (!v.isTextual()) {
        throw fail(
            at(key),
            describe(v) + " is not a duration: use a whole number and a unit ms, s, m or h, e.g. 25m");
      }
      try {
        return parseDuration(v.textValue());
      } catch (IllegalArgumentException e) {
        throw fail(at(key), e.getMessage());
      }
    }

    Instant instant(String key) {
      JsonNode v = node.get(key);
      if (!v.isTextual()) {
        throw fail(at(key), "expected a date (2026-12-02) or an instant (2026-12-02T10:00:00Z), found " + describe(v));
      }
      String text = v.textValue().trim();
      try {
        return text.length() == 10
            ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
            : Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw fail(
            at(key),
            "'" + text + "' is not a date (2026-12-02) or an instant (2026-12-02T10:00:00Z)");
      }
    }

    int size(String key) {
      long n = integer(key);
      if (n < 0 || n > 10_000) {
        throw fail(at(key), n + " is out of range: must be between 0 and 10000");
      }
      return (int) n;
    }

    /** A Kubernetes object name or namespace (an RFC 1123 label). */
    String dnsLabel(String key) {
      String text = requiredText(key);
      if (!DNS_LABEL.matcher(text).matches()) {
        throw fail(at(key), "'" + text + "' is not a Kubernetes name: lower case letters, digits and '-'");
      }
      return text;
    }

    /** A component's release version, MAJOR.MINOR.PATCH without a leading v (1.0.2, 1.26.2). */
    String componentVersion(String key) {
      JsonNode v = node.get(key);
      if (v != null && v.isNumber()) {
        throw fail(at(key), v.asText() + " is a number to YAML: write the full version in quotes, e.g. \"1.0.2\"");
      }
      String text = requiredText(key);
      if (text.startsWith("v") && COMPONENT_VERSION.matcher(text.substring(1)).matches()) {
        throw fail(at(key), "'" + text + "': write the version without the leading v, " + text.substring(1));
      }
      if (!COMPONENT_VERSION.matcher(text).matches()) {
        throw fail(at(key), "'" + text + "' is not a version like 1.0.2 (MAJOR.MINOR.PATCH)");
      }
      return text;
    }

    Installation installation(String key) {
      String text = oneOf(key, Set.of("helm", "manifests"));
      return text.equals("helm") ? Installation.HELM : Installation.MANIFESTS;
    }

    /** A PDB's minAvailable or maxUnavailable: a whole number or a percentage, e.g. 1 or "10%". */
    String budget(String key) {
      JsonNode v = node.get(key);
      String text = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.textValue().trim() : null;
      Matcher m = text == null ? null : BUDGET.matcher(text);
      if (m == null || !m.matches() || (!m.group(2).isEmpty() && Long.parseLong(m.group(1)) > 100)) {
        throw fail(at(key), describe(v) + " is not a whole number or a percentage up to 100%, e.g. 1 or \"10%\"");
      }
      return text;
    }

    List<String> texts(String key) {
      List<JsonNode> items = list(key);
      if (items.isEmpty()) {
        throw fail(at(key), "must not be empty");
      }
      List<String> result = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        if (!item.isTextual() || item.textValue().isBlank()) {
          throw fail(at(key) + "[" + i + "]", "expected a non-empty text, found " + describe(item));
        }
        result.add(item.textValue().trim());
      }
      return result;
    }

    /** Labels or a selector: text keys to text values; numbers must be quoted, as in Kubernetes. */
    Map<String, String> textMap(String key) {
      JsonNode v = node.get(key);
      if (!v.isObject()) {
        throw fail(at(key), "expected a mapping of labels, found " + describe(v));
      }
      Map<String, String> result = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw fail(
              at(key) + "." + e.getKey(),
              describe(e.getValue()) + " is not text: label values are strings, write it in quotes");
        }
        result.put(e.getKey(), e.getValue().textValue());
      }
      return result;
    }

    List<JsonNode> list(String key) {
      JsonNode v = node.get(key);
      if (!v.isArray()) {
        throw fail(at(key), "expected a list, found " + describe(v));
      }
      List<JsonNode> items = new ArrayList<>();
      v.forEach(items::add);
      return items;
    }
  }
}
