package io.eksupgrader.activities.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksupgrader.activities.compatibility.CompatibilityTable;
import io.eksupgrader.activities.compatibility.ComponentVersions;
import io.eksupgrader.activities.eks.Heartbeats;
import io.eksupgrader.activities.helm.HelmReleaseHistory;
import io.eksupgrader.activities.helm.StoredRelease;
import io.eksupgrader.activities.kube.DeploymentRollouts;
import io.eksupgrader.activities.kube.GoDurations;
import io.eksupgrader.activities.kube.ImageVersions;
import io.eksupgrader.activities.kube.Kubeconfigs;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.activities.kube.Workloads;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.IstioActivities;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.ComponentTarget;
import io.eksupgrader.workflows.model.HelmReleaseInfo;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.IstioInstallation.Gateway;
import io.eksupgrader.workflows.model.IstioInstallation.MeshNamespace;
import io.eksupgrader.workflows.model.IstioInstallation.Revision;
import io.eksupgrader.workflows.model.IstioInstallation.RevisionTag;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.planning.ComponentPlanner;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Istio's control-plane revisions and the mesh's workloads in a target cluster.
 *
 * <p>What the cluster shows, as Istio arranges it: an istiod Deployment per revision (label {@code
 * app=istiod}, {@code istio.io/rev}; the image tag is its version) with an injector webhook
 * configuration {@code istio-sidecar-injector-<rev>}; revision tags as webhook configurations
 * labelled {@code istio.io/tag} and {@code istio.io/rev}; namespaces that select a revision with
 * {@code istio.io/rev=<revision or tag>} or {@code istio-injection=enabled} (the {@code default}
 * tag); injected pods that say which revision injected them in {@code sidecar.istio.io/status} and
 * run {@code istio-proxy} at that revision's version; gateways, Deployments injected with the
 * {@code gateway} template.
 *
 * <p>Moving the mesh to a revision, in order, every step observed first:
 *
 * <ol>
 *   <li>Point each revision tag at the revision, as {@code istioctl tag set --overwrite} does: the
 *       tag's webhook configuration names the revision and its istiod service.
 *   <li>Label each namespace as asked ({@code istio.io/rev}, {@code istio-injection}).
 *   <li>Namespace by namespace: restart ({@code kubectl rollout restart}) the Deployments,
 *       StatefulSets and DaemonSets whose injected pods run another revision, at most {@code
 *       restartBatch} at once, each marked {@code eks-upgrader.io/istio-revision: <rev>} so that a
 *       retried attempt never restarts it again for that revision (the restart names the
 *       resourceVersion it read, so that an attempt that timed out but still runs cannot restart
 *       it a second time beside its retry); go to the next namespace when
 *       every injected pod of this one runs the revision's proxy and is Ready.
 *   <li>Pods without such a controller cannot be moved by a restart: they are named in the result.
 *       When no pod reaches the revision for the stall timeout, fail naming the pods left.
 * </ol>
 */
public class KubernetesIstioActivities implements IstioActivities {

