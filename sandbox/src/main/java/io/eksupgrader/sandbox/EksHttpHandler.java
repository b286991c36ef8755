package io.eksupgrader.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.EksWorld.ClusterView;
import io.eksupgrader.sandbox.EksWorld.Issue;
import io.eksupgrader.sandbox.EksWorld.LaunchTemplateRef;
import io.eksupgrader.sandbox.EksWorld.NodeGroupRequest;
import io.eksupgrader.sandbox.EksWorld.NodeGroupResult;
import io.eksupgrader.sandbox.EksWorld.NodeGroupView;
import io.eksupgrader.sandbox.EksWorld.Scaling;
import io.eksupgrader.sandbox.EksWorld.UpdateError;
import io.eksupgrader.sandbox.EksWorld.UpdateParam;
import io.eksupgrader.sandbox.EksWorld.UpdateResult;
import io.eksupgrader.sandbox.EksWorld.UpdateView;
import io.eksupgrader.sandbox.Scenario.InsightSpec;
import io.eksupgrader.sandbox.Scenario.OfferedVersionSpec;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks EKS's REST-JSON protocol. Per request: the region comes from the SigV4 credential scope
 * (signatures are not checked), then a fault may be injected before anything is read or changed,
 * then the operation runs against the {@link EksWorld}: clusters, their version updates and
 * their managed node groups. Mutating requests are recorded in the {@link CallLog} with what they
 * did, errors included.
 */
