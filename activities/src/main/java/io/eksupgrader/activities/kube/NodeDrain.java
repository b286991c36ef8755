package io.eksupgrader.activities.kube;

import com.uber.m3.tally.Scope;
import io.eksupgrader.activities.metrics.ActivityMetrics;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.DrainBlockage;
import io.eksupgrader.workflows.model.DrainBlockage.BlockedPod;
import io.eksupgrader.workflows.model.DrainBlockage.PdbStatus;
import io.eksupgrader.workflows.model.DrainNodeRequest;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at draining one node, like {@code kubectl drain} after the cordon.
 *
 * <ol>
 *   <li>Resume: the heartbeat of an earlier attempt gives the drain's start (the per-node timeout
 *       counts from there) and the pods already evicted or deleted, which are never asked for
 *       again, only waited on.
 *   <li>List the node's pods ({@code spec.nodeName} field selector) and decide each one's fate
 *       ({@link DrainPlan}). If the options refuse any pod, stop before touching anything and
 *       fail naming all of them.
 *   <li>Evict every other pod at once (a bounded pool), each with an explicit {@code policy/v1}
 *       Eviction. A 429 (a PodDisruptionBudget allows no disruption now) is asked again after the
 *       retry interval until the timeout; the pod is looked up before each new try, and a pod
 *       that went away or was replaced (another UID) counts as gone. A 500 (more than one budget
 *       selects the pod) cannot succeed by waiting: the pod blocks. A 404 means already gone.
 *       Pods an operator decided to force are deleted with a UID precondition instead, so that a
 *       replacement with the same name is never hit.
 *   <li>After an accepted eviction, wait until no pod with that UID exists.
 *   <li>Meanwhile heartbeat the progress on every change and at least every heartbeat interval;
 *       a heartbeat that throws (the activity was cancelled or timed out) stops every eviction
 *       and the exception goes on.
 *   <li>At the end, pods refused past the timeout, blocked by two budgets or still terminating
 *       fail the drain with {@link FailureTypes#DRAIN_BLOCKED}, naming each pod and the budgets
 *       that select it with their status read at that moment. Any other API error stops the
 *       evictions and fails the attempt as retryable; the next attempt resumes from the
 *       heartbeat.
 * </ol>
 *
 * <p>Accepted evictions, 429 refusals and forced deletions are counted in the activity's metrics
 * scope ({@link ActivityMetrics}); the eviction threads use the context's scope, since the
 * thread-bound {@code Activity.getExecutionContext()} is not theirs.
 */
final class NodeDrain {

  private static final Logger log = LoggerFactory.getLogger(NodeDrain.class);

  private enum Fate {
    EVICTED,
    FORCE_DELETED,
    ALREADY_GONE,
    BLOCKED,
    STOPPED
  }

  private record Outcome(Pod pod, Fate fate, String reason) {}

  private final KubernetesClient client;
  private final DrainNodeRequest request;
  private final DrainOptions options;
  private final DrainSettings settings;
  private final ActivityExecutionContext context;
  private final Scope metrics;
  private final Clock clock;
  private final String node;
  private final long startedAtEpochMilli;
  private final Instant deadline;

  // Progress, shared with the eviction threads; guarded by this.
  private final Set<String> evicted = new TreeSet<>();
  private final Set<String> forced = new TreeSet<>();
  private final Set<String> gone = new TreeSet<>();
  private final Map<String, String> recentRefusals = new TreeMap<>();
  private int refusedEvictions;
  private int skippedDaemonSet;
  private int skippedMirror;
  private final AtomicInteger pending = new AtomicInteger();

  /** Released on every change of progress, so that the activity thread heartbeats it soon. */
  private final Semaphore changes = new Semaphore(0);

  private volatile boolean stopped;

  NodeDrain(
      KubernetesClient client,
      DrainNodeRequest request,
      DrainSettings settings,
      ActivityExecutionContext context,
      Clock clock) {
    this.client = client;
    this.request = request;
    this.options = request.options() != null ? request.options() : DrainOptions.defaults();
    this.settings = settings;
    this.context = context;
    this.metrics = context.getMetricsScope();
    this.clock = clock;
    this.node = request.node();
    DrainProgress resumed =
        context
            .getHeartbeatDetails(DrainProgress.class)
            .filter(p -> node.equals(p.node()))
            .orElse(null);
    if (resumed != null) {
      startedAtEpochMilli = resumed.startedAtEpochMilli();
      evicted.addAll(resumed.evictedUids());
      forced.addAll(resumed.forceDeletedUids());
      gone.addAll(resumed.alreadyGoneUids());
      refusedEvictions = resumed.refusedEvictions();
      log.info(
          "{}: resuming the drain started at {}: {} evicted, {} force-deleted so far",
          node,
          Instant.ofEpochMilli(startedAtEpochMilli),
          evicted.size(),
          forced.size());
    } else {
      startedAtEpochMilli = clock.millis();
    }
    deadline =
        Instant.ofEpochMilli(startedAtEpochMilli).plusSeconds(options.timeoutSecondsOrDefault());
  }

  DrainNodeResult run() {
    List<Pod> pods =
        client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems();
    Set<String> forceUids =
        request.forceDeletePodUids() == null ? Set.of() : Set.copyOf(request.forceDeletePodUids());
    DrainPlan plan = DrainPlan.of(pods, options, forceUids);
    synchronized (this) {
      skippedDaemonSet = plan.skippedDaemonSet().size();
      skippedMirror = plan.skippedMirror().size();
    }
    if (!plan.refused().isEmpty()) {
      heartbeat();
      throw blocked(
          plan.refused().stream().map(r -> new Outcome(r.pod(), Fate.BLOCKED, r.reason())).toList());
    }
    List<Pod> work = new ArrayList<>(plan.forceDelete());
    work.addAll(plan.evict());
    pending.set(work.size());
    log.info(
        "{}: draining {} pods ({} to force-delete), skipping {} DaemonSet and {} mirror pods",
        node,
        work.size(),
        plan.forceDelete().size(),
        skippedDaemonSet,
        skippedMirror);
    Set<String> forcing =
        plan.forceDelete().stream().map(PodFacts::uid).collect(Collectors.toUnmodifiableSet());
    List<Outcome> outcomes = work.isEmpty() ? List.of() : runAll(work, forcing);
    heartbeat();
    List<Outcome> blocked = outcomes.stream().filter(o -> o.fate() == Fate.BLOCKED).toList();
    if (!blocked.isEmpty()) {
      throw blocked(blocked);
    }
    synchronized (this) {
      log.info(
          "{}: drained: {} evicted, {} force-deleted, {} already gone, {} refusals retried",
          node,
          evicted.size(),
          forced.size(),
          gone.size(),
          refusedEvictions);
      return new DrainNodeResult(
          node,
          evicted.size(),
          forced.size(),
          gone.size(),
          skippedDaemonSet,
          skippedMirror,
          refusedEvictions);
    }
  }

  /**
   * Evicts or deletes every pod concurrently while this thread heartbeats. The first unexpected
   * API error stops the others and is thrown once they have stopped.
   */
  private List<Outcome> runAll(List<Pod> work, Set<String> forceUids) {
    AtomicInteger threads = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(settings.evictionConcurrency(), work.size()),
            r -> {
              Thread t = new Thread(r, "drain-" + node + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (Pod pod : work) {
        boolean force = forceUids.contains(PodFacts.uid(pod));
        futures.add(
            pool.submit(
                () -> {
                  try {
                    return force ? forceDelete(pod) : evict(pod);
                  } catch (InterruptedException e) {
                    return new Outcome(pod, Fate.STOPPED, null);
                  } catch (RuntimeException e) {
                    if (!stopped) {
                      failure.compareAndSet(null, e);
                    }
                    return new Outcome(pod, Fate.STOPPED, null);
                  } finally {
                    pending.decrementAndGet();
                    changes.release();
                  }
                }));
      }
      heartbeat();
      while (!futures.stream().allMatch(Future::isDone)) {
        if (changes.tryAcquire(settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS)) {
          changes.drainPermits();
        }
        heartbeat();
        if (failure.get() != null && !stopped) {
          log.warn("{}: stopping the drain after an API error: {}", node, failure.get().getMessage());
          stopped = true;
          pool.shutdownNow();
        }
      }
      if (failure.get() != null) {
        heartbeat();
        throw failure.get();
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        outcomes.add(f.get());
      }
      return outcomes;
    } catch (ActivityCompletionException e) {
      log.info("{}: drain stopped: {}", node, e.getClass().getSimpleName());
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(node + ": drain interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(node + ": eviction failed", e.getCause());
    } finally {
      stopped = true;
      pool.shutdownNow();
    }
  }

  private Outcome evict(Pod pod) throws InterruptedException {
    String uid = PodFacts.uid(pod);
    String key = PodFacts.key(pod);
    boolean evictedEarlier;
    synchronized (this) {
      evictedEarlier = evicted.contains(uid);
    }
    if (!evictedEarlier && PodFacts.isTerminating(pod)) {
      // Already on its way out: most likely an attempt that was killed after its eviction was
      // accepted and before it could heartbeat. Evicting again would only repeat that call.
      log.info("{}: {} is already terminating; waiting until it is gone", node, key);
      Outcome waited = awaitGone(pod, Fate.ALREADY_GONE);
      return waited.fate() == Fate.ALREADY_GONE ? alreadyGone(pod) : waited;
    }
    if (!evictedEarlier) {
      Outcome ended = evictUntilAccepted(pod);
      if (ended != null) {
        return ended;
      }
    } else {
      log.info("{}: {} was evicted by an earlier attempt; waiting until it is gone", node, key);
    }
    return awaitGone(pod, Fate.EVICTED);
  }

  /** Asks for the eviction until it is accepted (null) or the pod's fate is otherwise decided. */
  private Outcome evictUntilAccepted(Pod pod) throws InterruptedException {
    String uid = PodFacts.uid(pod);
    String key = PodFacts.key(pod);
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    while (true) {
      if (stopped) {
        return new Outcome(pod, Fate.STOPPED, null);
      }
      if (!clock.instant().isBefore(deadline)) {
        return new Outcome(pod, Fate.BLOCKED, refusedReason());
      }
      try {
        if (client.pods().inNamespace(namespace).withName(name).evict(eviction(pod))) {
          log.info("{}: evicted {} ({})", node, key, uid);
          metrics.counter(ActivityMetrics.DRAIN_EVICTIONS).inc(1);
          record(() -> {
            evicted.add(uid);
            recentRefusals.remove(key);
          });
          return null;
        }
        log.info(
            "{}: eviction of {} refused (429), retrying in {}",
            node,
            key,
            settings.evictionRetryInterval());
        metrics.counter(ActivityMetrics.DRAIN_EVICTION_REFUSALS).inc(1);
        record(() -> {
          refusedEvictions++;
          recentRefusals.put(key, clock.instant().toString());
        });
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404 || e.getCode() == 409) {
          // 409: the UID precondition failed, so the pod we listed is no longer there.
          return alreadyGone(pod);
        }
        if (e.getCode() == 500 && moreThanOneBudget(e, pod)) {
          log.info("{}: eviction of {} refused (500): more than one disruption budget", node, key);
          return new Outcome(pod, Fate.BLOCKED, null);
        }
        throw e;
      }
      long wait =
          Math.min(
              settings.evictionRetryInterval().toMillis(),
              Math.max(0, Duration.between(clock.instant(), deadline).toMillis()));
      if (wait > 0) {
        Thread.sleep(wait);
      }
      Pod current = client.pods().inNamespace(namespace).withName(name).get();
      if (current == null || !uid.equals(PodFacts.uid(current))) {
        return alreadyGone(pod);
      }
    }
  }

  private Outcome forceDelete(Pod pod) throws InterruptedException {
    String uid = PodFacts.uid(pod);
    String key = PodFacts.key(pod);
    boolean deletedEarlier;
    synchronized (this) {
      deletedEarlier = forced.contains(uid);
    }
    if (!deletedEarlier) {
      String path =
          "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName();
      try {
        client.raw(path, "DELETE", deleteOptions(uid));
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404 || e.getCode() == 409) {
          return alreadyGone(pod);
        }
        throw e;
      }
      log.warn("{}: deleted {} ({}) as an operator decided, bypassing its eviction", node, key, uid);
      metrics.counter(ActivityMetrics.DRAIN_FORCE_DELETIONS).inc(1);
      record(() -> forced.add(uid));
    }
    return awaitGone(pod, Fate.FORCE_DELETED);
  }

  /** Waits until no pod with this UID exists; a new pod with the same name does not count. */
  private Outcome awaitGone(Pod pod, Fate fate) throws InterruptedException {
    String uid = PodFacts.uid(pod);
    while (true) {
      if (stopped) {
        return new Outcome(pod, Fate.STOPPED, null);
      }
      Pod current =
          client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
      if (current == null || !uid.equals(PodFacts.uid(current))) {
        return new Outcome(pod, fate, null);
      }
      if (!clock.instant().isBefore(deadline)) {
        return new Outcome(
            pod,
            Fate.BLOCKED,
            (fate == Fate.EVICTED ? "evicted" : "deleted")
                + ", still terminating after "
                + format(Duration.between(Instant.ofEpochMilli(startedAtEpochMilli), clock.instant())));
      }
      Thread.sleep(settings.podGonePollInterval().toMillis());
    }
  }

  private Outcome alreadyGone(Pod pod) {
    log.info("{}: {} is already gone", node, PodFacts.key(pod));
    record(() -> {
      gone.add(PodFacts.uid(pod));
      recentRefusals.remove(PodFacts.key(pod));
    });
    return new Outcome(pod, Fate.ALREADY_GONE, null);
  }

  /** A 500 on eviction is a block only when it is the "more than one budget" refusal. */
  private boolean moreThanOneBudget(KubernetesClientException e, Pod pod) {
    String message = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
    if (message != null && message.contains("more than one PodDisruptionBudget")) {
      return true;
    }
    return new PodDisruptionBudgets(client).selecting(pod).size() > 1;
  }

  private Eviction eviction(Pod pod) {
    return new EvictionBuilder()
        .withNewMetadata()
        .withNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .endMetadata()
        .withDeleteOptions(deleteOptions(PodFacts.uid(pod)))
        .build();
  }

  /** The grace period from the options (none: the pod's own), and only this pod by UID. */
  private DeleteOptions deleteOptions(String uid) {
    return new DeleteOptionsBuilder()
        .withGracePeriodSeconds(
            options.gracePeriodSeconds() >= 0 ? (long) options.gracePeriodSeconds() : null)
        .withNewPreconditions()
        .withUid(uid)
        .endPreconditions()
        .build();
  }

  private String refusedReason() {
    return "eviction refused (429) for "
        + format(Duration.between(Instant.ofEpochMilli(startedAtEpochMilli), clock.instant()));
  }

  private void record(Runnable change) {
    synchronized (this) {
      change.run();
    }
    changes.release();
  }

  private synchronized DrainProgress progress() {
    return new DrainProgress(
        node,
        startedAtEpochMilli,
        List.copyOf(evicted),
        List.copyOf(forced),
        List.copyOf(gone),
        refusedEvictions,
        recentRefusals.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList(),
        skippedDaemonSet,
        skippedMirror,
        pending.get());
  }

  private void heartbeat() {
    context.heartbeat(progress());
  }

  /**
   * The DrainBlocked failure naming every blocked pod, the reason, and the budgets that select it
   * as they are now.
   */
  private ApplicationFailure blocked(List<Outcome> outcomes) {
    PodDisruptionBudgets budgets = new PodDisruptionBudgets(client);
    List<BlockedPod> pods = new ArrayList<>();
    for (Outcome o : outcomes) {
      List<PdbStatus> pdbs = budgets.selecting(o.pod());
      String reason = o.reason();
      if (reason == null) {
        reason =
            "eviction refused (500): more than one disruption budget selects the pod: "
                + pdbs.stream().map(p -> p.namespace() + "/" + p.name()).collect(Collectors.joining(", "));
      } else if (reason.startsWith("eviction refused (429)") && !pdbs.isEmpty()) {
        reason +=
            ": "
                + pdbs.stream()
                    .map(
                        p ->
                            "disruption budget "
                                + p.namespace()
                                + "/"
                                + p.name()
                                + " allows "
                                + p.disruptionsAllowed()
                                + " disruptions")
                    .collect(Collectors.joining(", "));
      }
      pods.add(
          new BlockedPod(
              node,
              o.pod().getMetadata().getNamespace(),
              o.pod().getMetadata().getName(),
              PodFacts.uid(o.pod()),
              reason,
              pdbs));
    }
    String message =
        "node "
            + node
            + ": drain blocked by "
            + pods.size()
            + " pod(s): "
            + pods.stream().map(NodeDrain::describe).collect(Collectors.joining("; "));
    log.warn(message);
    return ApplicationFailure.newNonRetryableFailureWithCause(
        message, FailureTypes.DRAIN_BLOCKED, null, new DrainBlockage(List.copyOf(pods)));
  }

  private static String describe(BlockedPod pod) {
    String budgets =
        pod.pdbs().isEmpty()
            ? ""
            : "; budgets "
                + pod.pdbs().stream()
                    .map(PodDisruptionBudgets::describe)
                    .collect(Collectors.joining(", "));
    return pod.namespace() + "/" + pod.name() + " (" + pod.reason() + budgets + ")";
  }

  /** Like Go's durations, as kubectl prints them: 15m0s, 1h2m3s, 4s. */
  static String format(Duration duration) {
    return GoDurations.format(duration);
  }

}