  private static final Logger log = LoggerFactory.getLogger(KubernetesIstioActivities.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String REV_LABEL = "istio.io/rev";
  static final String TAG_LABEL = "istio.io/tag";
  static final String INJECTION_LABEL = "istio-injection";
  static final String SIDECAR_STATUS = "sidecar.istio.io/status";
  static final String INJECT_TEMPLATES = "inject.istio.io/templates";
  static final String PROXY_CONTAINER = "istio-proxy";
  static final String MARKER = "eks-upgrader.io/istio-revision";
  static final String DEFAULT = "default";

  private final KubernetesClientProvider clients;
  private final IstioSettings settings;
  private final CompatibilityTable table;
  private final Path workDirectory;
  private final Clock clock;

  public KubernetesIstioActivities(KubernetesClientProvider clients, IstioSettings settings, Path workDirectory) {
    this(clients, settings, CompatibilityTable.istio(), workDirectory, Clock.systemUTC());
  }

  KubernetesIstioActivities(
      KubernetesClientProvider clients, IstioSettings settings, CompatibilityTable table, Path workDirectory, Clock clock) {
    this.clients = clients;
    this.settings = settings;
    this.table = table;
    this.workDirectory = workDirectory;
    this.clock = clock;
  }

  static String istiodName(String revision) {
    return DEFAULT.equals(revision) ? "istiod" : "istiod-" + revision;
  }

  static String injectorName(String revision) {
    return DEFAULT.equals(revision) ? "istio-sidecar-injector" : "istio-sidecar-injector-" + revision;
  }

  static String tagWebhookName(String tag) {
    return "istio-revision-tag-" + tag;
  }

  // ---- inspection ----

  @Override
  public IstioInstallation inspectIstio(ComponentInspectionRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    List<Deployment> istiods =
        client.apps().deployments().inAnyNamespace().withLabel("app", "istiod").list().getItems().stream()
            .sorted(Comparator.comparing((Deployment d) -> !"istio-system".equals(d.getMetadata().getNamespace()))
                .thenComparing(d -> d.getMetadata().getName()))
            .toList();
    if (istiods.isEmpty()) {
      return IstioInstallation.notInstalled();
    }
    String namespace = istiods.get(0).getMetadata().getNamespace();
    List<Revision> revisions = new ArrayList<>();
    for (Deployment istiod : istiods) {
      if (!istiod.getMetadata().getNamespace().equals(namespace)) {
        continue;
      }
      revisions.add(
          new Revision(
              labels(istiod).getOrDefault(REV_LABEL, DEFAULT),
              DeploymentRollouts.version(istiod, "discovery"),
              istiod.getMetadata().getName(),
              DeploymentRollouts.readyReplicas(istiod),
              release(client, istiod)));
    }
    Map<String, String> tags = tags(client);
    List<MeshNamespace> namespaces = meshNamespaces(client, tags);
    List<Gateway> gateways = new ArrayList<>();
    for (Deployment deployment : client.apps().deployments().inAnyNamespace().list().getItems()) {
      Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
      if (annotations == null || !"gateway".equals(annotations.get(INJECT_TEMPLATES))) {
        continue;
      }
      Map<String, String> templateLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      String revision = templateLabels == null ? null : templateLabels.get(REV_LABEL);
      gateways.add(
          new Gateway(
              deployment.getMetadata().getNamespace(),
              deployment.getMetadata().getName(),
              revision == null ? DEFAULT : tags.getOrDefault(revision, revision),
              proxyVersionOf(client, deployment),
              release(client, deployment)));
    }
    HelmReleaseInfo base =
        HelmReleaseHistory.releases(client, namespace).stream()
            .filter(r -> "base".equals(r.chart()))
            .findFirst()
            .map(StoredRelease::info)
            .orElse(null);
    IstioInstallation found =
        new IstioInstallation(
            true,
            namespace,
            revisions,
            tags.entrySet().stream().map(e -> new RevisionTag(e.getKey(), e.getValue())).toList(),
            namespaces,
            gateways,
            base,
            null);
    Revision serving = ComponentPlanner.servingRevision(found);
    String installed =
        serving != null
            ? serving.version()
            : revisions.stream().map(Revision::version).min(ComponentVersions::compare).orElseThrow();
    ComponentTarget target =
        table.istioTarget(
            installed,
            KubernetesVersion.parse(request.currentVersion()),
            KubernetesVersion.parse(request.targetVersion()),
            request.pinnedVersion());
    return new IstioInstallation(true, namespace, revisions, found.tags(), namespaces, gateways, base, target);
  }

  private static Map<String, String> labels(HasMetadata object) {
    return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
  }

  private static HelmReleaseInfo release(KubernetesClient client, HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    String name = annotations == null ? null : annotations.get("meta.helm.sh/release-name");
    if (name == null) {
      return null;
    }
    String namespace = annotations.getOrDefault("meta.helm.sh/release-namespace", object.getMetadata().getNamespace());
    return HelmReleaseHistory.latest(client, namespace, name).map(StoredRelease::info).orElse(null);
  }

  /** Tag → revision, from the tags' webhook configurations. */
  private static Map<String, String> tags(KubernetesClient client) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (MutatingWebhookConfiguration webhook : webhooks(client)) {
      Map<String, String> labels = labels(webhook);
      if (labels.containsKey(TAG_LABEL) && labels.containsKey(REV_LABEL)) {
        tags.put(labels.get(TAG_LABEL), labels.get(REV_LABEL));
      }
    }
    return tags;
  }

