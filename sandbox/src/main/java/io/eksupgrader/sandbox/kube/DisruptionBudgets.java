package io.eksupgrader.sandbox.kube;

import io.eksupgrader.sandbox.kube.PdbBreach.Loss;
import io.eksupgrader.sandbox.kube.PdbBreach.LostPod;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * PodDisruptionBudgets: the disruption controller's status and the eviction subresource's check,
 * after k8s.io/kubernetes pkg/controller/disruption and pkg/registry/core/pod/storage/eviction.go.
 *
 * <p>Status, for each budget: the selected pods are the pods of its namespace its selector matches.
 * {@code expectedPods} is the number of selected pods when minAvailable is an integer, otherwise
 * the desired replicas of the selected pods' controllers (a Deployment's replicas for its
 * ReplicaSets), one per pod without a controller. {@code desiredHealthy} is minAvailable, or
 * expectedPods minus maxUnavailable, percentages rounded up. {@code currentHealthy} counts the
 * selected pods that are Ready, not terminating and not in {@code disruptedPods} (evictions
 * accepted but not yet seen through). {@code disruptionsAllowed = max(0, currentHealthy -
 * desiredHealthy)}.
 *
 * <p>Eviction: a pod that is Pending, finished or already terminating is deleted without a check.
 * Otherwise more than one selecting budget is a 500; a not-Ready pod may go while the budget is
 * met; else the budget must allow a disruption (429 when it allows none), which the eviction
 * consumes at once by decrementing disruptionsAllowed and recording the pod in disruptedPods.
 *
 * <p>Breaches: after every refresh, a budget whose currentHealthy is below desiredHealthy while
 * pods it counted healthy at the previous refresh are no longer healthy is recorded as a {@link
 * PdbBreach}, naming those pods and how each was lost.
 */
final class DisruptionBudgets {

  /** The disruption controller forgets an accepted eviction whose pod was not deleted by then. */
  static final Duration DISRUPTED_POD_TIMEOUT = Duration.ofMinutes(2);

  static final String MORE_THAN_ONE_PDB =
      "This pod has more than one PodDisruptionBudget, which the eviction subresource does not"
          + " support.";
  static final String WOULD_VIOLATE =
      "Cannot evict pod as it would violate the pod's disruption budget.";
  static final String DISRUPTION_BUDGET_CAUSE = "DisruptionBudget";

  /**
   * The eviction subresource's verdict.
   *
   * @param refusal the Status to answer, or null when the pod may go
   * @param retryAfterSeconds for a Retry-After header, 0 for none
   */
  record Admission(Status refusal, int retryAfterSeconds) {
    static final Admission ALLOWED = new Admission(null, 0);

    boolean allowed() {
      return refusal == null;
    }
  }

  private final ObjectStore store;
  private final Map<String, Loss> losses = new HashMap<>();
  private final Map<String, Map<String, Pod>> healthyAtLastRefresh = new HashMap<>();
  private final List<PdbBreach> breaches = new CopyOnWriteArrayList<>();

  DisruptionBudgets(ObjectStore store) {
    this.store = store;
  }

  List<PdbBreach> breaches() {
    return List.copyOf(breaches);
  }

  /** Remembers why a pod is going away; the first reason given wins. */
  void recordLoss(Pod pod, Loss how) {
    losses.putIfAbsent(pod.getMetadata().getUid(), how);
  }

  List<PodDisruptionBudget> selecting(Pod pod) {
    Map<String, String> labels = ObjectFacts.labels(pod);
    return store.list(PodDisruptionBudget.class, pod.getMetadata().getNamespace()).stream()
        .filter(
            pdb ->
                pdb.getSpec() != null && ObjectFacts.selects(pdb.getSpec().getSelector(), labels))
        .toList();
  }

