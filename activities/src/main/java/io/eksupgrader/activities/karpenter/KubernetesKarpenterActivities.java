package io.eksupgrader.activities.karpenter;

import io.eksupgrader.activities.eks.Heartbeats;
import io.eksupgrader.activities.kube.KubeletVersions;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.activities.kube.GoDurations;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.KarpenterActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KarpenterDriftRequest;
import io.eksupgrader.workflows.model.KarpenterDriftResult;
import io.eksupgrader.workflows.model.KarpenterDriftStall;
import io.eksupgrader.workflows.model.KarpenterInventory;
import io.eksupgrader.workflows.model.KarpenterInventory.KarpenterNode;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Karpenter (v1 API, {@code karpenter.sh/v1}) replace its drifted nodes.
 *
 * <p>Karpenter marks a NodeClaim drifted when its node no longer matches its NodePool and
 * EC2NodeClass; an AMI alias such as {@code al2023@latest} resolves to a new image once the control
 * plane moves, so every node drifts. It then replaces nodes as the NodePool's disruption budgets
 * allow: a new NodeClaim first, then the old node is tainted and drained through the eviction API.
 * The upgrade does none of this; it observes:
 *
 * <ol>
 *   <li>List Karpenter's nodes (label {@code karpenter.sh/nodepool}) and NodeClaims.
 *   <li>Done when no node runs older than the target.
 *   <li>Collect what can hold drift up: NodeClaims whose launch failed ({@code Launched=False}),
 *       NodePools whose budget allows no node, pods on disrupted nodes that evictions have not
 *       removed (a PodDisruptionBudget).
 *   <li>Progress is an old node gone. Without progress for the stall timeout, fail non-retryably
 *       with all of that, so that an operator decides.
 * </ol>
 */
public class KubernetesKarpenterActivities implements KarpenterActivities {

  private static final Logger log = LoggerFactory.getLogger(KubernetesKarpenterActivities.class);

  static final String NODE_POOL_LABEL = "karpenter.sh/nodepool";
  static final String DISRUPTED_TAINT = "karpenter.sh/disrupted";

  static final ResourceDefinitionContext NODE_POOLS = context("NodePool", "nodepools");
  static final ResourceDefinitionContext NODE_CLAIMS = context("NodeClaim", "nodeclaims");

  private final KubernetesClientProvider clients;
  private final KarpenterSettings settings;
  private final Clock clock;

  public KubernetesKarpenterActivities(KubernetesClientProvider clients, KarpenterSettings settings) {
    this(clients, settings, Clock.systemUTC());
  }

  KubernetesKarpenterActivities(KubernetesClientProvider clients, KarpenterSettings settings, Clock clock) {
    this.clients = clients;
    this.settings = settings;
    this.clock = clock;
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    // Explicit, so that fabric8 does not need API discovery to find the plural and scope.
    return new ResourceDefinitionContext.Builder()
        .withGroup("karpenter.sh")
        .withVersion("v1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(false)
        .build();
  }

  @Override
  public KarpenterInventory inspectKarpenter(ClusterRef cluster) {
    KubernetesClient client = clients.forCluster(cluster);
    Optional<List<GenericKubernetesResource>> pools = nodePools(client);
    if (pools.isEmpty()) {
      return KarpenterInventory.notInstalled();
    }
    return new KarpenterInventory(
        true,
        pools.get().stream().map(p -> p.getMetadata().getName()).sorted().toList(),
        karpenterNodes(client).stream().map(KubernetesKarpenterActivities::describe).toList());
  }

  @Override
  public KarpenterDriftResult awaitKarpenterDrift(KarpenterDriftRequest request) {
    KubernetesVersion target = KubernetesVersion.parse(request.targetVersion());
    ActivityExecutionContext context = Activity.getExecutionContext();
    DriftProgress resumed = context.getHeartbeatDetails(DriftProgress.class).orElse(null);
    Set<String> oldSeen = new LinkedHashSet<>(resumed == null ? List.of() : resumed.oldNodes());
    Set<String> failures = new LinkedHashSet<>(resumed == null ? List.of() : resumed.launchFailures());
    int polls = resumed == null ? 0 : resumed.polls();
    KubernetesClient client = clients.forCluster(request.cluster());
    if (nodePools(client).isEmpty()) {
      return new KarpenterDriftResult(0, List.of(), List.of(), polls);
    }
    int replacedBefore = -1;
    Instant lastProgress = clock.instant();
    String lastLogged = null;
    while (true) {
      polls++;
      List<Node> nodes = karpenterNodes(client);
      List<Node> old = nodes.stream().filter(n -> target.isAfter(KubeletVersions.of(n))).toList();
      old.forEach(n -> oldSeen.add(n.getMetadata().getName()));
      for (GenericKubernetesResource claim : client.genericKubernetesResources(NODE_CLAIMS).list().getItems()) {
        Map<String, Object> launched = condition(claim, "Launched");
        if (launched != null && "False".equals(launched.get("status"))) {
          failures.add(claim.getMetadata().getName() + ": " + launched.get("message"));
        }
      }
      List<String> current = nodes.stream().map(n -> n.getMetadata().getName()).toList();
      List<String> replaced = oldSeen.stream().filter(n -> !current.contains(n)).toList();
      if (old.isEmpty()) {
        log.info(
            "Karpenter's {} node(s) of {} run {}; {} replaced after {} polls",
            nodes.size(), request.cluster(), target, replaced.size(), polls);
        return new KarpenterDriftResult(nodes.size(), replaced, List.copyOf(failures), polls);
      }
      if (replaced.size() > replacedBefore) {
        replacedBefore = replaced.size();
        lastProgress = clock.instant();
      } else if (Duration.between(lastProgress, clock.instant()).compareTo(settings.stallTimeout()) >= 0) {
        throw stalled(client, request, old, List.copyOf(failures));
      }
      DriftProgress progress =
          new DriftProgress(List.copyOf(oldSeen), List.copyOf(failures), nodes.size() - old.size(), old.size(), polls);
      // Logged when it changes, not on every poll.
      String summary = progress.atTarget() + "/" + progress.left() + "/" + failures.size();
      if (!summary.equals(lastLogged)) {
        log.info(
            "Karpenter drift of {}: {} node(s) at {}, {} left ({}); failed launches: {}",
            request.cluster(),
            progress.atTarget(),
            target,
            progress.left(),
            old.stream().map(n -> n.getMetadata().getName()).toList(),
            failures.isEmpty() ? "none" : String.join("; ", failures));
        lastLogged = summary;
      }
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.pollInterval(), progress);
    }
  }