  private static List<MutatingWebhookConfiguration> webhooks(KubernetesClient client) {
    return client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems().stream()
        .sorted(Comparator.comparing(w -> w.getMetadata().getName()))
        .toList();
  }

  private static List<MeshNamespace> meshNamespaces(KubernetesClient client, Map<String, String> tags) {
    List<MeshNamespace> mesh = new ArrayList<>();
    for (Namespace ns : client.namespaces().list().getItems()) {
      Map<String, String> labels = labels(ns);
      String injection = labels.get(INJECTION_LABEL);
      String rev = labels.get(REV_LABEL);
      String revision = resolve(injection, rev, tags);
      if (revision != null) {
        mesh.add(new MeshNamespace(ns.getMetadata().getName(), injection, rev, revision));
      }
    }
    mesh.sort(Comparator.comparing(MeshNamespace::name));
    return mesh;
  }

  /**
   * The revision a namespace's labels select: {@code istio.io/rev} names a tag or a revision;
   * {@code istio-injection=enabled} follows the {@code default} tag (or the revision-less install);
   * null when the namespace is not in the mesh.
   */
  static String resolve(String injection, String rev, Map<String, String> tags) {
    String selected = rev != null ? rev : "enabled".equals(injection) ? DEFAULT : null;
    return selected == null ? null : tags.getOrDefault(selected, selected);
  }

  private static String proxyVersionOf(KubernetesClient client, Deployment deployment) {
    Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
    if (selector == null) {
      return null;
    }
    return client.pods().inNamespace(deployment.getMetadata().getNamespace()).withLabels(selector).list().getItems().stream()
        .map(p -> Workloads.container(p, PROXY_CONTAINER))
        .filter(c -> c != null)
        .map(c -> ImageVersions.of(c.getImage()))
        .filter(v -> v != null)
        .findFirst()
        .orElse(null);
  }

  /** The revision that injected a pod, from its sidecar status annotation; null when not injected. */
  static String injectedRevision(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String status = annotations == null ? null : annotations.get(SIDECAR_STATUS);
    if (status == null) {
      return null;
    }
    try {
      JsonNode json = JSON.readTree(status);
      return json.path("revision").asText(DEFAULT);
    } catch (IOException e) {
      return DEFAULT;
    }
  }

  private static String proxyVersion(Pod pod) {
    Container proxy = Workloads.container(pod, PROXY_CONTAINER);
    return proxy == null ? null : ImageVersions.of(proxy.getImage());
  }

  private static boolean runs(Pod pod, String revision, String version) {
    String proxy = proxyVersion(pod);
    return revision.equals(injectedRevision(pod))
        && proxy != null
        && ComponentVersions.normalize(proxy).equals(ComponentVersions.normalize(version));
  }