  /** The eviction subresource's check; consumes a disruption unless dryRun. */
  Admission admit(Pod pod, boolean dryRun) {
    String phase = ObjectFacts.phase(pod);
    if (phase.equals("Pending") || ObjectFacts.isFinished(pod) || ObjectFacts.isTerminating(pod)) {
      return Admission.ALLOWED;
    }
    List<PodDisruptionBudget> pdbs = selecting(pod);
    if (pdbs.size() > 1) {
      return new Admission(ApiStatus.internalError(MORE_THAN_ONE_PDB), 0);
    }
    if (pdbs.isEmpty()) {
      return Admission.ALLOWED;
    }
    PodDisruptionBudget pdb = pdbs.get(0);
    String name = pdb.getMetadata().getName();
    PodDisruptionBudgetStatus status = pdb.getStatus();
    if (!ObjectFacts.isReady(pod)) {
      if ("AlwaysAllow".equals(pdb.getSpec().getUnhealthyPodEvictionPolicy())) {
        return Admission.ALLOWED;
      }
      if (status != null
          && intOf(status.getDesiredHealthy()) > 0
          && intOf(status.getCurrentHealthy()) >= intOf(status.getDesiredHealthy())) {
        return Admission.ALLOWED;
      }
    }
    if (status == null
        || status.getObservedGeneration() == null
        || status.getObservedGeneration()
            < Objects.requireNonNullElse(pdb.getMetadata().getGeneration(), 0L)) {
      Status refusal =
          ApiStatus.tooManyRequests(
              WOULD_VIOLATE,
              DISRUPTION_BUDGET_CAUSE,
              "The disruption budget " + name + " is still being processed by the server.");
      refusal.getDetails().setRetryAfterSeconds(10);
      return new Admission(refusal, 10);
    }
    int allowed = intOf(status.getDisruptionsAllowed());
    if (allowed < 0) {
      return new Admission(
          ApiStatus.forbidden(
              "poddisruptionbudgets.policy \""
                  + name
                  + "\" is forbidden: pdb disruptions allowed is negative"),
          0);
    }
    if (allowed == 0) {
      return new Admission(
          ApiStatus.tooManyRequests(
              WOULD_VIOLATE,
              DISRUPTION_BUDGET_CAUSE,
              "The disruption budget "
                  + name
                  + " needs "
                  + intOf(status.getDesiredHealthy())
                  + " healthy pods and has "
                  + intOf(status.getCurrentHealthy())
                  + " currently"),
          0);
    }
    if (!dryRun) {
      status.setDisruptionsAllowed(allowed - 1);
      Map<String, String> disrupted =
          status.getDisruptedPods() == null
              ? new LinkedHashMap<>()
              : new LinkedHashMap<>(status.getDisruptedPods());
      disrupted.put(pod.getMetadata().getName(), ObjectStore.timestamp(store.now()));
      status.setDisruptedPods(disrupted);
      status.setConditions(disruptionAllowedCondition(status.getConditions(), allowed - 1 > 0));
      store.update(pdb);
    }
    return Admission.ALLOWED;
  }

  /** Recomputes every budget's status from the pods and records breaches. */
  void refresh() {
    Instant now = store.now();
    List<Pod> pods = store.view(Pod.class);
    Scales scales = new Scales(pods);
    Map<String, List<Pod>> podsByLabel = byLabel(pods);
    Set<String> existing =
        pods.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    Set<String> budgetsSeen = new HashSet<>();
    for (PodDisruptionBudget pdb : store.list(PodDisruptionBudget.class)) {
      budgetsSeen.add(pdb.getMetadata().getUid());
      Map<String, Pod> healthy = refresh(pdb, pods, podsByLabel, scales, now);
      Map<String, Pod> before =
          healthyAtLastRefresh.getOrDefault(pdb.getMetadata().getUid(), Map.of());
      List<LostPod> lost = new ArrayList<>();
      for (Map.Entry<String, Pod> e : before.entrySet()) {
        if (!healthy.containsKey(e.getKey())) {
          Pod p = e.getValue();
          Loss how =
              losses.getOrDefault(
                  e.getKey(), existing.contains(e.getKey()) ? Loss.NOT_READY : Loss.DELETED);
          lost.add(
              new LostPod(
                  p.getMetadata().getNamespace(),
                  p.getMetadata().getName(),
                  e.getKey(),
                  ObjectFacts.nodeName(p),
                  how));
        }
      }
      int current = intOf(pdb.getStatus().getCurrentHealthy());
      int desired = intOf(pdb.getStatus().getDesiredHealthy());
      if (current < desired && !lost.isEmpty()) {
        breaches.add(
            new PdbBreach(
                pdb.getMetadata().getNamespace(),
                pdb.getMetadata().getName(),
                now,
                current,
                desired,
                lost));
      }
      healthyAtLastRefresh.put(pdb.getMetadata().getUid(), healthy);
    }
    healthyAtLastRefresh.keySet().retainAll(budgetsSeen);
    losses.keySet().retainAll(existing);
  }