  private ApplicationFailure stalled(
      KubernetesClient client, KarpenterDriftRequest request, List<Node> old, List<String> failures) {
    List<String> oldNodes =
        old.stream().map(KubernetesKarpenterActivities::describe).map(n -> n.name() + " (" + n.nodePool() + ", " + n.version() + ")").toList();
    List<String> frozen = new ArrayList<>();
    for (GenericKubernetesResource pool : nodePools(client).orElse(List.of())) {
      for (String nodes : budgetNodes(pool)) {
        if (nodes.equals("0") || nodes.equals("0%")) {
          frozen.add(pool.getMetadata().getName() + " (nodes: " + nodes + ")");
          break;
        }
      }
    }
    List<String> waitingPods = new ArrayList<>();
    for (Node node : old) {
      boolean disrupted =
          node.getSpec().getTaints() != null
              && node.getSpec().getTaints().stream().anyMatch(t -> DISRUPTED_TAINT.equals(t.getKey()));
      if (!disrupted) {
        continue;
      }
      for (Pod pod :
          client.pods().inAnyNamespace().withField("spec.nodeName", node.getMetadata().getName()).list().getItems()) {
        if (!isDaemonSetPod(pod)) {
          waitingPods.add(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " on " + node.getMetadata().getName());
        }
      }
    }
    StringBuilder message =
        new StringBuilder("Karpenter replaced none of the ")
            .append(old.size())
            .append(" node(s) still behind ")
            .append(request.targetVersion())
            .append(" for ")
            .append(GoDurations.format(settings.stallTimeout()))
            .append(": ")
            .append(String.join(", ", oldNodes))
            .append(".");
    if (!frozen.isEmpty()) {
      message.append(" NodePool disruption budgets that allow no node: ").append(String.join(", ", frozen)).append(".");
    }
    if (!failures.isEmpty()) {
      message.append(" Failed launches: ").append(String.join("; ", failures)).append(".");
    }
    if (!waitingPods.isEmpty()) {
      message
          .append(" Pods Karpenter cannot evict yet (check their PodDisruptionBudgets): ")
          .append(String.join(", ", waitingPods))
          .append(".");
    }
    if (frozen.isEmpty() && failures.isEmpty() && waitingPods.isEmpty()) {
      message.append(
          " No NodeClaim shows a reason: check that the EC2NodeClass's amiSelectorTerms follow the"
              + " control plane (an alias such as al2023@latest) and Karpenter's logs.");
    }
    message.append(" Retry to wait again, skip to leave these nodes behind, or abort.");
    return ApplicationFailure.newNonRetryableFailure(
        message.toString(),
        FailureTypes.KARPENTER_DRIFT_STALLED,
        new KarpenterDriftStall(oldNodes, failures, frozen));
  }

  /** The NodePools, or empty when the API server does not serve Karpenter's v1 API. */
  private static Optional<List<GenericKubernetesResource>> nodePools(KubernetesClient client) {
    try {
      return Optional.of(client.genericKubernetesResources(NODE_POOLS).list().getItems());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static List<Node> karpenterNodes(KubernetesClient client) {
    return client.nodes().withLabel(NODE_POOL_LABEL).list().getItems();
  }

  private static KarpenterNode describe(Node node) {
    return new KarpenterNode(
        node.getMetadata().getName(),
        node.getMetadata().getLabels().get(NODE_POOL_LABEL),
        KubeletVersions.of(node).toString());
  }


  @SuppressWarnings("unchecked")
  private static Map<String, Object> condition(GenericKubernetesResource claim, String type) {
    Object status = claim.getAdditionalProperties().get("status");
    if (status instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
          return (Map<String, Object>) m;
        }
      }
    }
    return null;
  }

  private static List<String> budgetNodes(GenericKubernetesResource pool) {
    List<String> result = new ArrayList<>();
    Object spec = pool.getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> s
        && s.get("disruption") instanceof Map<?, ?> d
        && d.get("budgets") instanceof List<?> budgets) {
      for (Object b : budgets) {
        if (b instanceof Map<?, ?> m && m.get("nodes") != null) {
          result.add(m.get("nodes").toString());
        }
      }
    }
    return result;
  }

  private static boolean isDaemonSetPod(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()) && "DaemonSet".equals(o.getKind()));
  }
}