  private static String id(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  // ---- a revision's istiod ----

  @Override
  public RevisionStatus awaitRevision(RevisionRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    ActivityExecutionContext context = request.untilReady() ? Activity.getExecutionContext() : null;
    Instant deadline = clock.instant().plus(settings.readyTimeout());
    while (true) {
      List<String> problems = new ArrayList<>();
      Deployment istiod = client.apps().deployments().inNamespace(request.namespace()).withName(istiodName(request.revision())).get();
      if (istiod == null) {
        problems.add("istiod " + request.namespace() + "/" + istiodName(request.revision()) + " does not exist");
      } else {
        problems.addAll(DeploymentRollouts.problems(client, istiod, "discovery", request.version()));
      }
      MutatingWebhookConfiguration injector =
          client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(injectorName(request.revision())).get();
      if (injector == null) {
        problems.add("its injector webhook configuration " + injectorName(request.revision()) + " does not exist");
      }
      if (problems.isEmpty()) {
        return new RevisionStatus(
            request.revision(), istiod.getMetadata().getName(), DeploymentRollouts.version(istiod, "discovery"),
            DeploymentRollouts.readyReplicas(istiod), injector.getMetadata().getName());
      }
      if (!request.untilReady() || !clock.instant().isBefore(deadline)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Istio revision "
                + request.revision()
                + (request.untilReady() ? " is not ready after " + GoDurations.format(settings.readyTimeout()) + ": " : " is not as it must be: ")
                + String.join("; ", problems)
                + (request.untilReady() ? ". Look at istiod's pods and logs, then decide retry, skip or abort" : ". Install it through your GitOps, then decide retry"),
            FailureTypes.COMPONENT_NOT_READY);
      }
      context.heartbeat(problems);
      Heartbeats.sleep(context, settings.pollInterval(), problems);
    }
  }

  // ---- moving the mesh ----

  /** What one look at a namespace found. */
  private record NamespaceState(
      int atRevision, List<String> behind, List<String> notReady, Map<String, HasMetadata> workloadsBehind, List<String> orphans) {

    boolean done() {
      return workloadsBehind.isEmpty() && notReady.isEmpty();
    }
  }

  /** Heartbeat details of a move: the workloads restarted so far. */
  public record MoveProgress(List<String> restarted, String namespace, int podsAtRevision) {}