final class EksHttpHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(EksHttpHandler.class);

  private static final Pattern CREDENTIAL_SCOPE =
      Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([^/,\\s]+)/([^/,\\s]+)/aws4_request");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** EKS spells taint effects NO_SCHEDULE; Kubernetes (and the scenario) NoSchedule. */
  private static final Map<String, String> TAINT_EFFECTS =
      Map.of(
          "NO_SCHEDULE", "NoSchedule",
          "NO_EXECUTE", "NoExecute",
          "PREFER_NO_SCHEDULE", "PreferNoSchedule");

  private final EksWorld world;
  private final Scenario scenario;
  private final SimulatedClock clock;
  private final CallLog callLog;
  private final AwsActionLog actions;
  private final FaultInjector faults;
  private final ObjectMapper mapper;

  EksHttpHandler(
      EksWorld world,
      Scenario scenario,
      SimulatedClock clock,
      CallLog callLog,
      AwsActionLog actions,
      ObjectMapper mapper) {
    this.world = world;
    this.scenario = scenario;
    this.clock = clock;
    this.callLog = callLog;
    this.actions = actions;
    this.faults = new FaultInjector(scenario.faults());
    this.mapper = mapper;
  }

  /** A successful answer and what it did, for the call log. */
  private record Answer(int status, ObjectNode body, Effect effect, String resourceId) {
    static Answer read(ObjectNode body) {
      return new Answer(200, body, null, null);
    }
  }

  /** What a mutating request asked for, as far as it can be read, for the call log. */
  private record Ask(String operation, String region, String cluster, String token, String version) {}

  SandboxServer.Stats stats() {
    return faults.stats();
  }

  /** The one fault draw that every service's requests share, so that a run repeats. */
  FaultInjector faults() {
    return faults;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      String rawPath = exchange.getRequestURI().getRawPath();
      EksRoutes.Match match = EksRoutes.match(method, rawPath);
      boolean mutating = match != null ? match.route().mutating() : !method.equals("GET");
      String region = region(exchange);
      Ask ask = mutating ? ask(match, method, rawPath, region, body) : null;
      try {
        if (region == null) {
          throw new AwsError(
              403,
              "MissingAuthenticationTokenException",
              "Missing Authentication Token: sign the request with SigV4 (the sandbox reads the"
                  + " region from its credential scope)",
              Map.of());
        }
        if (match != null) {
          actions.record("eks", match.operation());
        }
        switch (faults.draw()) {
          case THROTTLING -> throw new AwsError(
              429, "ThrottlingException", "Rate exceeded (sandbox fault faults.throttlingRate)", Map.of());
          case SERVER_ERROR -> throw new AwsError(
              500, "ServerException", "Internal failure (sandbox fault faults.serverErrorRate)", Map.of());
          default -> {}
        }
        if (match == null) {
          List<String> elsewhere = EksRoutes.operationsAt(rawPath);
          throw new AwsError(
              404,
              "UnknownOperationException",
              "No EKS operation answers "
                  + method
                  + " "
                  + rawPath
                  + (elsewhere.isEmpty() ? "" : " (this path serves " + String.join(", ", elsewhere) + ")"),
              Map.of());
        }
        Answer answer = dispatch(match, region, Query.parse(exchange.getRequestURI().getRawQuery()), body);
        // Recorded before answering, so that a client that got its answer finds it in the log.
        if (ask != null) {
          record(ask, answer.status(), answer.effect(), answer.resourceId(), null);
        }
        write(exchange, answer.status(), answer.body(), null);
        log.debug("{} {} {} -> {}", region, method, rawPath, answer.status());
      } catch (RuntimeException failure) {
        AwsError e;
        if (failure instanceof AwsError aws) {
          e = aws;
        } else {
          log.error("sandbox failed to answer {} {}", method, rawPath, failure);
          e = new AwsError(500, "ServerException", "sandbox failure: " + failure, Map.of());
        }
        ObjectNode error = JSON.objectNode();
        error.put("message", e.getMessage());
        e.fields().forEach(error::put);
        if (ask != null) {
          record(ask, e.status(), Effect.REJECTED, null, e.code());
        }
        write(exchange, e.status(), error, e.code());
        log.debug("{} {} {} -> {} {}", region, method, rawPath, e.status(), e.code());
      }
    }
  }

  private Answer dispatch(EksRoutes.Match match, String region, Query query, byte[] body) {
    String cluster = match.param("name");
    return switch (match.operation()) {
      case "DescribeCluster" -> Answer.read(single("cluster", cluster(world.describeCluster(region, cluster))));
      case "ListUpdates" -> listUpdates(region, cluster, query);
      case "DescribeUpdate" -> {
        if (query.first("addonName") != null) {
          yield Answer.read(
              single(
                  "update",
                  update(world.addons().describeUpdate(region, cluster, query.first("addonName"), match.param("updateId")))));
        }
        if (nodeGroupOfUpdate(region, query, cluster)) {
          // Node groups here are never updated in place, so a node group has no updates.
          throw AwsError.notFound("No update found for ID: " + match.param("updateId") + ".", cluster);
        }
        yield Answer.read(
            single("update", update(world.describeUpdate(region, cluster, match.param("updateId")))));
      }
      case "DescribeClusterVersions" -> Answer.read(clusterVersions(query));
      case "ListInsights" -> Answer.read(listInsights(region, cluster, body));
      case "DescribeInsight" -> {
        String id = match.param("id");
        InsightSpec insight =
            world.insights(region, cluster).stream()
                .filter(i -> i.id().equals(id))
                .findFirst()
                .orElseThrow(() -> AwsError.notFound("No insight found for id: " + id + ".", cluster));
        yield Answer.read(single("insight", insight(insight)));
      }
      case "UpdateClusterVersion" -> updateClusterVersion(region, cluster, body);
      case "ListNodegroups" -> listNodegroups(region, cluster, query);
      case "DescribeNodegroup" -> Answer.read(
          single("nodegroup", nodegroup(world.describeNodeGroup(region, cluster, match.param("nodegroupName")))));
      case "CreateNodegroup" -> createNodegroup(region, cluster, body);
      case "ListFargateProfiles" -> listFargateProfiles(region, cluster, query);
      case "ListAddons" -> {
        List<String> names = world.addons().names(region, cluster);
        Page page = page(query, names.size(), cluster);
        ObjectNode out = JSON.objectNode();
        ArrayNode array = out.putArray("addons");
        names.subList(page.from(), page.to()).forEach(array::add);
        if (page.nextToken() != null) {
          out.put("nextToken", page.nextToken());
        }
        yield Answer.read(out);
      }
      case "DescribeAddon" -> Answer.read(
          single("addon", addon(world.addons().describe(region, cluster, match.param("addonName")))));
      case "DescribeAddonVersions" -> Answer.read(addonVersions(query));
      case "UpdateAddon" -> {
        JsonNode json = json(body);
        UpdateResult result =
            world
                .addons()
                .update(
                    region,
                    cluster,
                    match.param("addonName"),
                    text(json, "addonVersion"),
                    text(json, "resolveConflicts"),
                    text(json, "clientRequestToken"));
        yield new Answer(
            200,
            single("update", update(result.update())),
            result.replayed() ? Effect.REPLAYED : Effect.CREATED,
            match.param("addonName") + " " + text(json, "addonVersion"));
      }
      case "DescribeFargateProfile" -> Answer.read(
          single(
              "fargateProfile",
              fargateProfile(
                  region,
                  cluster,
                  world.describeFargateProfile(region, cluster, match.param("fargateProfileName")))));
      case "DeleteNodegroup" -> {
        NodeGroupView deleting = world.deleteNodeGroup(region, cluster, match.param("nodegroupName"));
        yield new Answer(200, single("nodegroup", nodegroup(deleting)), Effect.CREATED, deleting.name());
      }
      default -> throw AwsError.invalidRequest(
          "The sandbox does not implement the EKS operation "
              + match.operation()
              + " ("
              + match.route().method()
              + " "
              + match.route().template()
              + ")",
          cluster);
    };
  }

  private Answer updateClusterVersion(String region, String cluster, byte[] body) {
    JsonNode json = json(body);
    String version = text(json, "version");
    String token = text(json, "clientRequestToken");
    if (version == null) {
      throw AwsError.invalidParameter("version is required.", cluster);
    }
    UpdateResult result = world.updateClusterVersion(region, cluster, version, token);
    return new Answer(
        200,
        single("update", update(result.update())),
        result.replayed() ? Effect.REPLAYED : Effect.CREATED,
        result.update().id());
  }

  private Answer listUpdates(String region, String cluster, Query query) {
    List<String> ids =
        query.first("addonName") != null
            ? world.addons().updateIds(region, cluster, query.first("addonName"))
            : nodeGroupOfUpdate(region, query, cluster) ? List.of() : world.updateIds(region, cluster);
    Page page = page(query, ids.size(), cluster);
    ObjectNode out = JSON.objectNode();
    ArrayNode array = out.putArray("updateIds");
    ids.subList(page.from(), page.to()).forEach(array::add);
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return Answer.read(out);
  }

  /**
   * Whether an update request is about a node group (which must exist). There are no add-ons or
   * capabilities yet, so an update of one is not found.
   */
  private boolean nodeGroupOfUpdate(String region, Query query, String cluster) {
    String nodeGroup = query.first("nodegroupName");
    if (nodeGroup != null && !world.hasNodeGroup(region, cluster, nodeGroup)) {
      throw AwsError.notFound("No node group found for name: " + nodeGroup + ".", cluster);
    }
    if (query.first("capabilityName") != null) {
      throw AwsError.notFound(
          "No capability found for name: " + query.first("capabilityName") + ".", cluster);
    }
    return nodeGroup != null;
  }

  private Answer listNodegroups(String region, String cluster, Query query) {
    List<String> names = world.nodeGroupNames(region, cluster);
    Page page = page(query, names.size(), cluster);
    ObjectNode out = JSON.objectNode();
    ArrayNode array = out.putArray("nodegroups");
    names.subList(page.from(), page.to()).forEach(array::add);
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return Answer.read(out);
  }

  private Answer listFargateProfiles(String region, String cluster, Query query) {
    List<String> names = world.fargateProfileNames(region, cluster);
    Page page = page(query, names.size(), cluster);
    ObjectNode out = JSON.objectNode();
    ArrayNode array = out.putArray("fargateProfileNames");
    names.subList(page.from(), page.to()).forEach(array::add);
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return Answer.read(out);
  }

  private ObjectNode addon(SimAddons.AddonView a) {
    ObjectNode n = JSON.objectNode();
    n.put("addonName", a.name());
    n.put("clusterName", a.cluster());
    n.put("status", a.status());
    n.put("addonVersion", a.version());
    ArrayNode issues = n.putObject("health").putArray("issues");
    for (EksWorld.Issue i : a.issues()) {
      ObjectNode issue = issues.addObject();
      issue.put("code", i.code());
      issue.put("message", i.message());
      ArrayNode ids = issue.putArray("resourceIds");
      i.resourceIds().forEach(ids::add);
    }
    n.put(
        "addonArn",
        "arn:aws:eks:" + a.region() + ":" + EksWorld.ACCOUNT_ID + ":addon/" + a.cluster() + "/" + a.name() + "/"
            + UUID.nameUUIDFromBytes((a.cluster() + "/" + a.name()).getBytes(StandardCharsets.UTF_8)));
    putTime(n, "createdAt", a.createdAt());
    putTime(n, "modifiedAt", a.modifiedAt());
    n.putObject("tags");
    return n;
  }

  private ObjectNode addonVersions(Query query) {
    List<AddonCatalog.Addon> addons =
        world.addons().supported(query.first("addonName"), query.first("kubernetesVersion"));
    Page page = page(query, addons.size(), null);
    ObjectNode out = JSON.objectNode();
    ArrayNode array = out.putArray("addons");
    for (AddonCatalog.Addon addon : addons.subList(page.from(), page.to())) {
      ObjectNode a = array.addObject();
      a.put("addonName", addon.name());
      a.put("type", addon.type());
      a.put("owner", "aws");
      a.put("publisher", "eks");
      ArrayNode versions = a.putArray("addonVersions");
      for (AddonCatalog.AddonVersion v : addon.versions()) {
        ObjectNode version = versions.addObject();
        version.put("addonVersion", v.version());
        version.putArray("architecture").add("amd64").add("arm64");
        ArrayNode compatibilities = version.putArray("compatibilities");
        for (String k : v.clusterVersions()) {
          ObjectNode c = compatibilities.addObject();
          c.put("clusterVersion", k);
          c.putArray("platformVersions").add("*");
          c.put("defaultVersion", v.defaultFor().contains(k));
        }
        version.put("requiresConfiguration", false);
      }
    }
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return out;
  }

  private ObjectNode fargateProfile(String region, String cluster, Scenario.FargateProfileSpec f) {
    ObjectNode n = JSON.objectNode();
    n.put("fargateProfileName", f.name());
    n.put(
        "fargateProfileArn",
        "arn:aws:eks:" + region + ":" + EksWorld.ACCOUNT_ID + ":fargateprofile/" + cluster + "/" + f.name()
            + "/" + UUID.nameUUIDFromBytes((cluster + "/" + f.name()).getBytes(StandardCharsets.UTF_8)));
    n.put("clusterName", cluster);
    n.put(
        "podExecutionRoleArn",
        "arn:aws:iam::" + EksWorld.ACCOUNT_ID + ":role/" + cluster + "-fargate-pod-execution");
    // Fargate runs pods in the cluster's (private) subnets.
    ArrayNode subnets = n.putArray("subnets");
    world.describeCluster(region, cluster).subnetIds().forEach(subnets::add);
    ArrayNode selectors = n.putArray("selectors");
    for (Scenario.FargateSelectorSpec selector : f.selectors()) {
      ObjectNode s = selectors.addObject();
      s.put("namespace", selector.namespace());
      ObjectNode labels = s.putObject("labels");
      new TreeMap<>(selector.labels()).forEach(labels::put);
    }
    n.put("status", "ACTIVE");
    n.putObject("tags");
    return n;
  }

  /**
   * Reads CreateNodegroup's body into a request for the world, refusing members of the wrong
   * type; what EKS would refuse about their values the world decides.
   */
  private Answer createNodegroup(String region, String cluster, byte[] body) {
    JsonNode json = json(body);
    Scaling scaling = null;
    if (json.hasNonNull("scalingConfig")) {
      JsonNode s = json.get("scalingConfig");
      scaling =
          new Scaling(
              s.path("minSize").asInt(1), s.path("maxSize").asInt(2), s.path("desiredSize").asInt(2));
    }
    List<TaintSpec> taints = new ArrayList<>();
    for (JsonNode t : json.path("taints")) {
      String effect = text(t, "effect");
      String kubernetesEffect = effect == null ? null : TAINT_EFFECTS.get(effect);
      if (kubernetesEffect == null) {
        throw AwsError.invalidParameter(
            "Taint effect " + effect + " is not one of " + String.join(", ", TAINT_EFFECTS.keySet()) + ".", cluster);
      }
      taints.add(new TaintSpec(text(t, "key"), text(t, "value"), kubernetesEffect));
    }
    LaunchTemplateRef launchTemplate = null;
    if (json.hasNonNull("launchTemplate")) {
      JsonNode t = json.get("launchTemplate");
      launchTemplate = new LaunchTemplateRef(text(t, "id"), text(t, "name"), text(t, "version"));
      if (launchTemplate.id() == null && launchTemplate.name() == null) {
        throw AwsError.invalidParameter("Either launchTemplate id or name must be specified.", cluster);
      }
    }
    NodeGroupRequest request =
        new NodeGroupRequest(
            text(json, "nodegroupName"),
            text(json, "version"),
            text(json, "releaseVersion"),
            text(json, "amiType"),
            text(json, "capacityType"),
            json.has("instanceTypes") ? texts(json.get("instanceTypes")) : null,
            json.has("subnets") ? texts(json.get("subnets")) : null,
            scaling,
            json.has("labels") ? textMap(json.get("labels")) : null,
            taints,
            text(json, "nodeRole"),
            launchTemplate,
            json.has("tags") ? textMap(json.get("tags")) : null,
            text(json, "clientRequestToken"));
    NodeGroupResult result = world.createNodeGroup(region, cluster, request);
    return new Answer(
        200,
        single("nodegroup", nodegroup(result.nodeGroup())),
        result.replayed() ? Effect.REPLAYED : Effect.CREATED,
        result.nodeGroup().name());
  }

  private ObjectNode nodegroup(NodeGroupView g) {
    ObjectNode n = JSON.objectNode();
    n.put("nodegroupName", g.name());
    n.put("nodegroupArn", g.arn());
    n.put("clusterName", g.cluster());
    n.put("version", g.version());
    n.put("releaseVersion", g.releaseVersion());
    putTime(n, "createdAt", g.createdAt());
    putTime(n, "modifiedAt", g.modifiedAt());
    n.put("status", g.status());
    n.put("capacityType", g.capacityType());
    ObjectNode scaling = n.putObject("scalingConfig");
    scaling.put("minSize", g.scaling().minSize());
    scaling.put("maxSize", g.scaling().maxSize());
    scaling.put("desiredSize", g.scaling().desiredSize());
    ArrayNode types = n.putArray("instanceTypes");
    g.instanceTypes().forEach(types::add);
    ArrayNode subnets = n.putArray("subnets");
    g.subnets().forEach(subnets::add);
    n.put("amiType", g.amiType());
    n.put("nodeRole", g.nodeRole());
    ObjectNode labels = n.putObject("labels");
    new TreeMap<>(g.labels()).forEach(labels::put);
    ArrayNode taints = n.putArray("taints");
    for (TaintSpec t : g.taints()) {
      ObjectNode taint = taints.addObject();
      taint.put("key", t.key());
      if (t.value() != null) {
        taint.put("value", t.value());
      }
      taint.put("effect", eksEffect(t.effect()));
    }
    ObjectNode resources = n.putObject("resources");
    ArrayNode asgs = resources.putArray("autoScalingGroups");
    g.autoScalingGroups().forEach(name -> asgs.addObject().put("name", name));
    if (g.launchTemplate() == null) {
      n.put("diskSize", 20);
    } else {
      ObjectNode lt = n.putObject("launchTemplate");
      lt.put("name", g.launchTemplate().name());
      lt.put("version", g.launchTemplate().version());
      lt.put("id", g.launchTemplate().id());
    }
    ArrayNode issues = n.putObject("health").putArray("issues");
    for (Issue i : g.issues()) {
      ObjectNode issue = issues.addObject();
      issue.put("code", i.code());
      issue.put("message", i.message());
      ArrayNode ids = issue.putArray("resourceIds");
      i.resourceIds().forEach(ids::add);
    }
    n.putObject("updateConfig").put("maxUnavailable", 1);
    ObjectNode tags = n.putObject("tags");
    new TreeMap<>(g.tags()).forEach(tags::put);
    return n;
  }

  private static String eksEffect(String kubernetesEffect) {
    return TAINT_EFFECTS.entrySet().stream()
        .filter(e -> e.getValue().equals(kubernetesEffect))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(kubernetesEffect);
  }

  private static List<String> texts(JsonNode array) {
    if (!array.isArray()) {
      throw new AwsError(400, "SerializationException", "Expected a list, found " + array + ".", Map.of());
    }
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Map<String, String> textMap(JsonNode object) {
    if (!object.isObject()) {
      throw new AwsError(400, "SerializationException", "Expected a map, found " + object + ".", Map.of());
    }
    Map<String, String> values = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
    return values;
  }

  /**
   * Versions newest first. Without {@code includeAll} EKS leaves out versions past their end of
   * extended support; the other parameters filter.
   */
  private ObjectNode clusterVersions(Query query) {
    boolean includeAll = "true".equals(query.first("includeAll"));
    boolean defaultOnly = "true".equals(query.first("defaultOnly"));
    String clusterType = query.first("clusterType");
    String versionStatus = query.first("versionStatus");
    String legacyStatus = query.first("status");
    List<String> wanted = query.all("clusterVersions");
    List<OfferedVersionSpec> versions = new ArrayList<>();
    for (OfferedVersionSpec v : scenario.offeredVersions()) {
      boolean keep =
          (includeAll || !v.status().equals("UNSUPPORTED"))
              && (!defaultOnly || v.defaultVersion())
              && (clusterType == null || clusterType.equals("eks"))
              && (versionStatus == null || versionStatus.equals(v.status()))
              && (legacyStatus == null || legacyStatus.equals(legacyStatus(v.status())))
              && (wanted.isEmpty() || wanted.contains(v.version()));
      if (keep) {
        versions.add(v);
      }
    }
    versions.sort(Comparator.comparing(EksHttpHandler::versionKey).reversed());
    Page page = page(query, versions.size(), null);
    ObjectNode out = JSON.objectNode();
    ArrayNode array = out.putArray("clusterVersions");
    for (OfferedVersionSpec v : versions.subList(page.from(), page.to())) {
      ObjectNode n = array.addObject();
      n.put("clusterVersion", v.version());
      n.put("clusterType", "eks");
      n.put("defaultPlatformVersion", v.defaultPlatformVersion());
      n.put("defaultVersion", v.defaultVersion());
      putTime(n, "releaseDate", v.releaseDate());
      putTime(n, "endOfStandardSupportDate", v.endOfStandardSupport());
      putTime(n, "endOfExtendedSupportDate", v.endOfExtendedSupport());
      n.put("status", legacyStatus(v.status()));
      n.put("versionStatus", v.status());
    }
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return out;
  }

  private static long versionKey(OfferedVersionSpec v) {
    String[] parts = v.version().split("\\.");
    return Long.parseLong(parts[0]) * 10_000 + Long.parseLong(parts[1]);
  }

  private static String legacyStatus(String status) {
    return status.toLowerCase().replace('_', '-');
  }

  private record Page(int from, int to, String nextToken) {}

  private static Page page(Query query, int total, String cluster) {
    return page(query.first("maxResults"), query.first("nextToken"), total, cluster);
  }

  private static Page page(String maxText, String token, int total, String cluster) {
    int max = 100;
    if (maxText != null) {
      try {
        max = Integer.parseInt(maxText);
      } catch (NumberFormatException e) {
        max = -1;
      }
      if (max < 1 || max > 100) {
        throw AwsError.invalidParameter("maxResults must be between 1 and 100.", cluster);
      }
    }
    int from = 0;
    if (token != null) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        from = Integer.parseInt(decoded.substring("offset:".length()));
      } catch (RuntimeException e) {
        from = -1;
      }
      if (from < 0 || from > total) {
        throw AwsError.invalidParameter("The nextToken " + token + " is not valid.", cluster);
      }
    }
    int to = Math.min(total, from + max);
    String next =
        to < total
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("offset:" + to).getBytes(StandardCharsets.UTF_8))
            : null;
    return new Page(from, to, next);
  }

  private ObjectNode cluster(ClusterView c) {
    ObjectNode n = JSON.objectNode();
    n.put("name", c.name());
    n.put("arn", c.arn());
    putTime(n, "createdAt", c.createdAt());
    n.put("version", c.version());
    n.put("endpoint", c.endpoint());
    n.put("roleArn", c.roleArn());
    ObjectNode vpc = n.putObject("resourcesVpcConfig");
    ArrayNode subnetIds = vpc.putArray("subnetIds");
    c.subnetIds().forEach(subnetIds::add);
    vpc.putArray("securityGroupIds");
    vpc.put("clusterSecurityGroupId", c.clusterSecurityGroupId());
    vpc.put("vpcId", c.vpcId());
    vpc.put("endpointPublicAccess", true);
    vpc.put("endpointPrivateAccess", false);
    vpc.putArray("publicAccessCidrs").add("0.0.0.0/0");
    ObjectNode net = n.putObject("kubernetesNetworkConfig");
    net.put("serviceIpv4Cidr", "10.100.0.0/16");
    net.put("ipFamily", "ipv4");
    n.put("status", c.status());
    n.putObject("certificateAuthority").put("data", c.certificateAuthorityData());
    n.put("platformVersion", c.platformVersion());
    // EKS lists the enabled log types in one entry and the disabled ones in another.
    ArrayNode logging = n.putObject("logging").putArray("clusterLogging");
    List<String> disabled =
        ScenarioParser.LOG_TYPES.stream().filter(t -> !c.enabledLogTypes().contains(t)).toList();
    if (!c.enabledLogTypes().isEmpty()) {
      ObjectNode enabled = logging.addObject();
      ArrayNode types = enabled.putArray("types");
      ScenarioParser.LOG_TYPES.stream().filter(c.enabledLogTypes()::contains).forEach(types::add);
      enabled.put("enabled", true);
    }
    if (!disabled.isEmpty()) {
      ObjectNode off = logging.addObject();
      ArrayNode types = off.putArray("types");
      disabled.forEach(types::add);
      off.put("enabled", false);
    }
    if (c.encryptionKeyArn() != null) {
      ObjectNode encryption = n.putArray("encryptionConfig").addObject();
      encryption.putArray("resources").add("secrets");
      encryption.putObject("provider").put("keyArn", c.encryptionKeyArn());
    }
    n.putObject("tags");
    n.putObject("health").putArray("issues");
    n.putObject("accessConfig").put("authenticationMode", "API_AND_CONFIG_MAP");
    n.putObject("upgradePolicy").put("supportType", "EXTENDED");
    return n;
  }

  /**
   * ListInsights: the filter's categories, Kubernetes versions and statuses each narrow the list
   * when given (values EKS does not know are refused); pages as the other lists do.
   */
  private ObjectNode listInsights(String region, String cluster, byte[] body) {
    JsonNode json = json(body);
    JsonNode filter = json.path("filter");
    List<String> categories = filterValues(filter, "categories", ScenarioParser.INSIGHT_CATEGORIES, cluster);
    List<String> versions = filterValues(filter, "kubernetesVersions", null, cluster);
    List<String> statuses = filterValues(filter, "statuses", ScenarioParser.INSIGHT_STATUSES, cluster);
    List<InsightSpec> insights =
        world.insights(region, cluster).stream()
            .filter(i -> categories.isEmpty() || categories.contains(i.category()))
            .filter(i -> versions.isEmpty() || versions.contains(i.kubernetesVersion()))
            .filter(i -> statuses.isEmpty() || statuses.contains(i.status()))
            .toList();
    Page page = page(text(json, "maxResults"), text(json, "nextToken"), insights.size(), cluster);
    ObjectNode out = JSON.objectNode();
    ArrayNode array = out.putArray("insights");
    for (InsightSpec i : insights.subList(page.from(), page.to())) {
      array.add(insightSummary(i));
    }
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return out;
  }

  private static List<String> filterValues(JsonNode filter, String key, Set<String> known, String cluster) {
    JsonNode values = filter.path(key);
    if (values.isMissingNode() || values.isNull()) {
      return List.of();
    }
    List<String> result = texts(values);
    for (String v : result) {
      if (known != null && !known.contains(v)) {
        throw AwsError.invalidParameter(
            "The filter " + key + " value " + v + " is not one of " + String.join(", ", known) + ".", cluster);
      }
    }
    return result;
  }

  /** Insights were last refreshed an hour before the run and have not changed for a day before. */
  private ObjectNode insightSummary(InsightSpec i) {
    ObjectNode n = JSON.objectNode();
    n.put("id", i.id());
    n.put("name", i.name());
    n.put("category", i.category());
    n.put("kubernetesVersion", i.kubernetesVersion());
    putTime(n, "lastRefreshTime", clock.start().minus(Duration.ofHours(1)));
    putTime(n, "lastTransitionTime", clock.start().minus(Duration.ofDays(1)));
    n.put("description", i.description());
    n.putObject("insightStatus").put("status", i.status()).put("reason", i.reason());
    return n;
  }

  private ObjectNode insight(InsightSpec i) {
    ObjectNode n = insightSummary(i);
    if (i.recommendation() != null) {
      n.put("recommendation", i.recommendation());
    }
    ObjectNode info = n.putObject("additionalInfo");
    new TreeMap<>(i.additionalInfo()).forEach(info::put);
    ArrayNode resources = n.putArray("resources");
    for (Scenario.InsightResourceSpec r : i.resources()) {
      ObjectNode resource = resources.addObject();
      ObjectNode status = resource.putObject("insightStatus").put("status", r.status());
      if (r.reason() != null) {
        status.put("reason", r.reason());
      }
      if (r.uri() != null) {
        resource.put("kubernetesResourceUri", r.uri());
      }
      if (r.arn() != null) {
        resource.put("arn", r.arn());
      }
    }
    ObjectNode summary = n.putObject("categorySpecificSummary");
    ArrayNode deprecations = summary.putArray("deprecationDetails");
    for (Scenario.DeprecationSpec d : i.deprecations()) {
      ObjectNode detail = deprecations.addObject();
      detail.put("usage", d.usage());
      if (d.replacedWith() != null) {
        detail.put("replacedWith", d.replacedWith());
      }
      detail.put("stopServingVersion", d.stopServingVersion());
      if (d.startServingReplacementVersion() != null) {
        detail.put("startServingReplacementVersion", d.startServingReplacementVersion());
      }
      ArrayNode stats = detail.putArray("clientStats");
      for (Scenario.ClientStatSpec c : d.clientStats()) {
        ObjectNode stat = stats.addObject();
        stat.put("userAgent", c.userAgent());
        stat.put("numberOfRequestsLast30Days", c.numberOfRequestsLast30Days());
        putTime(stat, "lastRequestTime", c.lastRequestTime() != null ? c.lastRequestTime() : clock.start().minus(Duration.ofHours(2)));
      }
    }
    summary.putArray("addonCompatibilityDetails");
    return n;
  }

  private ObjectNode update(UpdateView u) {
    ObjectNode n = JSON.objectNode();
    n.put("id", u.id());
    n.put("status", u.status());
    n.put("type", u.type());
    ArrayNode params = n.putArray("params");
    for (UpdateParam p : u.params()) {
      params.addObject().put("type", p.type()).put("value", p.value());
    }
    putTime(n, "createdAt", u.createdAt());
    ArrayNode errors = n.putArray("errors");
    for (UpdateError e : u.errors()) {
      ObjectNode err = errors.addObject();
      err.put("errorCode", e.errorCode());
      err.put("errorMessage", e.errorMessage());
      ArrayNode ids = err.putArray("resourceIds");
      e.resourceIds().forEach(ids::add);
    }
    return n;
  }

  private static ObjectNode single(String key, ObjectNode value) {
    ObjectNode n = JSON.objectNode();
    n.set(key, value);
    return n;
  }

  /** EKS sends timestamps as epoch seconds with a fraction. */
  private static void putTime(ObjectNode n, String key, Instant t) {
    if (t != null) {
      n.put(key, BigDecimal.valueOf(t.toEpochMilli(), 3));
    }
  }

  private void record(Ask ask, int status, Effect effect, String resourceId, String errorCode) {
    CallLog.Entry e =
        callLog.append(
            clock.instant(),
            "eks",
            ask.operation(),
            ask.region(),
            ask.cluster(),
            ask.token(),
            ask.version(),
            status,
            effect,
            resourceId,
            errorCode);
    log.info(
        "call #{} {} {}/{} token={} version={} -> {} {} {}",
        e.sequence(),
        e.operation(),
        e.region(),
        e.cluster(),
        e.clientRequestToken(),
        e.version(),
        e.status(),
        e.effect(),
        e.resourceId() != null ? e.resourceId() : e.errorCode());
  }

  private Ask ask(EksRoutes.Match match, String method, String rawPath, String region, byte[] body) {
    JsonNode json;
    try {
      json = body.length == 0 ? null : mapper.readTree(body);
    } catch (IOException e) {
      json = null;
    }
    String operation = match != null ? match.operation() : method + " " + rawPath;
    String cluster = match != null ? match.param("name") : null;
    return new Ask(operation, region, cluster, text(json, "clientRequestToken"), text(json, "version"));
  }

  private JsonNode json(byte[] body) {
    if (body.length == 0) {
      return JSON.objectNode();
    }
    try {
      JsonNode n = mapper.readTree(body);
      if (n == null || !n.isObject()) {
        throw new AwsError(400, "SerializationException", "The request body must be a JSON object.", Map.of());
      }
      return n;
    } catch (IOException e) {
      throw new AwsError(
          400, "SerializationException", "The request body is not valid JSON: " + e.getMessage(), Map.of());
    }
  }

  private static String text(JsonNode json, String key) {
    if (json == null || !json.hasNonNull(key)) {
      return null;
    }
    return json.get(key).asText();
  }

  private static String region(HttpExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth == null) {
      return null;
    }
    Matcher m = CREDENTIAL_SCOPE.matcher(auth);
    return m.find() ? m.group(1) : null;
  }

  private void write(HttpExchange exchange, int status, ObjectNode body, String errorType)
      throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (errorType != null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Query parameters; a list parameter repeats its name. */
  private record Query(Map<String, List<String>> values) {
    static Query parse(String raw) {
      Map<String, List<String>> values = new LinkedHashMap<>();
      if (raw != null && !raw.isEmpty()) {
        for (String pair : raw.split("&")) {
          int eq = pair.indexOf('=');
          String key = EksRoutes.decode(eq < 0 ? pair : pair.substring(0, eq));
          String value = eq < 0 ? "" : EksRoutes.decode(pair.substring(eq + 1));
          values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
      }
      return new Query(values);
    }

    String first(String key) {
      List<String> v = values.get(key);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    List<String> all(String key) {
      return values.getOrDefault(key, List.of());
    }
  }
}
