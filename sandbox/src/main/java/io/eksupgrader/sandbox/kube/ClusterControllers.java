package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.sandbox.ClusterNodes.NodeLaunch;
import io.eksupgrader.sandbox.Scenario.FargateProfileSpec;
import io.eksupgrader.sandbox.Scenario.TaintSpec;
import io.eksupgrader.sandbox.kube.PdbBreach.Loss;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The simulated control loops of one cluster, run together on every tick in simulated time:
 *
 * <ol>
 *   <li>Kubelets: a launched node turns Ready when its delay has passed (never when it has none); a
 *       terminating pod disappears when its deletionTimestamp is reached; a pod bound to a Ready
 *       node turns Running and Ready {@code podStart} after it was scheduled.
 *   <li>Garbage collection: pods bound to nodes that no longer exist disappear; ReplicaSets of
 *       deleted Deployments and pods of deleted controllers are deleted.
 *   <li>Workload controllers: a Deployment keeps one ReplicaSet at its replicas; a ReplicaSet keeps
 *       its replicas with new pods (new name, new UID); a StatefulSet keeps pods {@code name-0..}
 *       in order, each created once the ones before it are Ready; a DaemonSet keeps one pod on
 *       every Ready node its selector allows and replaces pods of an older template one node at a
 *       time. Bare pods are never recreated. Every pod a controller creates passes the {@link
 *       SidecarInjector} first, as the API server's webhooks; a refused pod is not created and its
 *       owner's {@code ReplicaFailure} condition (reason FailedCreate) says why until a creation
 *       succeeds.
 *   <li>Scheduler: a Pending pod goes to a Ready, schedulable node whose taints it tolerates and
 *       whose labels its nodeSelector matches, the one with the fewest pods of the same owner, then
 *       the fewest pods, then the first by name.
 *   <li>Disruption controller: {@link DisruptionBudgets#refresh()}.
 * </ol>
 *
 * <p>The starting workloads are placed once: on the first tick at which the scenario's initial
 * nodes are all Ready (or two real seconds after the first one is), every pod is created, scheduled
 * and started at once, as the world the scenario describes already runs. From then on pods take
 * {@code podStart} to start.
 */
final class ClusterControllers {

  private static final Pattern IP_NAME = Pattern.compile("ip-(\\d+)-(\\d+)-(\\d+)-(\\d+).*");
  private static final Duration PLACEMENT_PATIENCE = Duration.ofSeconds(2);

  private final ObjectStore store;
  private final DisruptionBudgets budgets;
  private final Duration podStart;
  private final int initialNodes;
  private final String region;
  static final String FARGATE_PROFILE_LABEL = "eks.amazonaws.com/fargate-profile";
  static final String COMPUTE_TYPE_LABEL = "eks.amazonaws.com/compute-type";
  private static final String REVISION = "deployment.kubernetes.io/revision";
  /** On a DaemonSet's pods: the hash of the template they were made from. */
  static final String REVISION_HASH = "controller-revision-hash";
  private static final String REPLICA_FAILURE = "ReplicaFailure";

  private final List<FargateProfileSpec> fargateProfiles;
  private final Duration fargatePodStart;
  private final Map<String, Instant> nodeReadyAt = new HashMap<>();
  private final SidecarInjector injector;
  /** During the tick that places the starting world: the injector does not wait for istiod. */
  private boolean placingStartingWorld;
  /** {@link #owned}'s grouping of the pod list it was last given, by controller UID. */
  private Map<String, List<Pod>> podsByController;
  private List<Pod> podsByControllerOf;
  private String controlPlaneVersion;
  private KarpenterNodes karpenter;
  private VeleroBackups velero;
  private int fargateNodes;
  private final long createdNanos = System.nanoTime();
  private Long firstReadyNodeNanos;
  private boolean placed;
  private int addresses;

  ClusterControllers(
      ObjectStore store,
      DisruptionBudgets budgets,
      Duration podStart,
      int initialNodes,
      String region,
      String controlPlaneVersion,
      List<FargateProfileSpec> fargateProfiles,
      Duration fargatePodStart) {
    this.store = store;
    this.budgets = budgets;
    this.podStart = podStart;
    this.initialNodes = initialNodes;
    this.region = region;
    this.controlPlaneVersion = controlPlaneVersion;
    this.fargateProfiles = List.copyOf(fargateProfiles);
    this.fargatePodStart = fargatePodStart;
    this.injector = new SidecarInjector(store);
  }

  /** Karpenter runs in this cluster; it ticks with the other controllers. */
  void runKarpenter(KarpenterNodes karpenter) {
    store.atomically(() -> this.karpenter = karpenter);
  }

  /** Velero runs in this cluster; it ticks with the other controllers. */
  void runVelero(VeleroBackups velero) {
    store.atomically(() -> this.velero = velero);
  }

  /** New Fargate nodes and Karpenter's drift follow the control plane's version. */
  void controlPlaneVersionChanged(String version) {
    store.atomically(() -> this.controlPlaneVersion = version);
  }

  String controlPlaneVersion() {
    return store.atomically(() -> controlPlaneVersion);
  }

  // ---- nodes, driven by the AWS side ----

  void launchNode(NodeLaunch launch) {
    store.atomically(
        () -> {
          if (store.get(Node.class, null, launch.nodeName()).isPresent()) {
            return;
          }
          Instant now = store.now();
          Node node =
              Manifests.node(
                  launch, region, addressFor(launch.nodeName()), ObjectStore.timestamp(now));
          store.create(node);
          // Counted from the recorded creation time, so that join latency reads exactly readyAfter.
          Instant created = ObjectStore.instant(node.getMetadata().getCreationTimestamp());
          if (launch.readyAfter() != null) {
            nodeReadyAt.put(launch.nodeName(), created.plus(launch.readyAfter()));
          }
          turnNodesReady(store.now());
        });
  }

  void terminateNode(String nodeName) {
    store.atomically(
        () -> {
          for (Pod pod : store.view(Pod.class)) {
            if (nodeName.equals(ObjectFacts.nodeName(pod))) {
              removePod(pod, Loss.NODE_TERMINATED);
            }
          }
          store.get(Node.class, null, nodeName).ifPresent(store::remove);
          nodeReadyAt.remove(nodeName);
          budgets.refresh();
        });
  }

  List<String> nodeNames() {
    return store.atomically(
        () -> store.view(Node.class).stream().map(n -> n.getMetadata().getName()).toList());
  }

  private String addressFor(String nodeName) {
    Matcher m = IP_NAME.matcher(nodeName);
    if (m.matches()) {
      return m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
    }
    int n = addresses++;
    return "10.0." + (n / 250) + "." + (n % 250 + 10);
  }

  // ---- pods, driven by the API ----

  /**
   * Starts a pod's graceful deletion: it gets a deletionTimestamp {@code graceSeconds} from now and
   * disappears then. A pod never scheduled, or a grace period of 0, goes at once.
   *
   * @return whether anything changed (a pod already terminating earlier is left alone)
   */
  boolean terminatePod(Pod pod, long graceSeconds, Loss how) {
    if (ObjectFacts.nodeName(pod) == null || graceSeconds <= 0) {
      return removePod(pod, how);
    }
    Instant deadline = store.now().plusSeconds(graceSeconds);
    if (ObjectFacts.isTerminating(pod)) {
      Instant current = ObjectStore.instant(pod.getMetadata().getDeletionTimestamp());
      if (!deadline.isBefore(current)) {
        return false;
      }
    }
    budgets.recordLoss(pod, how);
    pod.getMetadata().setDeletionTimestamp(ObjectStore.timestamp(deadline));
    pod.getMetadata().setDeletionGracePeriodSeconds(graceSeconds);
    return store.update(pod);
  }

  boolean removePod(Pod pod, Loss how) {
    budgets.recordLoss(pod, how);
    return store.remove(pod);
  }

  // ---- the loop ----

  void tick() {
    store.atomically(
        () -> {
          Instant now = store.now();
          turnNodesReady(now);
          finishTerminations(now);
          collectGarbage();
          if (karpenter != null) {
            karpenter.tick(now, controlPlaneVersion);
          }
          if (velero != null) {
            velero.tick(now);
          }
          boolean initial = false;
          if (!placed) {
            if (!placementDue()) {
              budgets.refresh();
              return;
            }
            placed = true;
            initial = true;
          }
          placingStartingWorld = initial;
          syncDeployments();
          syncReplicaSets();
          syncStatefulSets(initial);
          syncDaemonSets(now);
          placingStartingWorld = false;
          schedule(now);
          startPods(now, initial);
          updateWorkloadStatuses();
          budgets.refresh();
        });
  }

  private boolean placementDue() {
    if (initialNodes == 0) {
      return true;
    }
    long ready = store.view(Node.class).stream().filter(ObjectFacts::isReady).count();
    if (ready == 0) {
      return false;
    }
    if (firstReadyNodeNanos == null) {
      firstReadyNodeNanos = System.nanoTime();
    }
    return ready >= initialNodes
        || System.nanoTime() - firstReadyNodeNanos > PLACEMENT_PATIENCE.toNanos();
  }

  private void turnNodesReady(Instant now) {
    for (Node seen : store.view(Node.class)) {
      String name = seen.getMetadata().getName();
      Instant readyAt = nodeReadyAt.get(name);
      if (readyAt == null || readyAt.isAfter(now) || ObjectFacts.isReady(seen)) {
        continue;
      }
      Node node = store.copy(seen);
      String since = ObjectStore.timestamp(readyAt);
      List<NodeCondition> conditions = new ArrayList<>();
      if (node.getStatus().getConditions() != null) {
        node.getStatus().getConditions().stream()
            .filter(c -> !"Ready".equals(c.getType()))
            .forEach(conditions::add);
      }
      conditions.add(Manifests.readyCondition(true, since));
      node.getStatus().setConditions(conditions);
      List<Taint> taints = node.getSpec().getTaints();
      if (taints != null) {
        node.getSpec()
            .setTaints(
                taints.stream()
                    .filter(t -> !Manifests.NOT_READY_TAINT.equals(t.getKey()))
                    .toList());
      }
      store.update(node);
    }
    nodeReadyAt
        .keySet()
        .retainAll(store.view(Node.class).stream().map(n -> n.getMetadata().getName()).toList());
  }

  private void finishTerminations(Instant now) {
    for (Pod pod : store.view(Pod.class)) {
      if (ObjectFacts.isTerminating(pod)
          && !ObjectStore.instant(pod.getMetadata().getDeletionTimestamp()).isAfter(now)) {
        store.remove(pod);
      }
    }
  }

  private void collectGarbage() {
    Set<String> nodes =
        store.view(Node.class).stream()
            .map(n -> n.getMetadata().getName())
            .collect(Collectors.toSet());
    Set<String> deployments = uids(store.list(Deployment.class));
    Map<String, Set<String>> owners = new HashMap<>();
    owners.put("ReplicaSet", uids(store.list(ReplicaSet.class)));
    owners.put("StatefulSet", uids(store.list(StatefulSet.class)));
    owners.put("DaemonSet", uids(store.list(DaemonSet.class)));
    for (ReplicaSet rs : store.list(ReplicaSet.class)) {
      Optional<OwnerReference> owner = ObjectFacts.controllerOf(rs);
      if (owner.isPresent()
          && "Deployment".equals(owner.get().getKind())
          && !deployments.contains(owner.get().getUid())) {
        store.remove(rs);
        owners.get("ReplicaSet").remove(rs.getMetadata().getUid());
      }
    }
    for (Pod pod : store.view(Pod.class)) {
      String node = ObjectFacts.nodeName(pod);
      if (node != null && !nodes.contains(node)) {
        removePod(pod, Loss.NODE_DELETED);
        continue;
      }
      Optional<OwnerReference> owner = ObjectFacts.controllerOf(pod);
      if (owner.isPresent()
          && owners.containsKey(owner.get().getKind())
          && !owners.get(owner.get().getKind()).contains(owner.get().getUid())
          && !ObjectFacts.isTerminating(pod)) {
        terminatePod(store.copy(pod), graceOf(pod), Loss.REMOVED_BY_CONTROLLER);
      }
    }
    // Fargate runs one pod per node: the node goes with its pod.
    Set<String> bound =
        store.view(Pod.class).stream()
            .map(ObjectFacts::nodeName)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    for (Node node : store.view(Node.class)) {
      if (isFargate(node) && !bound.contains(node.getMetadata().getName())) {
        store.remove(node);
        nodeReadyAt.remove(node.getMetadata().getName());
      }
    }
  }

  static boolean isFargate(Node node) {
    return "fargate".equals(ObjectFacts.labels(node).get(COMPUTE_TYPE_LABEL));
  }

  private Optional<FargateProfileSpec> fargateProfileOf(Pod pod) {
    if (ObjectFacts.controllerOf(pod).map(o -> o.getKind()).filter("DaemonSet"::equals).isPresent()) {
      return Optional.empty();
    }
    Map<String, String> labels = ObjectFacts.labels(pod);
    return fargateProfiles.stream()
        .sorted(Comparator.comparing(FargateProfileSpec::name))
        .filter(f -> f.selectors().stream().anyMatch(s -> s.matches(pod.getMetadata().getNamespace(), labels)))
        .findFirst();
  }

  /**
   * What EKS does for a pod its Fargate profile selects: labels it with the profile, and binds it
   * to a node of its own that runs the control plane's version.
   */
  private void placeOnFargate(Pod pod, FargateProfileSpec profile, Instant now) {
    int n = fargateNodes++;
    String nodeName =
        "fargate-ip-10-0-" + (150 + n / 250) + "-" + (n % 250 + 2) + "." + region + ".compute.internal";
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(COMPUTE_TYPE_LABEL, "fargate");
    labels.put(FARGATE_PROFILE_LABEL, profile.name());
    launchNode(
        new NodeLaunch(
            nodeName,
            "fargate-" + nodeName.substring("fargate-".length(), nodeName.indexOf('.')),
            null,
            controlPlaneVersion,
            labels,
            List.of(new TaintSpec(COMPUTE_TYPE_LABEL, "fargate", "NoSchedule")),
            Duration.ZERO));
    Map<String, String> podLabels = new LinkedHashMap<>(ObjectFacts.labels(pod));
    podLabels.put(FARGATE_PROFILE_LABEL, profile.name());
    pod.getMetadata().setLabels(podLabels);
    pod.getSpec().setSchedulerName("fargate-scheduler");
    pod.getSpec().setNodeName(nodeName);
    setCondition(pod, condition("PodScheduled", "True", null, null, ObjectStore.timestamp(now)));
    store.update(pod);
  }

  static long graceOf(Pod pod) {
    Long grace = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
    return grace == null ? 30 : grace;
  }

  /**
   * One ReplicaSet per pod template. When the template changes (e.g. {@code kubectl rollout
   * restart}, which sets an annotation), a new ReplicaSet is scaled up and the old ones down as the
   * RollingUpdate strategy allows: at most {@code replicas + maxSurge} pods and at least {@code
   * replicas - maxUnavailable} Ready ones (both 25% by default).
   */
  private void syncDeployments() {
    List<ReplicaSet> replicaSets = store.list(ReplicaSet.class);
    List<Pod> pods = store.view(Pod.class);
    for (Deployment deployment : store.list(Deployment.class)) {
      if (ObjectFacts.isTerminating(deployment) || deployment.getSpec() == null) {
        continue;
      }
      List<ReplicaSet> owned =
          new ArrayList<>(replicaSets.stream().filter(rs -> ObjectFacts.ownedBy(rs, deployment)).toList());
      if (owned.isEmpty()) {
        store.create(Manifests.replicaSet(deployment, store.randomSuffix(10)));
        continue;
      }
      owned.sort(Comparator.comparingInt(ClusterControllers::revisionOf));
      ReplicaSet newest = owned.get(owned.size() - 1);
      int replicas =
          deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
      if (!sameTemplate(deployment.getSpec().getTemplate(), newest.getSpec().getTemplate())) {
        ReplicaSet next = Manifests.replicaSet(deployment, store.randomSuffix(10));
        next.getMetadata().getAnnotations().put(REVISION, String.valueOf(revisionOf(newest) + 1));
        next.getSpec().setReplicas(0);
        store.create(next);
        continue;
      }
      List<ReplicaSet> old = owned.subList(0, owned.size() - 1);
      if (old.stream().allMatch(rs -> replicasOf(rs) == 0)) {
        setReplicas(newest, replicas);
        continue;
      }
      int surge = rollingValue(deployment, true, replicas);
      int unavailable = rollingValue(deployment, false, replicas);
      if (surge == 0 && unavailable == 0) {
        unavailable = 1;
      }
      int total = owned.stream().mapToInt(rs -> replicasOf(rs)).sum();
      int up = Math.min(replicas - replicasOf(newest), replicas + surge - total);
      if (up > 0) {
        setReplicas(newest, replicasOf(newest) + up);
      }
      long ready =
          pods.stream()
              .filter(p -> ObjectFacts.isActive(p) && ObjectFacts.isReady(p))
              .filter(p -> owned.stream().anyMatch(rs -> ObjectFacts.ownedBy(p, rs)))
              .count();
      int down = (int) (ready - (replicas - unavailable));
      for (ReplicaSet rs : old) {
        if (down <= 0) {
          break;
        }
        int current = replicasOf(rs);
        int by = Math.min(current, down);
        if (by > 0) {
          setReplicas(rs, current - by);
          down -= by;
        }
      }
    }
  }

  private void setReplicas(ReplicaSet rs, int replicas) {
    if (replicasOf(rs) != replicas) {
      rs.getSpec().setReplicas(replicas);
      store.update(rs);
    }
  }

  /** A ReplicaSet's wanted replicas; left out means one, as the API server defaults it. */
  private static int replicasOf(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
  }

  private static int revisionOf(ReplicaSet rs) {
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    try {
      return annotations == null ? 0 : Integer.parseInt(annotations.getOrDefault(REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int rollingValue(Deployment deployment, boolean surge, int replicas) {
    var strategy = deployment.getSpec().getStrategy();
    var rolling = strategy == null ? null : strategy.getRollingUpdate();
    var value = rolling == null ? null : surge ? rolling.getMaxSurge() : rolling.getMaxUnavailable();
    if (value == null) {
      value = new IntOrString("25%");
    }
    if (value.getStrVal() != null && value.getStrVal().endsWith("%")) {
      double percent = Double.parseDouble(value.getStrVal().substring(0, value.getStrVal().length() - 1));
      double scaled = replicas * percent / 100;
      // maxSurge rounds up and maxUnavailable down, as the deployment controller does.
      return (int) (surge ? Math.ceil(scaled) : Math.floor(scaled));
    }
    return value.getIntVal() == null ? 0 : value.getIntVal();
  }

  /** Whether a ReplicaSet's template is the Deployment's, apart from the pod-template-hash label. */
  private boolean sameTemplate(PodTemplateSpec wanted, PodTemplateSpec actual) {
    var json = store.serialization();
    ObjectNode a = (ObjectNode) json.unmarshal(json.asJson(wanted), JsonNode.class);
    ObjectNode b = (ObjectNode) json.unmarshal(json.asJson(actual), JsonNode.class);
    for (var node : List.of(a, b)) {
      var labels = node.path("metadata").path("labels");
      if (labels instanceof ObjectNode o) {
        o.remove("pod-template-hash");
      }
    }
    return a.equals(b);
  }

  private void syncReplicaSets() {
    List<Pod> pods = store.view(Pod.class);
    for (ReplicaSet rs : store.list(ReplicaSet.class)) {
      if (ObjectFacts.isTerminating(rs)
          || rs.getSpec() == null
          || rs.getSpec().getTemplate() == null) {
        continue;
      }
      List<Pod> active =
          owned(pods, rs).stream().filter(ObjectFacts::isActive).toList();
      int replicas = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
      boolean refused = false;
      for (int i = active.size(); i < replicas && !refused; i++) {
        String name = rs.getMetadata().getName() + "-" + store.randomSuffix(5);
        refused = !createPod(rs, Manifests.pod(rs, rs.getSpec().getTemplate(), name, Map.of()));
      }
      if (!refused) {
        setReplicaFailure(rs, null);
      }
      if (active.size() > replicas) {
        List<Pod> surplus = new ArrayList<>(active);
        surplus.sort(
            Comparator.comparing((Pod p) -> ObjectFacts.nodeName(p) != null)
                .thenComparing(ObjectFacts::isReady)
                .thenComparing(
                    p -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()));
        for (Pod pod : surplus.subList(0, active.size() - replicas)) {
          terminatePod(store.copy(pod), graceOf(pod), Loss.REMOVED_BY_CONTROLLER);
        }
      }
    }
  }

  private void syncStatefulSets(boolean initial) {
    List<Pod> pods = store.view(Pod.class);
    for (StatefulSet sts : store.list(StatefulSet.class)) {
      if (ObjectFacts.isTerminating(sts)
          || sts.getSpec() == null
          || sts.getSpec().getTemplate() == null) {
        continue;
      }
      String name = sts.getMetadata().getName();
      Map<String, Pod> byName = new HashMap<>();
      pods.stream()
          .filter(p -> ObjectFacts.ownedBy(p, sts))
          .forEach(p -> byName.put(p.getMetadata().getName(), p));
      int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
      boolean refused = false;
      for (int ordinal = 0; ordinal < replicas; ordinal++) {
        String podName = name + "-" + ordinal;
        Pod pod = byName.get(podName);
        if (pod == null) {
          if (store.get(Pod.class, sts.getMetadata().getNamespace(), podName).isPresent()) {
            break;
          }
          Map<String, String> labels = new LinkedHashMap<>();
          labels.put("statefulset.kubernetes.io/pod-name", podName);
          labels.put("apps.kubernetes.io/pod-index", String.valueOf(ordinal));
          Pod created = Manifests.pod(sts, sts.getSpec().getTemplate(), podName, labels);
          created.getSpec().setHostname(podName);
          created.getSpec().setSubdomain(sts.getSpec().getServiceName());
          if (!createPod(sts, created)) {
            refused = true;
            break;
          }
          if (!initial) {
            break;
          }
        } else if (!initial && !(ObjectFacts.isReady(pod) && !ObjectFacts.isTerminating(pod))) {
          break;
        }
      }
      for (Pod pod : byName.values()) {
        int ordinal = ordinalOf(pod.getMetadata().getName(), name);
        if (ordinal >= replicas && !ObjectFacts.isTerminating(pod)) {
          terminatePod(store.copy(pod), graceOf(pod), Loss.REMOVED_BY_CONTROLLER);
        }
      }
      if (!refused) {
        setReplicaFailure(sts, null);
      }
      if (!initial) {
        restartOneOutdated(sts, byName, replicas);
      }
    }
  }

  /**
   * A RollingUpdate StatefulSet replaces pods whose template is outdated one at a time, from the
   * highest ordinal down, only while every pod is Ready; the sandbox compares the template's
   * annotations (what {@code kubectl rollout restart} changes).
   */
  private void restartOneOutdated(StatefulSet sts, Map<String, Pod> byName, int replicas) {
    Map<String, String> wanted =
        sts.getSpec().getTemplate().getMetadata() == null
                || sts.getSpec().getTemplate().getMetadata().getAnnotations() == null
            ? Map.of()
            : sts.getSpec().getTemplate().getMetadata().getAnnotations();
    if (wanted.isEmpty()) {
      return;
    }
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      Pod pod = byName.get(sts.getMetadata().getName() + "-" + ordinal);
      if (pod == null || !ObjectFacts.isReady(pod) || ObjectFacts.isTerminating(pod)) {
        return;
      }
    }
    for (int ordinal = replicas - 1; ordinal >= 0; ordinal--) {
      Pod pod = byName.get(sts.getMetadata().getName() + "-" + ordinal);
      Map<String, String> has = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
      if (!wanted.entrySet().stream().allMatch(e -> e.getValue().equals(has.get(e.getKey())))) {
        terminatePod(store.copy(pod), graceOf(pod), Loss.REMOVED_BY_CONTROLLER);
        return;
      }
    }
  }

  private static int ordinalOf(String podName, String setName) {
    try {
      return Integer.parseInt(podName.substring(setName.length() + 1));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private void syncDaemonSets(Instant now) {
    List<Pod> pods = store.view(Pod.class);
    List<Node> nodes = store.view(Node.class);
    for (DaemonSet ds : store.list(DaemonSet.class)) {
      if (ObjectFacts.isTerminating(ds)
          || ds.getSpec() == null
          || ds.getSpec().getTemplate() == null) {
        continue;
      }
      String hash = templateHash(ds.getSpec().getTemplate());
      Pod probe = Manifests.pod(ds, ds.getSpec().getTemplate(), "probe", Map.of());
      List<Pod> owned = owned(pods, ds);
      Set<String> covered =
          owned.stream()
              .map(ObjectFacts::nodeName)
              .filter(Objects::nonNull)
              .collect(Collectors.toSet());
      boolean created = false;
      boolean refused = false;
      for (Node node : nodes) {
        String nodeName = node.getMetadata().getName();
        if (!daemonEligible(probe, node) || covered.contains(nodeName)) {
          continue;
        }
        Pod pod =
            Manifests.pod(
                ds,
                ds.getSpec().getTemplate(),
                ds.getMetadata().getName() + "-" + store.randomSuffix(5),
                Map.of(REVISION_HASH, hash));
        pod.getSpec().setNodeName(nodeName);
        setCondition(
            pod, condition("PodScheduled", "True", null, null, ObjectStore.timestamp(now)));
        if (!createPod(ds, pod)) {
          refused = true;
          break;
        }
        created = true;
      }
      if (!refused) {
        setReplicaFailure(ds, null);
      }
      if (!created && !refused) {
        rollOneOutdated(ds, owned, hash);
      }
    }
  }

  /**
   * A RollingUpdate DaemonSet (the default; OnDelete never rolls) replaces pods of an older
   * template one node at a time, as with maxUnavailable 1: an outdated pod is deleted only while no
   * pod of the set is terminating and every other one is Ready (an outdated pod that is not Ready
   * goes first); the sync then recreates it on its node from the current template once it is gone.
   */
  private void rollOneOutdated(DaemonSet ds, List<Pod> owned, String hash) {
    var strategy = ds.getSpec().getUpdateStrategy();
    if (strategy != null && "OnDelete".equals(strategy.getType())) {
      return;
    }
    if (owned.stream().anyMatch(ObjectFacts::isTerminating)) {
      return;
    }
    List<Pod> active = owned.stream().filter(ObjectFacts::isActive).toList();
    Optional<Pod> outdated =
        active.stream()
            .filter(p -> !hash.equals(ObjectFacts.labels(p).get(REVISION_HASH)))
            .min(
                Comparator.comparing((Pod p) -> ObjectFacts.isReady(p))
                    .thenComparing(p -> String.valueOf(ObjectFacts.nodeName(p))));
    if (outdated.isEmpty()) {
      return;
    }
    Pod pod = outdated.get();
    boolean othersReady =
        active.stream()
            .filter(p -> !p.getMetadata().getUid().equals(pod.getMetadata().getUid()))
            .allMatch(ObjectFacts::isReady);
    if (othersReady) {
      terminatePod(store.copy(pod), graceOf(pod), Loss.REMOVED_BY_CONTROLLER);
    }
  }

  /** A short, stable hash of a pod template, like the ControllerRevision names of the real one. */
  private String templateHash(PodTemplateSpec template) {
    String text = store.serialization().asJson(template);
    int hash = 0x811c9dc5;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return Long.toString(hash & 0xffffffffL, 36);
  }

  /**
   * Creates a pod a controller made as the API server would: through the sidecar injector. A
   * refusal leaves the pod uncreated and the owner's ReplicaFailure condition saying why.
   *
   * @return whether the pod was created
   */
  private boolean createPod(HasMetadata owner, Pod pod) {
    SidecarInjector.Admission admission = injector.admit(pod, placingStartingWorld);
    if (!admission.allowed()) {
      setReplicaFailure(owner, admission.refusal());
      return false;
    }
    store.create(admission.pod());
    return true;
  }

  /**
   * Sets (message) or clears (null) a workload's {@code ReplicaFailure} condition, reason
   * FailedCreate, as the ReplicaSet controller reports a pod the API refused; its transition time
   * is kept while the message stays the same.
   */
  private void setReplicaFailure(HasMetadata owner, String message) {
    @SuppressWarnings("unchecked")
    Class<HasMetadata> type = (Class<HasMetadata>) owner.getClass();
    HasMetadata current =
        store.get(type, owner.getMetadata().getNamespace(), owner.getMetadata().getName()).orElse(null);
    if (current == null) {
      return;
    }
    var json = store.serialization();
    ObjectNode node = (ObjectNode) json.unmarshal(json.asJson(current), JsonNode.class);
    JsonNode conditionsNode = node.path("status").path("conditions");
    int at = -1;
    for (int i = 0; i < conditionsNode.size(); i++) {
      if (REPLICA_FAILURE.equals(conditionsNode.get(i).path("type").asText())) {
        at = i;
      }
    }
    if (message == null) {
      if (at < 0) {
        return;
      }
      ((ArrayNode) conditionsNode).remove(at);
    } else {
      if (at >= 0 && message.equals(conditionsNode.get(at).path("message").asText())) {
        return;
      }
      ObjectNode status = node.path("status") instanceof ObjectNode o ? o : node.putObject("status");
      ArrayNode conditions =
          status.path("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
      ObjectNode condition = conditions.objectNode();
      condition.put("type", REPLICA_FAILURE);
      condition.put("status", "True");
      condition.put("reason", "FailedCreate");
      condition.put("message", message);
      condition.put("lastTransitionTime", ObjectStore.timestamp(store.now()));
      if (at >= 0) {
        conditions.set(at, condition);
      } else {
        conditions.add(condition);
      }
    }
    store.update(json.unmarshal(node.toString(), type));
  }

  private static boolean daemonEligible(Pod probe, Node node) {
    return ObjectFacts.isReady(node)
        && !ObjectFacts.isTerminating(node)
        && ObjectFacts.matchesNodeSelector(probe, node)
        && ObjectFacts.toleratesTaints(probe, node);
  }

  private void schedule(Instant now) {
    List<Pod> pods = store.view(Pod.class);
    List<Node> nodes =
        store.view(Node.class).stream().filter(n -> !ObjectFacts.isTerminating(n)).toList();
    Map<String, Integer> podsOnNode = new HashMap<>();
    Map<String, Map<String, Integer>> ownerPodsOnNode = new HashMap<>();
    for (Pod pod : pods) {
      String node = ObjectFacts.nodeName(pod);
      if (node != null && ObjectFacts.isActive(pod)) {
        count(podsOnNode, ownerPodsOnNode, node, ownerKey(pod));
      }
    }
    List<Pod> pending =
        pods.stream()
            .filter(p -> ObjectFacts.nodeName(p) == null && ObjectFacts.isActive(p))
            .sorted(
                Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp())
                    .thenComparing(p -> p.getMetadata().getName()))
            .map(store::copy)
            .toList();
    for (Pod pod : pending) {
      Optional<FargateProfileSpec> profile = fargateProfileOf(pod);
      if (profile.isPresent()) {
        placeOnFargate(pod, profile.get(), now);
        continue;
      }
      String owner = ownerKey(pod);
      int notReady = 0;
      int cordoned = 0;
      int selector = 0;
      int tainted = 0;
      Node best = null;
      for (Node node : nodes) {
        if (!ObjectFacts.isReady(node)) {
          notReady++;
        } else if (ObjectFacts.isUnschedulable(node)) {
          cordoned++;
        } else if (!ObjectFacts.matchesNodeSelector(pod, node)) {
          selector++;
        } else if (!ObjectFacts.toleratesTaints(pod, node)) {
          tainted++;
        } else if (best == null || better(node, best, owner, podsOnNode, ownerPodsOnNode)) {
          best = node;
        }
      }
      if (best == null) {
        String message = unschedulableMessage(nodes.size(), notReady, cordoned, selector, tainted);
        setCondition(
            pod,
            condition(
                "PodScheduled", "False", "Unschedulable", message, ObjectStore.timestamp(now)));
        store.update(pod);
        continue;
      }
      String nodeName = best.getMetadata().getName();
      pod.getSpec().setNodeName(nodeName);
      setCondition(pod, condition("PodScheduled", "True", null, null, ObjectStore.timestamp(now)));
      store.update(pod);
      count(podsOnNode, ownerPodsOnNode, nodeName, owner);
    }
  }

  private static boolean better(
      Node candidate,
      Node best,
      String owner,
      Map<String, Integer> podsOnNode,
      Map<String, Map<String, Integer>> ownerPodsOnNode) {
    String a = candidate.getMetadata().getName();
    String b = best.getMetadata().getName();
    int ownerA = ownerPodsOnNode.getOrDefault(a, Map.of()).getOrDefault(owner, 0);
    int ownerB = ownerPodsOnNode.getOrDefault(b, Map.of()).getOrDefault(owner, 0);
    if (ownerA != ownerB) {
      return ownerA < ownerB;
    }
    int totalA = podsOnNode.getOrDefault(a, 0);
    int totalB = podsOnNode.getOrDefault(b, 0);
    if (totalA != totalB) {
      return totalA < totalB;
    }
    return a.compareTo(b) < 0;
  }

  private static void count(
      Map<String, Integer> podsOnNode,
      Map<String, Map<String, Integer>> ownerPodsOnNode,
      String node,
      String owner) {
    podsOnNode.merge(node, 1, Integer::sum);
    ownerPodsOnNode.computeIfAbsent(node, k -> new HashMap<>()).merge(owner, 1, Integer::sum);
  }

  /**
   * The pods whose controller is {@code owner}, in the order of {@code pods}: grouped once per
   * list, since filtering every pod for every owner was most of a tick at a thousand pods.
   */
  private List<Pod> owned(List<Pod> pods, HasMetadata owner) {
    if (podsByController == null || podsByControllerOf != pods) {
      Map<String, List<Pod>> index = new HashMap<>();
      for (Pod pod : pods) {
        ObjectFacts.controllerOf(pod)
            .ifPresent(r -> index.computeIfAbsent(r.getUid(), k -> new ArrayList<>()).add(pod));
      }
      podsByController = index;
      podsByControllerOf = pods;
    }
    return podsByController.getOrDefault(owner.getMetadata().getUid(), List.of());
  }

  private static String ownerKey(Pod pod) {
    return ObjectFacts.controllerOf(pod)
        .map(OwnerReference::getUid)
        .orElse("pod:" + pod.getMetadata().getUid());
  }

  private static String unschedulableMessage(
      int nodes, int notReady, int cordoned, int selector, int tainted) {
    List<String> reasons = new ArrayList<>();
    if (notReady > 0) {
      reasons.add(notReady + " node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
    }
    if (cordoned > 0) {
      reasons.add(cordoned + " node(s) were unschedulable");
    }
    if (selector > 0) {
      reasons.add(selector + " node(s) didn't match Pod's node affinity/selector");
    }
    if (tainted > 0) {
      reasons.add(tainted + " node(s) had untolerated taint");
    }
    return "0/"
        + nodes
        + " nodes are available"
        + (reasons.isEmpty() ? "." : ": " + String.join(", ", reasons) + ".");
  }

  private void startPods(Instant now, boolean initial) {
    Map<String, Node> nodes = new HashMap<>();
    store.view(Node.class).forEach(n -> nodes.put(n.getMetadata().getName(), n));
    for (Pod pod : store.view(Pod.class)) {
      String nodeName = ObjectFacts.nodeName(pod);
      Node node = nodeName == null ? null : nodes.get(nodeName);
      if (node == null
          || !ObjectFacts.isReady(node)
          || !ObjectFacts.isActive(pod)
          || !"Pending".equals(ObjectFacts.phase(pod))) {
        continue;
      }
      Instant scheduled = scheduledAt(pod);
      Instant readyAt = initial ? now : scheduled.plus(isFargate(node) ? fargatePodStart : podStart);
      if (readyAt.isAfter(now)) {
        continue;
      }
      Pod started = store.copy(pod);
      run(started, node, initial ? now : scheduled, readyAt);
      store.update(started);
    }
  }

  private static Instant scheduledAt(Pod pod) {
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType())
            && "True".equals(c.getStatus())
            && c.getLastTransitionTime() != null) {
          return ObjectStore.instant(c.getLastTransitionTime());
        }
      }
    }
    return ObjectStore.instant(pod.getMetadata().getCreationTimestamp());
  }

  /** What the kubelet reports once the containers run and pass their readiness probes. */
  private void run(Pod pod, Node node, Instant started, Instant ready) {
    String since = ObjectStore.timestamp(ready);
    String hostIp =
        node.getStatus().getAddresses() == null
            ? null
            : node.getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElse(null);
    int n = addresses++;
    String podIp = "10.0." + (100 + n / 250) + "." + (n % 250 + 2);
    List<ContainerStatus> containers = new ArrayList<>();
    pod.getSpec()
        .getContainers()
        .forEach(
            c ->
                containers.add(
                    new ContainerStatusBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .withImageID(c.getImage())
                        .withContainerID(
                            "containerd://" + pod.getMetadata().getUid().replace("-", ""))
                        .withReady(true)
                        .withStarted(true)
                        .withRestartCount(0)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(ObjectStore.timestamp(started))
                        .endRunning()
                        .endState()
                        .build()));
    if (pod.getStatus() == null) {
      pod.setStatus(new PodStatus());
    }
    PodStatus status = pod.getStatus();
    status.setPhase("Running");
    status.setHostIP(hostIp);
    status.setPodIP(podIp);
    status.setStartTime(ObjectStore.timestamp(started));
    status.setContainerStatuses(containers);
    setCondition(
        pod, condition("PodScheduled", "True", null, null, ObjectStore.timestamp(started)));
    setCondition(pod, condition("Initialized", "True", null, null, ObjectStore.timestamp(started)));
    setCondition(pod, condition("ContainersReady", "True", null, null, since));
    setCondition(pod, condition("Ready", "True", null, null, since));
  }

  private static PodCondition condition(
      String type, String status, String reason, String message, String since) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(since)
        .build();
  }

  /** Sets a condition, keeping the old one (and its transition time) when nothing changed. */
  private static void setCondition(Pod pod, PodCondition condition) {
    if (pod.getStatus() == null) {
      pod.setStatus(new PodStatus());
    }
    List<PodCondition> conditions =
        pod.getStatus().getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(pod.getStatus().getConditions());
    for (int i = 0; i < conditions.size(); i++) {
      PodCondition c = conditions.get(i);
      if (condition.getType().equals(c.getType())) {
        boolean same =
            Objects.equals(c.getStatus(), condition.getStatus())
                && Objects.equals(c.getReason(), condition.getReason())
                && Objects.equals(c.getMessage(), condition.getMessage());
        if (!same) {
          conditions.set(i, condition);
        }
        pod.getStatus().setConditions(conditions);
        return;
      }
    }
    conditions.add(condition);
    pod.getStatus().setConditions(conditions);
  }

  private void updateWorkloadStatuses() {
    List<Pod> pods = store.view(Pod.class);
    List<Node> nodes = store.view(Node.class);
    // Read from the shared views and written only when a status changed: most ticks change none,
    // and writing every workload back every tick was most of what remained of a tick.
    for (ReplicaSet rs : store.view(ReplicaSet.class)) {
      List<Pod> owned =
          owned(pods, rs).stream().filter(ObjectFacts::isActive).toList();
      int ready = (int) owned.stream().filter(ObjectFacts::isReady).count();
      ReplicaSetStatus status = new ReplicaSetStatus();
      status.setReplicas(owned.size());
      status.setFullyLabeledReplicas(owned.size());
      status.setReadyReplicas(ready);
      status.setAvailableReplicas(ready);
      status.setObservedGeneration(rs.getMetadata().getGeneration());
      status.setConditions(rs.getStatus() == null ? null : rs.getStatus().getConditions());
      if (!status.equals(rs.getStatus())) {
        ReplicaSet changed = store.copy(rs);
        changed.setStatus(status);
        store.update(changed);
      }
    }
    List<ReplicaSet> replicaSets = store.view(ReplicaSet.class);
    for (Deployment deployment : store.view(Deployment.class)) {
      int replicas = 0;
      int ready = 0;
      ReplicaSet newest = null;
      for (ReplicaSet rs : replicaSets) {
        if (ObjectFacts.ownedBy(rs, deployment) && rs.getStatus() != null) {
          replicas += rs.getStatus().getReplicas();
          ready += rs.getStatus().getReadyReplicas();
          if (newest == null || revisionOf(rs) > revisionOf(newest)) {
            newest = rs;
          }
        }
      }
      DeploymentStatus status = new DeploymentStatus();
      status.setReplicas(replicas);
      status.setUpdatedReplicas(newest == null ? 0 : newest.getStatus().getReplicas());
      status.setReadyReplicas(ready);
      status.setAvailableReplicas(ready);
      status.setUnavailableReplicas(
          Math.max(
              0,
              (deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas())
                  - ready));
      status.setObservedGeneration(deployment.getMetadata().getGeneration());
      status.setConditions(replicaFailureOf(deployment, replicaSets));
      if (!status.equals(deployment.getStatus())) {
        Deployment changed = store.copy(deployment);
        changed.setStatus(status);
        store.update(changed);
      }
    }
    for (StatefulSet sts : store.list(StatefulSet.class)) {
      List<Pod> owned =
          pods.stream()
              .filter(p -> ObjectFacts.ownedBy(p, sts) && ObjectFacts.isActive(p))
              .toList();
      int ready = (int) owned.stream().filter(ObjectFacts::isReady).count();
      StatefulSetStatus status = new StatefulSetStatus();
      status.setReplicas(owned.size());
      status.setCurrentReplicas(owned.size());
      status.setUpdatedReplicas(owned.size());
      status.setReadyReplicas(ready);
      status.setAvailableReplicas(ready);
      status.setObservedGeneration(sts.getMetadata().getGeneration());
      status.setConditions(sts.getStatus() == null ? null : sts.getStatus().getConditions());
      sts.setStatus(status);
      store.update(sts);
    }
    for (DaemonSet ds : store.list(DaemonSet.class)) {
      Pod probe = Manifests.pod(ds, ds.getSpec().getTemplate(), "probe", Map.of());
      int desired = (int) nodes.stream().filter(n -> daemonEligible(probe, n)).count();
      List<Pod> owned =
          owned(pods, ds).stream().filter(ObjectFacts::isActive).toList();
      int ready = (int) owned.stream().filter(ObjectFacts::isReady).count();
      String hash = templateHash(ds.getSpec().getTemplate());
      DaemonSetStatus status = new DaemonSetStatus();
      status.setDesiredNumberScheduled(desired);
      status.setCurrentNumberScheduled(owned.size());
      status.setUpdatedNumberScheduled(
          (int) owned.stream().filter(p -> hash.equals(ObjectFacts.labels(p).get(REVISION_HASH))).count());
      status.setNumberReady(ready);
      status.setNumberAvailable(ready);
      status.setNumberMisscheduled(0);
      status.setObservedGeneration(ds.getMetadata().getGeneration());
      status.setConditions(ds.getStatus() == null ? null : ds.getStatus().getConditions());
      ds.setStatus(status);
      store.update(ds);
    }
  }

  /**
   * A Deployment's conditions with its ReplicaSets' ReplicaFailure surfaced, as the deployment
   * controller does; gone again once no ReplicaSet reports one.
   */
  private static List<DeploymentCondition> replicaFailureOf(Deployment deployment, List<ReplicaSet> replicaSets) {
    List<DeploymentCondition> conditions = new ArrayList<>();
    if (deployment.getStatus() != null && deployment.getStatus().getConditions() != null) {
      deployment.getStatus().getConditions().stream()
          .filter(c -> !REPLICA_FAILURE.equals(c.getType()))
          .forEach(conditions::add);
    }
    replicaSets.stream()
        .filter(rs -> ObjectFacts.ownedBy(rs, deployment) && rs.getStatus() != null && rs.getStatus().getConditions() != null)
        .flatMap(rs -> rs.getStatus().getConditions().stream())
        .filter(c -> REPLICA_FAILURE.equals(c.getType()))
        .findFirst()
        .ifPresent(
            c ->
                conditions.add(
                    new DeploymentConditionBuilder()
                        .withType(REPLICA_FAILURE)
                        .withStatus(c.getStatus())
                        .withReason(c.getReason())
                        .withMessage(c.getMessage())
                        .withLastTransitionTime(c.getLastTransitionTime())
                        .withLastUpdateTime(c.getLastTransitionTime())
                        .build()));
    return conditions.isEmpty() ? null : conditions;
  }

  private static Set<String> uids(List<? extends HasMetadata> objects) {
    return objects.stream()
        .map(o -> o.getMetadata().getUid())
        .collect(Collectors.toCollection(HashSet::new));
  }
}