  @Override
  public MoveResult moveWorkloads(MoveRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    ActivityExecutionContext context = Activity.getExecutionContext();
    List<String> tagsSwitched = switchTags(client, request);
    List<String> relabeled = relabel(client, request);
    Set<String> restarted =
        new LinkedHashSet<>(context.getHeartbeatDetails(MoveProgress.class).map(MoveProgress::restarted).orElse(List.of()));
    int best = -1;
    Instant lastProgress = clock.instant();
    Map<String, ReplicaSet> replicaSets = new HashMap<>();
    while (true) {
      int atRevision = 0;
      List<String> orphans = new ArrayList<>();
      List<String> behind = new ArrayList<>();
      List<String> notReady = new ArrayList<>();
      String working = null;
      for (MeshNamespace ns : request.namespaces()) {
        NamespaceState state = observe(client, ns.name(), request.revision(), request.version(), replicaSets);
        atRevision += state.atRevision();
        orphans.addAll(state.orphans());
        if (state.done() || working != null) {
          behind.addAll(state.behind());
          notReady.addAll(state.notReady());
          continue;
        }
        working = ns.name();
        behind.addAll(state.behind());
        notReady.addAll(state.notReady());
        int inFlight = 0;
        for (HasMetadata workload : state.workloadsBehind().values()) {
          if (request.revision().equals(Workloads.templateAnnotation(workload, MARKER))) {
            inFlight++;
          }
        }
        for (Map.Entry<String, HasMetadata> entry : state.workloadsBehind().entrySet()) {
          if (inFlight >= request.restartBatch()) {
            break;
          }
          if (request.revision().equals(Workloads.templateAnnotation(entry.getValue(), MARKER))) {
            continue;
          }
          if (!Workloads.restartIfUnchanged(client, entry.getValue(), Map.of(MARKER, request.revision()), clock.instant())) {
            // Changed since it was read, perhaps restarted by an attempt that timed out: count it
            // as in flight, and look again at the next poll.
            log.info("{} of {} changed since it was read; observing it again", entry.getKey(), request.cluster());
            inFlight++;
            continue;
          }
          log.info("restarted {} of {} so that its sidecars run revision {}", entry.getKey(), request.cluster(), request.revision());
          restarted.add(entry.getKey());
          inFlight++;
          lastProgress = clock.instant();
        }
      }
      if (working == null) {
        log.info(
            "mesh of {} on revision {}: {} injected pod(s); not moved: {}",
            request.cluster(), request.revision(), atRevision, orphans.isEmpty() ? "none" : orphans);
        return new MoveResult(relabeled, tagsSwitched, List.copyOf(restarted), atRevision, orphans);
      }
      if (atRevision > best) {
        best = atRevision;
        lastProgress = clock.instant();
      } else if (Duration.between(lastProgress, clock.instant()).compareTo(settings.stallTimeout()) >= 0) {
        throw ApplicationFailure.newNonRetryableFailure(
            "no injected pod of namespace "
                + working
                + " moved to Istio revision "
                + request.revision()
                + " for "
                + GoDurations.format(settings.stallTimeout())
                + (behind.isEmpty() ? "" : "; still on another revision: " + String.join(", ", behind))
                + (notReady.isEmpty() ? "" : "; not Ready: " + String.join(", ", notReady))
                + ". Check the rollouts (kubectl rollout status) and istiod "
                + request.revision()
                + ", then decide retry, skip or abort (abort moves the mesh back)",
            FailureTypes.ISTIO_WORKLOADS_NOT_MOVED);
      }
      MoveProgress progress = new MoveProgress(List.copyOf(restarted), working, atRevision);
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.pollInterval(), progress);
    }
  }

  private NamespaceState observe(
      KubernetesClient client, String namespace, String revision, String version, Map<String, ReplicaSet> replicaSets) {
    int atRevision = 0;
    List<String> behind = new ArrayList<>();
    List<String> notReady = new ArrayList<>();
    Map<String, HasMetadata> workloads = new LinkedHashMap<>();
    List<String> orphans = new ArrayList<>();
    for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
      String injected = injectedRevision(pod);
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (injected == null) {
        // A pod we restarted for the revision came back without a sidecar: no injector selected it.
        HasMetadata owner = Workloads.workloadOf(client, pod, replicaSets);
        if (owner != null && revision.equals(Workloads.templateAnnotation(owner, MARKER))) {
          behind.add(id(pod) + " (no sidecar injected: is revision " + revision + "'s injector there?)");
          workloads.putIfAbsent(Workloads.key(owner), owner);
        }
        continue;
      }
      if (runs(pod, revision, version)) {
        atRevision++;
        if (!Workloads.isReady(pod)) {
          notReady.add(id(pod));
        }
        continue;
      }
      String label = id(pod) + " (" + injected + (proxyVersion(pod) == null ? "" : " " + proxyVersion(pod)) + ")";
      HasMetadata workload = Workloads.workloadOf(client, pod, replicaSets);
      if (workload == null) {
        orphans.add(label + " has no Deployment, StatefulSet or DaemonSet to restart it: delete it so its owner recreates it");
        continue;
      }
      behind.add(label);
      workloads.putIfAbsent(Workloads.key(workload), workload);
    }
    return new NamespaceState(atRevision, behind, notReady, workloads, orphans);
  }

  /** Points each tag at its revision, as {@code istioctl tag set --overwrite} does. */
  private static List<String> switchTags(KubernetesClient client, MoveRequest request) {
    List<String> switched = new ArrayList<>();
    for (RevisionTag tag : request.tags()) {
      var resource = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(tagWebhookName(tag.name()));
      MutatingWebhookConfiguration webhook = resource.get();
      if (webhook == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "revision tag " + tag.name() + " has no webhook configuration " + tagWebhookName(tag.name())
                + ": create it (istioctl tag set " + tag.name() + " --revision " + tag.revision() + "), then decide retry",
            FailureTypes.COMPONENT_NOT_READY);
      }
      boolean labelled = tag.revision().equals(labels(webhook).get(REV_LABEL));
      boolean pointed =
          webhook.getWebhooks().stream()
              .allMatch(w -> w.getClientConfig() == null
                  || w.getClientConfig().getService() == null
                  || istiodName(tag.revision()).equals(w.getClientConfig().getService().getName()));
      if (labelled && pointed) {
        continue;
      }
      List<Map<String, Object>> hooks = new ArrayList<>();
      for (MutatingWebhook hook : webhook.getWebhooks()) {
        Map<String, Object> converted = JSON.convertValue(hook, Map.class);
        if (hook.getClientConfig() != null && hook.getClientConfig().getService() != null) {
          @SuppressWarnings("unchecked")
          Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) converted.get("clientConfig")).get("service");
          service.put("name", istiodName(tag.revision()));
        }
        hooks.add(converted);
      }
      Map<String, Object> patch =
          Map.of("metadata", Map.of("labels", Map.of(REV_LABEL, tag.revision())), "webhooks", hooks);
      try {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      log.info("revision tag {} of {} now points at {}", tag.name(), request.cluster(), tag.revision());
      switched.add(tag.name() + " → " + tag.revision());
    }
    return switched;
  }

  private static List<String> relabel(KubernetesClient client, MoveRequest request) {
    List<String> relabeled = new ArrayList<>();
    for (MeshNamespace wanted : request.namespaces()) {
      Namespace ns = client.namespaces().withName(wanted.name()).get();
      if (ns == null) {
        continue;
      }
      Map<String, String> labels = labels(ns);
      if (java.util.Objects.equals(labels.get(INJECTION_LABEL), wanted.injection())
          && java.util.Objects.equals(labels.get(REV_LABEL), wanted.rev())) {
        continue;
      }
      Map<String, Object> changes = new LinkedHashMap<>();
      changes.put(INJECTION_LABEL, wanted.injection());
      changes.put(REV_LABEL, wanted.rev());
      try {
        client.namespaces().withName(wanted.name())
            .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(Map.of("metadata", Map.of("labels", changes))));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      log.info("namespace {} of {} labelled {}", wanted.name(), request.cluster(), changes);
      relabeled.add(
          wanted.name()
              + (wanted.rev() != null ? " istio.io/rev=" + wanted.rev() : "")
              + (wanted.injection() != null ? " istio-injection=" + wanted.injection() : ""));
    }
    return relabeled;
  }

  // ---- gateways ----

  @Override
  public GatewayResult awaitGateways(GatewayRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    ActivityExecutionContext context = request.untilReady() ? Activity.getExecutionContext() : null;
    Instant deadline = clock.instant().plus(settings.readyTimeout());
    while (true) {
      List<String> atVersion = new ArrayList<>();
      List<String> behind = new ArrayList<>();
      for (Gateway gateway : request.gateways()) {
        String id = gateway.namespace() + "/" + gateway.name();
        Deployment deployment = client.apps().deployments().inNamespace(gateway.namespace()).withName(gateway.name()).get();
        if (deployment == null) {
          behind.add(id + " does not exist");
          continue;
        }
        int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        List<Pod> pods =
            client.pods().inNamespace(gateway.namespace()).withLabels(deployment.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .toList();
        long moved = pods.stream().filter(p -> runs(p, request.revision(), request.version()) && Workloads.isReady(p)).count();
        if (moved >= wanted && pods.size() == moved) {
          atVersion.add(id);
        } else {
          behind.add(id + ": " + moved + " of " + wanted + " pod(s) run " + request.version() + " from " + request.revision() + ", Ready");
        }
      }
      if (behind.isEmpty()) {
        return new GatewayResult(atVersion, behind);
      }
      if (!request.untilReady() || !clock.instant().isBefore(deadline)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Istio gateways not at revision "
                + request.revision()
                + (request.untilReady() ? " after " + GoDurations.format(settings.readyTimeout()) : "")
                + ": "
                + String.join("; ", behind)
                + (request.untilReady() ? ". Look at the gateway pods, then decide retry, skip or abort" : ". Upgrade them through your GitOps, then decide retry"),
            FailureTypes.COMPONENT_NOT_READY);
      }
      context.heartbeat(behind);
      Heartbeats.sleep(context, settings.pollInterval(), behind);
    }
  }

  // ---- validation ----

  @Override
  public Validation validateRevision(RevisionRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    Deployment istiod = client.apps().deployments().inNamespace(request.namespace()).withName(istiodName(request.revision())).get();
    String health =
        istiod == null
            ? "istiod " + istiodName(request.revision()) + " does not exist"
            : DeploymentRollouts.readyReplicas(istiod) + " of " + (istiod.getSpec().getReplicas() == null ? 1 : istiod.getSpec().getReplicas())
                + " replicas Ready";
    List<String> elsewhere = new ArrayList<>();
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      String injected = injectedRevision(pod);
      if (injected != null && pod.getMetadata().getDeletionTimestamp() == null && !injected.equals(request.revision())) {
        elsewhere.add(id(pod) + " (" + injected + ")");
      }
    }
    Optional<Path> istioctl = istioctl();
    if (istioctl.isEmpty()) {
      return new Validation(false, List.of("istioctl is not installed on the worker; set eks-upgrader.istio.istioctl to run istioctl analyze"), health, elsewhere);
    }
    return new Validation(true, analyze(client, istioctl.get(), request.revision()), health, elsewhere);
  }

  private Optional<Path> istioctl() {
    if (settings.istioctl() != null) {
      return Files.isExecutable(settings.istioctl()) ? Optional.of(settings.istioctl()) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "istioctl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@code istioctl analyze --all-namespaces --revision <rev>}: its Error, Warning and Info lines. */
  private List<String> analyze(KubernetesClient client, Path istioctl, String revision) {
    Path kubeconfig = Kubeconfigs.write(client, workDirectory);
    Path output = null;
    try {
      output = Files.createTempFile(workDirectory, "istioctl-", ".log");
      Process process =
          new ProcessBuilder(
                  istioctl.toString(), "analyze", "--all-namespaces", "--revision", revision, "--kubeconfig", kubeconfig.toString())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(settings.readyTimeout().toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return List.of("istioctl analyze did not end within " + GoDurations.format(settings.readyTimeout()));
      }
      List<String> findings = new ArrayList<>();
      for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
        String trimmed = line.trim();
        if (trimmed.startsWith("Error") || trimmed.startsWith("Warning") || trimmed.startsWith("Info")) {
          findings.add(trimmed);
        }
      }
      if (findings.isEmpty() && process.exitValue() != 0) {
        findings.add("istioctl analyze exited with " + process.exitValue() + ": " + Files.readString(output, StandardCharsets.UTF_8).trim());
      }
      return findings;
    } catch (IOException e) {
      return List.of("istioctl analyze could not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } finally {
      try {
        Files.deleteIfExists(kubeconfig);
        if (output != null) {
          Files.deleteIfExists(output);
        }
      } catch (IOException e) {
        log.warn("could not delete istioctl's files: {}", e.getMessage());
      }
    }
  }

  // ---- what a revision still serves ----

  @Override
  public RevisionUsage revisionUsage(RevisionRequest request) {
    KubernetesClient client = clients.forCluster(request.cluster());
    List<String> pods = new ArrayList<>();
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      if (request.revision().equals(injectedRevision(pod)) && pod.getMetadata().getDeletionTimestamp() == null) {
        pods.add(id(pod));
      }
    }
    Map<String, String> tags = tags(client);
    List<String> namespaces =
        meshNamespaces(client, tags).stream().filter(n -> n.revision().equals(request.revision())).map(MeshNamespace::name).toList();
    List<String> pointing =
        tags.entrySet().stream().filter(e -> e.getValue().equals(request.revision())).map(Map.Entry::getKey).toList();
    return new RevisionUsage(request.revision(), pods, namespaces, pointing);
  }
}