  /**
   * The pods that carry one of the budget's matchLabels, in the order of {@code pods} (all of them
   * when it has none): a superset of what it selects, found without testing every pod against
   * every budget on every refresh.
   */
  private static List<Pod> candidates(
      PodDisruptionBudget pdb, List<Pod> pods, Map<String, List<Pod>> podsByLabel) {
    LabelSelector selector = pdb.getSpec() == null ? null : pdb.getSpec().getSelector();
    if (selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()) {
      return pods;
    }
    Map.Entry<String, String> first = selector.getMatchLabels().entrySet().iterator().next();
    return podsByLabel.getOrDefault(first.getKey() + "=" + first.getValue(), List.of());
  }

  private static Map<String, List<Pod>> byLabel(List<Pod> pods) {
    Map<String, List<Pod>> index = new HashMap<>();
    for (Pod pod : pods) {
      for (Map.Entry<String, String> label : ObjectFacts.labels(pod).entrySet()) {
        index.computeIfAbsent(label.getKey() + "=" + label.getValue(), k -> new ArrayList<>()).add(pod);
      }
    }
    return index;
  }

  private Map<String, Pod> refresh(
      PodDisruptionBudget pdb,
      List<Pod> pods,
      Map<String, List<Pod>> podsByLabel,
      Scales scales,
      Instant now) {
    String namespace = pdb.getMetadata().getNamespace();
    List<Pod> selected =
        candidates(pdb, pods, podsByLabel).stream()
            .filter(p -> Objects.equals(p.getMetadata().getNamespace(), namespace))
            .filter(p -> ObjectFacts.selects(pdb.getSpec().getSelector(), ObjectFacts.labels(p)))
            .toList();
    IntOrString minAvailable = pdb.getSpec().getMinAvailable();
    IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
    int expected;
    int desired;
    if (maxUnavailable != null) {
      expected = scales.expected(selected);
      desired = Math.max(0, expected - scaled(maxUnavailable, expected));
    } else if (minAvailable != null && minAvailable.getIntVal() != null) {
      expected = selected.size();
      desired = minAvailable.getIntVal();
    } else if (minAvailable != null) {
      expected = scales.expected(selected);
      desired = scaled(minAvailable, expected);
    } else {
      expected = selected.size();
      desired = 0;
    }
    PodDisruptionBudgetStatus old = pdb.getStatus();
    Map<String, String> disrupted =
        old == null || old.getDisruptedPods() == null ? Map.of() : old.getDisruptedPods();
    Map<String, String> stillDisrupted = new LinkedHashMap<>();
    Map<String, Pod> healthy = new LinkedHashMap<>();
    for (Pod pod : selected) {
      if (ObjectFacts.isTerminating(pod)) {
        continue;
      }
      String since = disrupted.get(pod.getMetadata().getName());
      if (since != null) {
        if (ObjectStore.instant(since).plus(DISRUPTED_POD_TIMEOUT).isAfter(now)) {
          stillDisrupted.put(pod.getMetadata().getName(), since);
          continue;
        }
      }
      if (ObjectFacts.isReady(pod)) {
        healthy.put(pod.getMetadata().getUid(), pod);
      }
    }
    int allowed = expected <= 0 ? 0 : Math.max(0, healthy.size() - desired);
    PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
    status.setObservedGeneration(pdb.getMetadata().getGeneration());
    status.setExpectedPods(expected);
    status.setDesiredHealthy(desired);
    status.setCurrentHealthy(healthy.size());
    status.setDisruptionsAllowed(allowed);
    status.setDisruptedPods(stillDisrupted);
    status.setConditions(
        disruptionAllowedCondition(old == null ? null : old.getConditions(), allowed > 0));
    pdb.setStatus(status);
    store.update(pdb);
    return healthy;
  }

  private List<Condition> disruptionAllowedCondition(List<Condition> previous, boolean allowed) {
    String value = allowed ? "True" : "False";
    String reason = allowed ? "SufficientPods" : "InsufficientPods";
    if (previous != null) {
      for (Condition c : previous) {
        if ("DisruptionAllowed".equals(c.getType()) && value.equals(c.getStatus())) {
          return List.of(c);
        }
      }
    }
    return List.of(
        new ConditionBuilder()
            .withType("DisruptionAllowed")
            .withStatus(value)
            .withReason(reason)
            .withMessage("")
            .withLastTransitionTime(ObjectStore.timestamp(store.now()))
            .build());
  }

