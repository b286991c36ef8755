package io.eksupgrader.sandbox.kube;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.sandbox.Scenario.DeprecatedApiRequestSpec;
import io.eksupgrader.sandbox.Scenario.OutageSpec;
import io.eksupgrader.sandbox.SimulatedClock;
import io.eksupgrader.sandbox.kube.DisruptionBudgets.Admission;
import io.eksupgrader.sandbox.kube.PdbBreach.Loss;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server of one sandbox cluster: fabric8's CRUD dispatcher with what CRUD mode lacks.
 *
 * <p>Every request, in this order:
 *
 * <ol>
 *   <li>Inside a Kubernetes outage window of the scenario (from a time, or from the n-th accepted
 *       eviction): 503, whatever the request.
 *   <li>Without {@code Authorization: Bearer k8s-aws-v1.…} of the right shape ({@link
 *       EksBearerToken}): 401 Unauthorized. {@code /version}, {@code /healthz}, {@code /livez} and
 *       {@code /readyz} are open, as EKS leaves them to anonymous users.
 *   <li>With the scenario's {@code kubernetes.rbac}: a request of the worker that the bound
 *       ClusterRoles do not allow answers 403 Forbidden ({@link RbacAuthorizer}).
 *   <li>{@code POST pods/{name}/eviction}: the eviction subresource with PodDisruptionBudget
 *       semantics ({@link DisruptionBudgets#admit}); an accepted eviction deletes the pod
 *       gracefully.
 *   <li>{@code DELETE} of pods: graceful deletion, as the API server and kubelet do it: the pod
 *       gets a deletionTimestamp and disappears after its grace period (DeleteOptions
 *       gracePeriodSeconds, else the pod's terminationGracePeriodSeconds; 0 deletes at once).
 *   <li>A body in protobuf ({@link ProtobufBodies}: Helm's release Secrets, the DeleteOptions of
 *       its deletes) is read as the JSON object it holds; protobuf of other kinds answers 415.
 *   <li>Discovery ({@code /api}, {@code /apis}, {@code /apis/<group>[/<version>]}, see {@link
 *       ApiDiscovery}) and OpenAPI: {@code /openapi/v2} is an empty document, {@code /openapi/v3}
 *       404. {@code /metrics} is Prometheus text ({@link ApiServerMetrics}).
 *   <li>Pod lists with a field selector on fields the CRUD mock cannot index ({@code
 *       spec.nodeName}, {@code status.phase}, …) are filtered here; such selectors on watches
 *       answer 400. Every list names its kind ({@code SecretList}, not {@code List}).
 *   <li>Writes of CustomResourceDefinitions and their status: {@link CustomResourceDefinitions}.
 *   <li>JSON merge patches (RFC 7386) and, for built-in kinds, strategic merge patches ({@link
 *       StrategicMergePatch}) are applied here; a strategic merge patch of a custom resource
 *       answers 415, as the API server has no patch merge keys for it.
 *   <li>Everything else goes to the CRUD dispatcher (creates, replaces, JSON patches, deletes).
 * </ol>
 *
 * Every answer with a body says {@code Content-Type: application/json} unless it is something else.
 * Every mutating request is recorded in the {@link CallLog} under service "kubernetes", reads are
 * not. Requests run under the store's lock, so controllers never see half a request.
 */
final class ApiServerDispatcher extends KubernetesCrudDispatcher {

  private static final Logger log = LoggerFactory.getLogger(ApiServerDispatcher.class);

  /** What real API servers answer for the OpenAPI v2 document in protobuf. */
  private static final String OPENAPI_V2_PROTOBUF =
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private static final Map<String, String> KINDS =
      Map.ofEntries(
          Map.entry("pods", "Pod"),
          Map.entry("nodes", "Node"),
          Map.entry("namespaces", "Namespace"),
          Map.entry("services", "Service"),
          Map.entry("endpoints", "Endpoints"),
          Map.entry("configmaps", "ConfigMap"),
          Map.entry("secrets", "Secret"),
          Map.entry("serviceaccounts", "ServiceAccount"),
          Map.entry("events", "Event"),
          Map.entry("persistentvolumeclaims", "PersistentVolumeClaim"),
          Map.entry("persistentvolumes", "PersistentVolume"),
          Map.entry("deployments", "Deployment"),
          Map.entry("replicasets", "ReplicaSet"),
          Map.entry("statefulsets", "StatefulSet"),
          Map.entry("daemonsets", "DaemonSet"),
          Map.entry("poddisruptionbudgets", "PodDisruptionBudget"),
          Map.entry("jobs", "Job"),
          Map.entry("cronjobs", "CronJob"),
          Map.entry("leases", "Lease"),
          Map.entry("customresourcedefinitions", "CustomResourceDefinition"),
          Map.entry("nodeclaims", "NodeClaim"),
          Map.entry("nodepools", "NodePool"),
          Map.entry("ec2nodeclasses", "EC2NodeClass"));

  /** Pod fields the real API server can select on, and where they sit in a pod. */
  private static final Map<String, String> POD_FIELDS =
      Map.ofEntries(
          Map.entry("metadata.name", "/metadata/name"),
          Map.entry("metadata.namespace", "/metadata/namespace"),
          Map.entry("spec.nodeName", "/spec/nodeName"),
          Map.entry("spec.restartPolicy", "/spec/restartPolicy"),
          Map.entry("spec.schedulerName", "/spec/schedulerName"),
          Map.entry("spec.serviceAccountName", "/spec/serviceAccountName"),
          Map.entry("spec.hostNetwork", "/spec/hostNetwork"),
          Map.entry("status.phase", "/status/phase"),
          Map.entry("status.podIP", "/status/podIP"),
          Map.entry("status.nominatedNodeName", "/status/nominatedNodeName"));

  private final SimulatedClock clock;
  private volatile RequestHold hold;
  private final CallLog callLog;
  private final String region;
  private final String cluster;
  private volatile String kubernetesVersion;
  private volatile boolean servesKarpenter;
  private volatile boolean servesVelero;
  private volatile List<DeprecatedApiRequestSpec> deprecatedApiRequests = List.of();
  private final List<OutageSpec> outages;
  /** When each outage that follows evictions began, by its index in {@link #outages}. */
  private final Map<Integer, Instant> outageStarts = new ConcurrentHashMap<>();
  private final AtomicInteger evictionsAccepted = new AtomicInteger();
  private final LongAdder outageRefusals = new LongAdder();
  private final ObjectStore store;
  private final KubernetesSerialization json;
  private DisruptionBudgets budgets;
  private ClusterControllers controllers;
  private volatile RbacAuthorizer rbac;
  private volatile Duration tokenLifetime;
  /** When each worker token was first presented, in simulated time. */
  private final Map<String, Instant> tokensFirstSeen = new ConcurrentHashMap<>();
  private final AtomicInteger expiredTokenRefusals = new AtomicInteger();
  /** Requests received per verb and resource, e.g. "POST pods/eviction": the benchmark's cost per pod. */
  private final Map<String, LongAdder> requestCounts =
      new ConcurrentHashMap<>();

  ApiServerDispatcher(
      SimulatedClock clock,
      CallLog callLog,
      String region,
      String cluster,
      String kubernetesVersion,
      List<OutageSpec> outages,
      long seed) {
    this.clock = clock;
    this.callLog = callLog;
    this.region = region;
    this.cluster = cluster;
    this.kubernetesVersion = kubernetesVersion;
    this.outages = List.copyOf(outages);
    this.store = new ObjectStore(this, map, clock, seed);
    this.json = store.serialization();
  }

  /** Every write to the mock's map passes here, clients' and controllers': the store's index follows. */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    store.written(oldAttributes, newState);
  }

  @Override
  public void reset() {
    super.reset();
    store.forgetAll();
  }

  ObjectStore store() {
    return store;
  }

  /** Authorizes the worker's requests from now on; see {@link RbacAuthorizer}. */
  void authorizeWith(RbacAuthorizer authorizer) {
    this.rbac = authorizer;
  }

  RbacAuthorizer rbac() {
    return rbac;
  }

  /**
   * Refuses a token (401) once it is {@code lifetime} old in simulated time, counted from the
   * first request that presented it. Presigners stamp tokens with the real clock, so the sandbox
   * cannot read their age from X-Amz-Date. The sandbox's own token never expires.
   */
  void expireTokensAfter(Duration lifetime) {
    this.tokenLifetime = lifetime;
  }

  int expiredTokenRefusals() {
    return expiredTokenRefusals.get();
  }

  private boolean tokenExpired(String authorization, Instant now) {
    Duration lifetime = tokenLifetime;
    if (lifetime == null) {
      return false;
    }
    String token = authorization.substring(7).trim();
    if (token.equals(EksBearerToken.forCluster(cluster))) {
      return false;
    }
    Instant firstSeen = tokensFirstSeen.computeIfAbsent(token, t -> now);
    return !now.isBefore(firstSeen.plus(lifetime));
  }

  /** See {@link KubeCluster#holdRequestsAfter}. */
  RequestHold holdRequestsAfter(String operation, String resourcePrefix) {
    RequestHold h = new RequestHold(operation, resourcePrefix);
    hold = h;
    return h;
  }

  /** Connects the controllers; called once, before the server starts. */
  void serve(DisruptionBudgets budgets, ClusterControllers controllers) {
    this.budgets = budgets;
    this.controllers = controllers;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    return withJsonContentType(answer(request));
  }

  private MockResponse answer(RecordedRequest request) {
    RequestHold held = hold;
    if (held != null) {
      held.awaitTurn();
    }
    ApiRequest call = ApiRequest.of(request.getMethod(), request.getPath(), bodyOf(request));
    requestCounts.computeIfAbsent(countKey(call), k -> new LongAdder()).increment();
    Instant now = clock.instant();
    try {
      if (inOutage(now)) {
        outageRefusals.increment();
        return answerRefused(call, ApiStatus.unavailable(), now);
      }
      if (!isAnonymousPath(call) && !EksBearerToken.accepts(request.getHeader("Authorization"))) {
        return answerRefused(call, ApiStatus.unauthorized(), now);
      }
      if (!isAnonymousPath(call) && tokenExpired(request.getHeader("Authorization"), now)) {
        expiredTokenRefusals.incrementAndGet();
        return answerRefused(call, ApiStatus.unauthorized(), now);
      }
      if (rbac != null && !isAnonymousPath(call)) {
        Optional<Status> forbidden = rbac.authorize(call, request.getHeader("Authorization"), now);
        if (forbidden.isPresent()) {
          return answerRefused(call, forbidden.get(), now);
        }
      }
      if (ProtobufBodies.isProtobuf(request.getHeader("Content-Type")) && call.body().length > 0) {
        return protobufWrite(call, request, now);
      }
      return store.atomically(() -> route(call, request, now));
    } catch (RuntimeException e) {
      log.warn("sandbox API server failed on {}", call, e);
      return ApiStatus.response(ApiStatus.internalError(String.valueOf(e.getMessage())));
    }
  }

  /** Every request counts, refused ones included; discovery and other non-resource paths as "other". */
  private static String countKey(ApiRequest call) {
    String what =
        call.resource() == null
            ? "(non-resource)"
            : call.subresource() != null ? call.resource() + "/" + call.subresource() : call.resource();
    String verb = call.method();
    if (verb.equals("GET") && call.resource() != null && call.name() == null) {
      verb = call.query().containsKey("watch") ? "WATCH" : "LIST";
    }
    return verb + " " + what;
  }

  /** How many requests the API server received so far, per verb and resource, sorted. */
  java.util.SortedMap<String, Long> requestCounts() {
    java.util.SortedMap<String, Long> counts = new java.util.TreeMap<>();
    requestCounts.forEach((key, count) -> counts.put(key, count.sum()));
    return counts;
  }

  /**
   * The CRUD mock answers bodies without a Content-Type; client-go decodes a body only when the
   * header names JSON.
   */
  private static MockResponse withJsonContentType(MockResponse response) {
    if (response != null
        && response.getWebSocketListener() == null
        && response.getBody() != null
        && response.getBody().size() > 0
        && response.header("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  /**
   * A Secret written in protobuf (Helm's release storage), or the DeleteOptions of a delete, is
   * taken as the JSON it stands for; other kinds in protobuf are refused as an API server without
   * their codec would.
   */
  private MockResponse protobufWrite(ApiRequest call, RecordedRequest request, Instant now) {
    Optional<ObjectNode> decoded;
    try {
      decoded = ProtobufBodies.toJson(call.body());
    } catch (IllegalArgumentException e) {
      return answerRefused(
          call, ApiStatus.badRequest("cannot decode the protobuf body: " + e.getMessage()), now);
    }
    String kind = decoded.map(d -> d.path("kind").asText()).orElse("");
    boolean understood =
        call.method().equals("DELETE")
            ? kind.equals("DeleteOptions")
            : kind.equals("Secret") && call.is(call.method(), "secrets");
    if (!understood) {
      return answerRefused(
          call,
          ApiStatus.failure(
              415,
              "UnsupportedMediaType",
              "the sandbox decodes protobuf bodies of Secrets and DeleteOptions only; send "
                  + call.qualifiedResource()
                  + " as application/json"),
          now);
    }
    byte[] body = json.asJson(decoded.get()).getBytes(UTF_8);
    RecordedRequest asJson =
        new RecordedRequest(
            request.getHttpVersion(),
            request.method(),
            request.getPath(),
            request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
            new Buffer(body));
    ApiRequest jsonCall = ApiRequest.of(call.method(), call.rawPath(), body);
    return store.atomically(() -> route(jsonCall, asJson, now));
  }

  private static byte[] bodyOf(RecordedRequest request) {
    return request.getBody() == null ? new byte[0] : request.getBody().getBytes();
  }

  private boolean inOutage(Instant now) {
    for (int i = 0; i < outages.size(); i++) {
      OutageSpec outage = outages.get(i);
      Instant from =
          outage.afterEvictions() > 0 ? outageStarts.get(i) : clock.start().plus(outage.after());
      if (from == null) {
        continue;
      }
      Instant until = from.plus(outage.duration());
      if (!now.isBefore(from) && now.isBefore(until)) {
        return true;
      }
    }
    return false;
  }

  /** Starts the outages that follow the eviction just accepted; called under the store's lock. */
  private void startOutagesAfterEviction(Instant now) {
    int accepted = evictionsAccepted.incrementAndGet();
    for (int i = 0; i < outages.size(); i++) {
      if (outages.get(i).afterEvictions() == accepted) {
        outageStarts.putIfAbsent(i, now);
      }
    }
  }

  private static boolean isAnonymousPath(ApiRequest call) {
    return call.method().equals("GET")
        && List.of("/version", "/healthz", "/livez", "/readyz").contains(call.path());
  }

  private MockResponse answerRefused(ApiRequest call, Status status, Instant now) {
    if (call.isMutation() && !call.isDryRun()) {
      record(call, now, status.getCode(), Effect.REJECTED, pathId(call, null), status.getReason());
    }
    return ApiStatus.response(status);
  }

  private MockResponse route(ApiRequest call, RecordedRequest request, Instant now) {
    if (!servesKarpenter
        && (call.path().startsWith("/apis/karpenter.sh/") || call.path().startsWith("/apis/karpenter.k8s.aws/"))) {
      // Without Karpenter's CRDs the API server has no such resources.
      return ApiStatus.response(
          ApiStatus.failure(404, "NotFound", "the server could not find the requested resource"));
    }
    if (!servesVelero && call.path().startsWith("/apis/velero.io/")) {
      // A cluster without Velero's CRD; a Backup created there is refused and logged as such.
      return answerRefused(
          call, ApiStatus.failure(404, "NotFound", "the server could not find the requested resource"), now);
    }
    if (call.method().equals("GET")) {
      return read(call, request);
    }
    if (call.is("POST", "pods") && call.name() != null && "eviction".equals(call.subresource())) {
      return evict(call, now);
    }
    if (call.is("DELETE", "pods") && call.subresource() == null) {
      return call.name() == null ? deletePods(call, now) : deletePod(call, now);
    }
    if (call.isDryRun()) {
      return ApiStatus.response(
          ApiStatus.badRequest(
              "the sandbox supports dryRun only for pod deletions and evictions, not " + call));
    }
    return mutate(call, request, now);
  }

  // ---- reads ----

  private MockResponse read(ApiRequest call, RecordedRequest request) {
    switch (call.path()) {
      case "/version" -> {
        return ApiStatus.json(200, versionInfo());
      }
      case "/metrics" -> {
        return new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", ApiServerMetrics.CONTENT_TYPE)
            .setBody(ApiServerMetrics.text(deprecatedApiRequests, kubernetesVersion));
      }
      case "/healthz", "/livez", "/readyz" -> {
        return new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", "text/plain")
            .setBody("ok");
      }
      case "/openapi/v2" -> {
        // An empty OpenAPI document: client-side validation (Helm's default) finds no schema for
        // any kind and accepts every object as it is. client-go asks for it in protobuf only.
        return new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", OPENAPI_V2_PROTOBUF)
            .setBody(new byte[0]);
      }
      default -> {}
    }
    if (call.resource() == null) {
      return discovery(call);
    }
    if (call.isCore()
        && "pods".equals(call.resource())
        && call.name() == null
        && call.param("fieldSelector") != null) {
      return withListKind(call, listPods(call, request));
    }
    return withListKind(call, withNotFoundBody(call, super.handleGet(request.getPath())));
  }

  /** Discovery documents (see {@link ApiDiscovery}); everything else without a resource is 404. */
  private MockResponse discovery(ApiRequest call) {
    String[] segments = call.path().replaceAll("/+$", "").split("/");
    Optional<ObjectNode> doc = Optional.empty();
    if (call.path().equals("/api") || call.path().equals("/api/")) {
      doc = Optional.of(discovery().apiVersions());
    } else if (call.path().equals("/apis") || call.path().equals("/apis/")) {
      doc = Optional.of(discovery().groupList());
    } else if (segments.length == 3 && segments[1].equals("apis")) {
      doc = discovery().group(segments[2]);
    } else if (call.version() != null) {
      doc = discovery().resourceList(call.group(), call.version());
    }
    // /openapi/v3 is absent too, so client-go falls back to the v2 document.
    return doc.map(d -> ApiStatus.json(200, d.toString()))
        .orElseGet(
            () ->
                ApiStatus.response(
                    ApiStatus.failure(
                        404, "NotFound", "the server could not find the requested resource")));
  }

  private ApiDiscovery discovery() {
    MockResponse crds = super.handleGet(CustomResourceDefinitions.COLLECTION);
    List<JsonNode> definitions = new ArrayList<>();
    if (crds.code() == 200 && crds.getBody() != null) {
      json.unmarshal(new String(crds.getBody().getBytes(), UTF_8), JsonNode.class)
          .path("items")
          .forEach(definitions::add);
    }
    return new ApiDiscovery(definitions, servesKarpenter);
  }

  /**
   * A list names its kind ({@code SecretList}) and group version, as the API server's do: the CRUD
   * mock answers {@code List}, which Helm's typed client decodes as an empty list.
   */
  private MockResponse withListKind(ApiRequest call, MockResponse response) {
    if (call.name() != null
        || call.isWatch()
        || response.code() != 200
        || response.getBody() == null
        || response.getBody().size() == 0) {
      return response;
    }
    JsonNode list =
        json.unmarshal(new String(response.getBody().getBytes(), UTF_8), JsonNode.class);
    if (!list.isObject() || !"List".equals(list.path("kind").asText()) || !list.has("items")) {
      return response;
    }
    Optional<String> kind =
        ApiDiscovery.builtInListKind(call.group(), call.version(), call.resource())
            .or(() -> discovery().listKind(call.group(), call.version(), call.resource()));
    if (kind.isEmpty()) {
      return response;
    }
    ((ObjectNode) list).put("kind", kind.get());
    ((ObjectNode) list)
        .put("apiVersion", call.isCore() ? call.version() : call.group() + "/" + call.version());
    return ApiStatus.json(200, list.toString());
  }

  private String versionInfo() {
    String minor =
        kubernetesVersion.contains(".")
            ? kubernetesVersion.substring(kubernetesVersion.indexOf('.') + 1)
            : "0";
    String major =
        kubernetesVersion.contains(".")
            ? kubernetesVersion.substring(0, kubernetesVersion.indexOf('.'))
            : kubernetesVersion;
    ObjectNode v = json.convertValue(Map.of(), ObjectNode.class);
    v.put("major", major);
    v.put("minor", minor);
    v.put("gitVersion", Manifests.kubeletVersion(kubernetesVersion));
    v.put("gitTreeState", "clean");
    v.put("goVersion", "go1.23.0");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v.toString();
  }

  private record FieldRequirement(String field, String value, boolean equal) {}

  private MockResponse listPods(ApiRequest call, RecordedRequest request) {
    List<FieldRequirement> requirements = new ArrayList<>();
    for (String part : call.param("fieldSelector").split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int ne = part.indexOf("!=");
      int eq = part.indexOf('=');
      if (ne < 0 && eq < 0) {
        return ApiStatus.response(ApiStatus.badRequest("invalid field selector: " + part));
      }
      String field = (ne >= 0 ? part.substring(0, ne) : part.substring(0, eq)).trim();
      String value =
          ne >= 0
              ? part.substring(ne + 2)
              : part.substring(part.startsWith("==", eq) ? eq + 2 : eq + 1);
      if (!POD_FIELDS.containsKey(field)) {
        return ApiStatus.response(ApiStatus.badRequest("field label not supported: " + field));
      }
      requirements.add(new FieldRequirement(field, value.trim(), ne < 0));
    }
    boolean nativelySupported =
        requirements.stream().allMatch(r -> r.equal() && r.field().startsWith("metadata."));
    if (nativelySupported) {
      return super.handleGet(request.getPath());
    }
    if (call.isWatch()) {
      return ApiStatus.response(
          ApiStatus.badRequest(
              "the sandbox cannot watch pods by a field selector other than metadata.name and"
                  + " metadata.namespace; list them instead"));
    }
    MockResponse all = super.handleGet(call.rawPathWithout("fieldSelector"));
    if (all.code() != 200 || all.getBody() == null) {
      return all;
    }
    ObjectNode list =
        (ObjectNode) json.unmarshal(new String(all.getBody().getBytes(), UTF_8), JsonNode.class);
    JsonNode items = list.path("items");
    ArrayNode kept = list.arrayNode();
    for (JsonNode pod : items) {
      boolean matches = true;
      for (FieldRequirement r : requirements) {
        String actual = pod.at(POD_FIELDS.get(r.field())).asText("");
        if (actual.equals(r.value()) != r.equal()) {
          matches = false;
          break;
        }
      }
      if (matches) {
        kept.add(pod);
      }
    }
    list.set("items", kept);
    return ApiStatus.json(200, list.toString());
  }

  /** How many requests, reads included, were answered 503 inside an outage so far. */
  long outageRefusals() {
    return outageRefusals.sum();
  }

  /** The deprecated APIs clients have requested, which {@code /metrics} reports. */
  void reportDeprecatedApiRequests(List<DeprecatedApiRequestSpec> requested) {
    this.deprecatedApiRequests = List.copyOf(requested);
  }

  /** Whether Velero's CRD is installed: without it {@code /apis/velero.io/} answers 404. */
  void serveVelero(boolean installed) {
    this.servesVelero = installed;
  }

  /** Whether Karpenter's CRDs are installed: without them its paths answer 404. */
  void serveKarpenter(boolean installed) {
    this.servesKarpenter = installed;
  }

  /** {@code /version} reports the control plane's new version from now on. */
  void controlPlaneVersionChanged(String version) {
    this.kubernetesVersion = version;
  }

  // ---- the eviction subresource ----

  private MockResponse evict(ApiRequest call, Instant now) {
    String id = call.namespace() + "/" + call.name();
    Optional<Pod> found = store.get(Pod.class, call.namespace(), call.name());
    if (found.isEmpty()) {
      return refuseEviction(call, now, id, ApiStatus.notFound("pods", call.name()), 0, false);
    }
    Pod pod = found.get();
    String podId = ObjectFacts.id(pod);
    Eviction eviction;
    try {
      eviction = json.unmarshal(call.bodyText(), Eviction.class);
    } catch (RuntimeException e) {
      eviction = null;
    }
    if (eviction == null || !"Eviction".equals(eviction.getKind())) {
      return refuseEviction(
          call,
          now,
          podId,
          ApiStatus.badRequest("the body of an eviction must be an Eviction"),
          0,
          false);
    }
    if (!List.of("policy/v1", "policy/v1beta1").contains(eviction.getApiVersion())) {
      return refuseEviction(
          call,
          now,
          podId,
          ApiStatus.badRequest(
              "no kind \"Eviction\" is registered for version \""
                  + eviction.getApiVersion()
                  + "\""),
          0,
          false);
    }
    if (eviction.getMetadata() != null
        && eviction.getMetadata().getName() != null
        && !eviction.getMetadata().getName().equals(call.name())) {
      return refuseEviction(
          call,
          now,
          podId,
          ApiStatus.badRequest("name in URL does not match name in Eviction object"),
          0,
          false);
    }
    DeleteOptions options = eviction.getDeleteOptions();
    Status precondition = failedPrecondition(options, pod);
    if (precondition != null) {
      return refuseEviction(call, now, podId, precondition, 0, false);
    }
    boolean dryRun =
        call.isDryRun()
            || (options != null
                && options.getDryRun() != null
                && options.getDryRun().contains("All"));
    Admission admission = budgets.admit(pod, dryRun);
    if (!admission.allowed()) {
      return refuseEviction(
          call, now, podId, admission.refusal(), admission.retryAfterSeconds(), dryRun);
    }
    if (!dryRun) {
      controllers.terminatePod(pod, graceOf(options, call, pod), Loss.EVICTED);
      budgets.refresh();
      record(call, now, 201, Effect.CREATED, podId, null);
      startOutagesAfterEviction(now);
    }
    return ApiStatus.response(ApiStatus.success(201));
  }

  private MockResponse refuseEviction(
      ApiRequest call,
      Instant now,
      String id,
      Status status,
      int retryAfterSeconds,
      boolean dryRun) {
    if (!dryRun) {
      record(call, now, status.getCode(), Effect.REJECTED, id, status.getReason());
    }
    MockResponse response = ApiStatus.response(status);
    if (retryAfterSeconds > 0) {
      response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }
    return response;
  }

  private static Status failedPrecondition(DeleteOptions options, Pod pod) {
    if (options == null
        || options.getPreconditions() == null
        || options.getPreconditions().getUid() == null) {
      return null;
    }
    String wanted = options.getPreconditions().getUid();
    String actual = pod.getMetadata().getUid();
    if (wanted.equals(actual)) {
      return null;
    }
    return ApiStatus.conflict(
        "Operation cannot be fulfilled on pods \""
            + pod.getMetadata().getName()
            + "\": Precondition failed: UID in precondition: "
            + wanted
            + ", UID in object meta: "
            + actual);
  }

  private static long graceOf(DeleteOptions options, ApiRequest call, Pod pod) {
    if (options != null && options.getGracePeriodSeconds() != null) {
      return options.getGracePeriodSeconds();
    }
    String param = call.param("gracePeriodSeconds");
    if (param != null) {
      try {
        return Long.parseLong(param);
      } catch (NumberFormatException e) {
        // the API server would refuse it; the pod's own grace period is the safer reading
      }
    }
    return ClusterControllers.graceOf(pod);
  }

  // ---- pod deletion ----

  private DeleteOptions deleteOptions(ApiRequest call) {
    String body = call.bodyText();
    if (body.isBlank()) {
      return null;
    }
    try {
      return json.unmarshal(body, DeleteOptions.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private MockResponse deletePod(ApiRequest call, Instant now) {
    Optional<Pod> found = store.get(Pod.class, call.namespace(), call.name());
    if (found.isEmpty()) {
      Status status = ApiStatus.notFound("pods", call.name());
      if (!call.isDryRun()) {
        record(
            call,
            now,
            404,
            Effect.REJECTED,
            call.namespace() + "/" + call.name(),
            status.getReason());
      }
      return ApiStatus.response(status);
    }
    Pod pod = found.get();
    DeleteOptions options = deleteOptions(call);
    Status precondition = failedPrecondition(options, pod);
    if (precondition != null) {
      if (!call.isDryRun()) {
        record(call, now, 409, Effect.REJECTED, ObjectFacts.id(pod), precondition.getReason());
      }
      return ApiStatus.response(precondition);
    }
    if (call.isDryRun()) {
      return ApiStatus.json(200, json.asJson(pod));
    }
    boolean changed = controllers.terminatePod(pod, graceOf(options, call, pod), Loss.DELETED);
    budgets.refresh();
    record(call, now, 200, changed ? Effect.CREATED : Effect.REPLAYED, ObjectFacts.id(pod), null);
    Pod after = store.get(Pod.class, call.namespace(), call.name()).orElse(pod);
    return ApiStatus.json(200, json.asJson(after));
  }

  private MockResponse deletePods(ApiRequest call, Instant now) {
    String selector = call.param("labelSelector");
    List<Pod> pods = new ArrayList<>();
    for (Pod pod : store.list(Pod.class, call.namespace())) {
      if (selector == null || matchesLabelSelector(selector, ObjectFacts.labels(pod))) {
        pods.add(pod);
      }
    }
    DeleteOptions options = deleteOptions(call);
    List<String> ids = new ArrayList<>();
    if (!call.isDryRun()) {
      for (Pod pod : pods) {
        controllers.terminatePod(pod, graceOf(options, call, pod), Loss.DELETED);
        ids.add(ObjectFacts.id(pod));
      }
      budgets.refresh();
      record(
          call,
          now,
          200,
          ids.isEmpty() ? Effect.REPLAYED : Effect.CREATED,
          String.join(",", ids),
          null);
    }
    ObjectNode list =
        json.convertValue(Map.of("apiVersion", "v1", "kind", "PodList"), ObjectNode.class);
    ArrayNode items = list.putArray("items");
    pods.forEach(p -> items.add(json.convertValue(p, JsonNode.class)));
    return ApiStatus.json(200, list.toString());
  }

  /** Equality, inequality and existence requirements, as the CRUD mock supports them. */
  private static boolean matchesLabelSelector(String selector, Map<String, String> labels) {
    for (String part : selector.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.contains("!=")) {
        String[] kv = p.split("!=", 2);
        if (kv[1].trim().equals(labels.get(kv[0].trim()))) {
          return false;
        }
      } else if (p.contains("=")) {
        String[] kv = p.split("==?", 2);
        if (!kv[1].trim().equals(labels.get(kv[0].trim()))) {
          return false;
        }
      } else if (p.startsWith("!")) {
        if (labels.containsKey(p.substring(1))) {
          return false;
        }
      } else if (!labels.containsKey(p)) {
        return false;
      }
    }
    return true;
  }

  // ---- everything else ----

  private MockResponse mutate(ApiRequest call, RecordedRequest request, Instant now) {
    String before = storedJson(call);
    MockResponse response = write(call, request, before, now);
    if (response == null) {
      return ApiStatus.response(
          ApiStatus.failure(405, "MethodNotAllowed", "the server does not allow this method"));
    }
    String after = storedJson(call);
    int code = response.code();
    String body =
        response.getBody() == null ? null : new String(response.getBody().getBytes(), UTF_8);
    Effect effect;
    if (code >= 400) {
      effect = Effect.REJECTED;
    } else if ((call.method().equals("PATCH") || call.method().equals("PUT"))
        && Objects.equals(before, after)) {
      effect = Effect.REPLAYED;
    } else {
      effect = Effect.CREATED;
    }
    String objectJson =
        code < 400 && body != null && !body.isBlank() ? body : (after != null ? after : before);
    record(
        call,
        now,
        code,
        effect,
        pathId(call, objectJson),
        code >= 400 ? reasonOf(code, body) : null);
    if (code < 400) {
      budgets.refresh();
    }
    return response;
  }

  private enum PatchType {
    JSON_PATCH("application/json-patch+json"),
    MERGE("application/merge-patch+json"),
    STRATEGIC_MERGE("application/strategic-merge-patch+json");

    final String mediaType;

    PatchType(String mediaType) {
      this.mediaType = mediaType;
    }

    static Optional<PatchType> of(String contentType) {
      for (PatchType type : values()) {
        if (contentType != null && contentType.startsWith(type.mediaType)) {
          return Optional.of(type);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * One write: CRDs as the apiextensions server treats them, JSON merge and strategic merge patches
   * applied here, the rest (creates, replaces, JSON patches, deletes) by the CRUD mock.
   */
  private MockResponse write(ApiRequest call, RecordedRequest request, String before, Instant now) {
    Optional<PatchType> patchType =
        call.method().equals("PATCH")
            ? PatchType.of(request.getHeader("Content-Type"))
            : Optional.empty();
    boolean definition = CustomResourceDefinitions.isDefinition(call);
    if (definition
        && call.name() != null
        && before != null
        && (call.method().equals("PUT") || patchType.isPresent())) {
      return writeDefinition(call, before, patchType, now);
    }
    if (before != null && patchType.isPresent() && patchType.get() != PatchType.JSON_PATCH) {
      if (patchType.get() == PatchType.STRATEGIC_MERGE
          && !ApiDiscovery.isBuiltIn(call.group(), call.version(), call.resource())) {
        // The API server has no Go type, so no patch merge keys, for custom resources.
        return ApiStatus.response(
            ApiStatus.failure(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include:"
                    + " application/json-patch+json, application/merge-patch+json,"
                    + " application/apply-patch+yaml"));
      }
      Optional<MockResponse> stale = staleResourceVersion(call, before);
      if (stale.isPresent()) {
        return stale.get();
      }
      ObjectNode patched;
      try {
        patched = patched(call, before, patchType.get());
      } catch (IllegalArgumentException e) {
        return ApiStatus.response(ApiStatus.badRequest(e.getMessage()));
      }
      return replaceStored(call, before, patched);
    }
    MockResponse response = withNotFoundBody(call, super.dispatch(request));
    if (definition
        && call.name() == null
        && call.method().equals("POST")
        && response != null
        && response.code() < 300) {
      return settleCreatedDefinition(response, now);
    }
    return response;
  }

  /**
   * A merge patch that names a resourceVersion applies to that version only (optimistic
   * concurrency, as the API server does): another stored version answers 409 Conflict.
   */
  private Optional<MockResponse> staleResourceVersion(ApiRequest call, String before) {
    JsonNode patch;
    try {
      patch = json.unmarshal(call.bodyText(), JsonNode.class);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    String wanted = patch == null ? "" : patch.path("metadata").path("resourceVersion").asText("");
    String current = json.unmarshal(before, JsonNode.class).path("metadata").path("resourceVersion").asText("");
    if (wanted.isEmpty() || wanted.equals(current)) {
      return Optional.empty();
    }
    return Optional.of(
        ApiStatus.response(
            ApiStatus.conflict(
                "Operation cannot be fulfilled on "
                    + call.qualifiedResource()
                    + " \""
                    + call.name()
                    + "\": the object has been modified; please apply your changes to the latest version and try again")));
  }

  /**
   * The stored object with the request's patch applied.
   *
   * @throws IllegalArgumentException with the reason when the patch cannot be applied
   */
  private ObjectNode patched(ApiRequest call, String before, PatchType type) {
    JsonNode patch;
    try {
      patch = json.unmarshal(call.bodyText(), JsonNode.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the body of a patch must be JSON", e);
    }
    ObjectNode stored = (ObjectNode) json.unmarshal(before, JsonNode.class);
    switch (type) {
      case MERGE -> {
        if (patch == null || !patch.isObject()) {
          throw new IllegalArgumentException("the body of a merge patch must be a JSON object");
        }
        return (ObjectNode) merge(stored.deepCopy(), patch);
      }
      case STRATEGIC_MERGE -> {
        return StrategicMergePatch.apply(stored, patch);
      }
      case JSON_PATCH -> {
        JsonNode result;
        try {
          result = JsonPatch.apply(patch, stored);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "the JSON patch cannot be applied: " + e.getMessage(), e);
        }
        if (!result.isObject()) {
          throw new IllegalArgumentException("a JSON patch must leave an object");
        }
        return (ObjectNode) result;
      }
      default -> throw new IllegalStateException(type.toString());
    }
  }

  /**
   * A PUT or PATCH of a CustomResourceDefinition or its status, checked and settled as {@link
   * CustomResourceDefinitions} describes.
   */
  private MockResponse writeDefinition(
      ApiRequest call, String before, Optional<PatchType> patchType, Instant now) {
    ObjectNode stored = (ObjectNode) json.unmarshal(before, JsonNode.class);
    ObjectNode requested;
    if (patchType.isPresent()) {
      try {
        requested = patched(call, before, patchType.get());
      } catch (IllegalArgumentException e) {
        return ApiStatus.response(ApiStatus.badRequest(e.getMessage()));
      }
    } else {
      JsonNode body;
      try {
        body = json.unmarshal(call.bodyText(), JsonNode.class);
      } catch (RuntimeException e) {
        body = null;
      }
      if (body == null || !body.isObject()) {
        return ApiStatus.response(
            ApiStatus.badRequest("the body of a replace must be a JSON object"));
      }
      String wanted = body.path("metadata").path("resourceVersion").asText("");
      String current = stored.path("metadata").path("resourceVersion").asText("");
      if (!wanted.isEmpty() && !wanted.equals(current)) {
        return ApiStatus.response(
            ApiStatus.conflict(
                "Operation cannot be fulfilled on customresourcedefinitions.apiextensions.k8s.io \""
                    + call.name()
                    + "\": the object has been modified; please apply your changes to the latest"
                    + " version and try again"));
      }
      requested = (ObjectNode) body;
    }
    boolean statusWrite = CustomResourceDefinitions.isStatusWrite(call);
    ObjectNode updated = CustomResourceDefinitions.written(stored, requested, statusWrite);
    Optional<Status> refusal = CustomResourceDefinitions.refusal(updated, statusWrite);
    if (refusal.isPresent()) {
      return ApiStatus.response(refusal.get());
    }
    return replaceStored(call, before, CustomResourceDefinitions.settled(updated, now));
  }

  /** A created CRD is Established at once: the answer and the store carry its settled status. */
  private MockResponse settleCreatedDefinition(MockResponse created, Instant now) {
    String name =
        json.unmarshal(new String(created.getBody().getBytes(), UTF_8), JsonNode.class)
            .path("metadata")
            .path("name")
            .asText();
    String path = CustomResourceDefinitions.COLLECTION + "/" + name;
    var entry = findResource(getKey(path));
    if (entry == null) {
      return created;
    }
    ObjectNode settled =
        CustomResourceDefinitions.settled(
            (ObjectNode) json.unmarshal(entry.getValue(), JsonNode.class), now);
    String after = json.asJson(settled);
    processEvent(path, getKey(path), entry.getKey(), null, after);
    return ApiStatus.json(created.code(), after);
  }

  /**
   * Stores the result of a patch or replace as the API server would: what the server owns in the
   * metadata is kept, a changed spec bumps the generation, an unchanged object is not written.
   * Merge patches follow RFC 7386: a list in the patch replaces the stored list (fabric8's CRUD
   * mock appends to it).
   */
  private MockResponse replaceStored(ApiRequest call, String before, ObjectNode merged) {
    ObjectNode stored = (ObjectNode) json.unmarshal(before, JsonNode.class);
    if (!merged.path("metadata").isObject()) {
      merged.set("metadata", stored.path("metadata").deepCopy());
    }
    ObjectNode metadata = (ObjectNode) merged.path("metadata");
    // What the server owns cannot be patched away.
    for (String owned :
        List.of("name", "namespace", "uid", "creationTimestamp", "resourceVersion")) {
      if (stored.path("metadata").has(owned)) {
        metadata.set(owned, stored.path("metadata").get(owned));
      }
    }
    if (merged.equals(stored)) {
      return ApiStatus.json(200, before);
    }
    if (!merged.path("spec").equals(stored.path("spec"))) {
      metadata.put("generation", stored.path("metadata").path("generation").asLong(1) + 1);
    }
    // A patch of the status or scale subresource writes the object itself, as the CRUD mock does.
    String path = call.path().replaceFirst("/(status|scale)$", "");
    var entry = findResource(getKey(path));
    if (entry == null) {
      return ApiStatus.response(ApiStatus.notFound(call.qualifiedResource(), call.name()));
    }
    metadata.put("resourceVersion", String.valueOf(requestResourceVersion()));
    String after = json.asJson(merged);
    processEvent(path, getKey(path), entry.getKey(), null, after);
    return ApiStatus.json(200, after);
  }

  private static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
    for (var it = patch.fields(); it.hasNext(); ) {
      var field = it.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  private String storedJson(ApiRequest call) {
    if (call.name() == null || call.resource() == null) {
      return null;
    }
    var entry = findResource(getKey(call.path().replaceFirst("/(status|scale)$", "")));
    return entry == null ? null : entry.getValue();
  }

  private MockResponse withNotFoundBody(ApiRequest call, MockResponse response) {
    if (response != null
        && response.code() == 404
        && (response.getBody() == null || response.getBody().size() == 0)
        && call.name() != null) {
      return ApiStatus.response(ApiStatus.notFound(call.qualifiedResource(), call.name()));
    }
    return response;
  }

  private static String reasonOf(int code, String body) {
    String reason = ApiStatus.reasonOf(body);
    if (reason != null) {
      return reason;
    }
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 503 -> "ServiceUnavailable";
      default -> "HTTP" + code;
    };
  }

  // ---- the call log ----

  /** E.g. PatchNode, CreateEviction, DeletePod, UpdateDeploymentStatus, DeleteCollectionPod. */
  static String operation(ApiRequest call) {
    if ("eviction".equals(call.subresource())) {
      return "CreateEviction";
    }
    String verb =
        switch (call.method()) {
          case "POST" -> "Create";
          case "PUT" -> "Update";
          case "PATCH" -> "Patch";
          case "DELETE" -> call.name() == null ? "DeleteCollection" : "Delete";
          default -> call.method();
        };
    String kind = kindOf(call.resource());
    String sub = call.subresource() == null ? "" : capitalize(call.subresource().replace("/", ""));
    return verb + kind + sub;
  }

  private static String kindOf(String resource) {
    if (resource == null) {
      return "";
    }
    String kind = KINDS.get(resource);
    if (kind != null) {
      return kind;
    }
    String singular =
        resource.endsWith("ies")
            ? resource.substring(0, resource.length() - 3) + "y"
            : resource.endsWith("s") ? resource.substring(0, resource.length() - 1) : resource;
    return capitalize(singular);
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** namespace/name@uid for pods, namespace/name or name for other objects. */
  private String pathId(ApiRequest call, String objectJson) {
    String namespace = call.namespace();
    String name = call.name();
    String uid = null;
    if (objectJson != null && !objectJson.isBlank()) {
      try {
        JsonNode meta = json.unmarshal(objectJson, JsonNode.class).path("metadata");
        name = name != null ? name : meta.path("name").asText(null);
        namespace = namespace != null ? namespace : meta.path("namespace").asText(null);
        uid = meta.path("uid").asText(null);
      } catch (RuntimeException e) {
        // not an object: the path names it well enough
      }
    }
    if (name == null) {
      return namespace == null ? call.resource() : namespace + "/" + call.resource();
    }
    String id = namespace == null ? name : namespace + "/" + name;
    return "pods".equals(call.resource()) && uid != null ? id + "@" + uid : id;
  }

  private void record(
      ApiRequest call,
      Instant now,
      int status,
      Effect effect,
      String resourceId,
      String errorCode) {
    RequestHold held = hold;
    if (held != null) {
      held.recorded(operation(call), resourceId);
    }
    callLog.append(
        now,
        "kubernetes",
        operation(call),
        region,
        cluster,
        null,
        null,
        status,
        effect,
        resourceId,
        errorCode);
  }
}