  /** intstr.GetScaledValueFromIntOrPercent with roundUp, as the disruption controller calls it. */
  static int scaled(IntOrString value, int total) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String text = value.getStrVal().trim();
    int percent =
        Integer.parseInt(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
    return (int) Math.ceil(percent * (double) total / 100.0);
  }

  private static int intOf(Integer value) {
    return value == null ? 0 : value;
  }

  /** The desired replicas of the controllers that own pods. */
  private final class Scales {
    private final Map<String, ReplicaSet> replicaSets;
    private final Map<String, Deployment> deployments;
    private final Map<String, StatefulSet> statefulSets;
    private final Map<String, DaemonSet> daemonSets;
    private final Map<String, Long> podsPerController;

    Scales(List<Pod> pods) {
      replicaSets = byUid(store.view(ReplicaSet.class), r -> r.getMetadata().getUid());
      deployments = byUid(store.view(Deployment.class), d -> d.getMetadata().getUid());
      statefulSets = byUid(store.view(StatefulSet.class), s -> s.getMetadata().getUid());
      daemonSets = byUid(store.view(DaemonSet.class), d -> d.getMetadata().getUid());
      podsPerController =
          pods.stream()
              .flatMap(p -> ObjectFacts.controllerOf(p).stream())
              .collect(Collectors.groupingBy(OwnerReference::getUid, Collectors.counting()));
    }

    /**
     * The sum of the scales of the selected pods' controllers, each counted once, as the disruption
     * controller's getExpectedScale does: the pods of a Deployment's old and new ReplicaSets during
     * a rollout count the Deployment's replicas once, not each ReplicaSet's.
     */
    int expected(List<Pod> selected) {
      Set<String> counted = new HashSet<>();
      int total = 0;
      for (Pod pod : selected) {
        OwnerReference owner = ObjectFacts.controllerOf(pod).orElse(null);
        if (owner == null) {
          total += 1;
        } else if (counted.add(scaleKey(owner))) {
          total += scaleOf(owner);
        }
      }
      return total;
    }

    /** The uid of the object whose scale counts: a ReplicaSet's Deployment, else the owner itself. */
    private String scaleKey(OwnerReference owner) {
      if ("ReplicaSet".equals(owner.getKind())) {
        ReplicaSet rs = replicaSets.get(owner.getUid());
        OwnerReference parent = rs == null ? null : ObjectFacts.controllerOf(rs).orElse(null);
        if (parent != null && "Deployment".equals(parent.getKind()) && deployments.containsKey(parent.getUid())) {
          return parent.getUid();
        }
      }
      return owner.getUid();
    }

    private int scaleOf(OwnerReference owner) {
      switch (owner.getKind()) {
        case "ReplicaSet" -> {
          ReplicaSet rs = replicaSets.get(owner.getUid());
          if (rs != null) {
            OwnerReference parent = ObjectFacts.controllerOf(rs).orElse(null);
            if (parent != null
                && "Deployment".equals(parent.getKind())
                && deployments.containsKey(parent.getUid())) {
              return intOf(deployments.get(parent.getUid()).getSpec().getReplicas());
            }
            return intOf(rs.getSpec().getReplicas());
          }
        }
        case "StatefulSet" -> {
          StatefulSet sts = statefulSets.get(owner.getUid());
          if (sts != null) {
            return intOf(sts.getSpec().getReplicas());
          }
        }
        case "DaemonSet" -> {
          DaemonSet ds = daemonSets.get(owner.getUid());
          if (ds != null
              && ds.getStatus() != null
              && ds.getStatus().getDesiredNumberScheduled() != null) {
            return ds.getStatus().getDesiredNumberScheduled();
          }
        }
        default -> {}
      }
      return podsPerController.getOrDefault(owner.getUid(), 0L).intValue();
    }

    private static <T> Map<String, T> byUid(List<T> objects, Function<T, String> uid) {
      Map<String, T> map = new HashMap<>();
      objects.forEach(o -> map.put(uid.apply(o), o));
      return map;
    }
  }
}
