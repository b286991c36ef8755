package io.eksupgrader.activities.fargate;

import io.eksupgrader.activities.eks.AwsErrors;
import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.activities.eks.Heartbeats;
import io.eksupgrader.activities.kube.KubeletVersions;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.activities.kube.GoDurations;
import io.eksupgrader.activities.kube.Workloads;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.FargateActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.FargateProfileInfo;
import io.eksupgrader.workflows.model.FargateRecycleRequest;
import io.eksupgrader.workflows.model.FargateRecycleResult;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.FargateProfile;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * Fargate pods after a control-plane upgrade. A Fargate pod runs on a node of its own whose kubelet
 * is the control plane's version when the pod started; it moves only when the pod is recreated.
 *
 * <p>Recycling one profile, until its pods all run the target:
 *
 * <ol>
 *   <li>List the profile's pods (EKS labels them {@code eks.amazonaws.com/fargate-profile}) and the
 *       version of each one's node.
 *   <li>Map every pod behind the target to its Deployment (through its ReplicaSet) or
 *       StatefulSet; any other pod has nobody to recreate it.
 *   <li>Restart up to {@code concurrentRestarts} of those workloads at once like {@code kubectl
 *       rollout restart}: set {@code kubectl.kubernetes.io/restartedAt} on the pod template, with
 *       {@code eks-upgrader.io/restarted-for: <target>} beside it. A workload that already carries
 *       that marker is never patched again, so a retried attempt restarts nothing twice. The
 *       rollout itself follows the workload's strategy (maxSurge, maxUnavailable), which is what
 *       keeps the service up.
 *   <li>Done when no restartable pod is behind and every pod of the profile is Ready. If pods
 *       without such a controller are behind then, fail naming them; when no old pod is replaced
 *       and no pod turns Ready for the stall timeout, fail naming the workloads in flight and the
 *       pods not Ready. Both are non-retryable: an operator decides.
 * </ol>
 */
public class EksFargateActivities implements FargateActivities {

  private static final Logger log = LoggerFactory.getLogger(EksFargateActivities.class);

  static final String PROFILE_LABEL = "eks.amazonaws.com/fargate-profile";
  static final String RESTARTED_AT = Workloads.RESTARTED_AT;
  static final String RESTARTED_FOR = "eks-upgrader.io/restarted-for";

  private final EksClientProvider eksClients;
  private final KubernetesClientProvider kubernetes;
  private final FargateSettings settings;
  private final Clock clock;

  public EksFargateActivities(
      EksClientProvider eksClients, KubernetesClientProvider kubernetes, FargateSettings settings) {
    this(eksClients, kubernetes, settings, Clock.systemUTC());
  }

  EksFargateActivities(
      EksClientProvider eksClients, KubernetesClientProvider kubernetes, FargateSettings settings, Clock clock) {
    this.eksClients = eksClients;
    this.kubernetes = kubernetes;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public List<FargateProfileInfo> listFargateProfiles(ClusterRef cluster) {
    EksClient eks = eksClients.forRegion(cluster.region());
    try {
      List<FargateProfileInfo> profiles = new ArrayList<>();
      for (String name :
          eks.listFargateProfilesPaginator(r -> r.clusterName(cluster.name())).fargateProfileNames()) {
        try {
          FargateProfile p =
              eks.describeFargateProfile(r -> r.clusterName(cluster.name()).fargateProfileName(name))
                  .fargateProfile();
          profiles.add(
              new FargateProfileInfo(
                  p.fargateProfileName(),
                  p.statusAsString(),
                  p.selectors().stream()
                      .map(s -> new FargateProfileInfo.Selector(s.namespace(), s.labels()))
                      .toList()));
        } catch (ResourceNotFoundException e) {
          // Deleted between the list and the describe: it is no longer there.
        }
      }
      return profiles;
    } catch (ResourceNotFoundException e) {
      throw AwsErrors.clusterNotFound(cluster, e);
    }
  }

  /** What one observation of the profile found. */
  private record Observed(
      int atTarget,
      int notReady,
      List<String> oldPods,
      Map<String, HasMetadata> workloads,
      List<String> orphans) {}

  @Override
  public FargateRecycleResult recycleFargatePods(FargateRecycleRequest request) {
    KubernetesVersion target = KubernetesVersion.parse(request.targetVersion());
    ActivityExecutionContext context = Activity.getExecutionContext();
    KubernetesClient client = kubernetes.forCluster(request.cluster());
    Set<String> restarted =
        new LinkedHashSet<>(context.getHeartbeatDetails(RecycleProgress.class).map(RecycleProgress::restarted).orElse(List.of()));
    int fewestOld = Integer.MAX_VALUE;
    Instant lastProgress = clock.instant();
    while (true) {
      Observed observed = observe(client, request.profile(), target);
      int left = observed.oldPods().size() + observed.notReady();
      if (left < fewestOld) {
        fewestOld = left;
        lastProgress = clock.instant();
      }
      List<String> inFlight = new ArrayList<>();
      List<String> waiting = new ArrayList<>();
      for (Map.Entry<String, HasMetadata> w : observed.workloads().entrySet()) {
        if (target.toString().equals(Workloads.templateAnnotation(w.getValue(), RESTARTED_FOR))) {
          inFlight.add(w.getKey());
        } else {
          waiting.add(w.getKey());
        }
      }
      for (String key : waiting) {
        if (inFlight.size() >= settings.concurrentRestarts()) {
          break;
        }
        HasMetadata workload = observed.workloads().get(key);
        // An attempt that timed out may still run beside this one: only a restart of the version
        // read may land, so the workload is restarted once.
        if (!Workloads.restartIfUnchanged(client, workload, Map.of(RESTARTED_FOR, target.toString()), clock.instant())) {
          log.info("{} changed since it was read; it is looked at again at the next poll", Workloads.key(workload));
          continue;
        }
        log.info(
            "restarted {} so that its Fargate pods come back at {}", Workloads.key(workload), target);
        restarted.add(key);
        inFlight.add(key);
        lastProgress = clock.instant();
      }
      // Done when nothing old is left and every pod is Ready: a StatefulSet replaces a pod by
      // deleting it first, so no old pod left does not yet mean the new one runs.
      if (observed.workloads().isEmpty() && observed.notReady() == 0) {
        if (!observed.orphans().isEmpty()) {
          throw ApplicationFailure.newNonRetryableFailure(
              "Fargate profile "
                  + request.profile()
                  + " still runs pods older than "
                  + target
                  + " that no Deployment or StatefulSet recreates: "
                  + String.join(", ", observed.orphans())
                  + ". Delete each so that its owner recreates it (a Job's next pod, or you), then retry; or skip.",
              FailureTypes.FARGATE_PODS_NOT_RECYCLED);
        }
        log.info(
            "Fargate profile {} of {}: {} pod(s) run {}; restarted {}",
            request.profile(), request.cluster(), observed.atTarget(), target, restarted);
        return new FargateRecycleResult(List.copyOf(restarted), observed.atTarget());
      }
      if (Duration.between(lastProgress, clock.instant()).compareTo(settings.stallTimeout()) >= 0) {
        throw stalled(client, request, observed, inFlight);
      }
      RecycleProgress progress =
          new RecycleProgress(List.copyOf(restarted), inFlight, observed.oldPods().size(), observed.atTarget());
      context.heartbeat(progress);
      Heartbeats.sleep(context, settings.pollInterval(), progress);
    }
  }

  private Observed observe(KubernetesClient client, String profile, KubernetesVersion target) {
    Map<String, KubernetesVersion> nodeVersions = new HashMap<>();
    for (Node node : client.nodes().withLabel("eks.amazonaws.com/compute-type", "fargate").list().getItems()) {
      nodeVersions.put(node.getMetadata().getName(), KubeletVersions.of(node));
    }
    int atTarget = 0;
    int notReady = 0;
    List<String> oldPods = new ArrayList<>();
    Map<String, HasMetadata> workloads = new LinkedHashMap<>();
    List<String> orphans = new ArrayList<>();
    Map<String, ReplicaSet> replicaSets = new HashMap<>();
    for (Pod pod : client.pods().inAnyNamespace().withLabel(PROFILE_LABEL, profile).list().getItems()) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (!Workloads.isReady(pod)) {
        notReady++;
      }
      if (pod.getSpec().getNodeName() == null) {
        continue;
      }
      KubernetesVersion version = nodeVersions.get(pod.getSpec().getNodeName());
      if (version == null) {
        continue;
      }
      if (!target.isAfter(version)) {
        atTarget++;
        continue;
      }
      String id = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      oldPods.add(id);
      HasMetadata workload = Workloads.workloadOf(client, pod, replicaSets);
      if (workload == null) {
        orphans.add(id + " (" + version + ")");
        continue;
      }
      workloads.putIfAbsent(Workloads.key(workload), workload);
    }
    return new Observed(atTarget, notReady, oldPods, workloads, orphans);
  }






  private ApplicationFailure stalled(
      KubernetesClient client, FargateRecycleRequest request, Observed observed, List<String> inFlight) {
    List<String> waitingPods = new ArrayList<>();
    for (Pod pod : client.pods().inAnyNamespace().withLabel(PROFILE_LABEL, request.profile()).list().getItems()) {
      if (!Workloads.isReady(pod)) {
        String why =
            pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? "Pending"
                : pod.getStatus().getConditions().stream()
                    .filter(c -> "False".equals(c.getStatus()) && c.getMessage() != null)
                    .map(c -> c.getType() + ": " + c.getMessage())
                    .findFirst()
                    .orElse(pod.getStatus().getPhase());
        waitingPods.add(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " (" + why + ")");
      }
    }
    return ApplicationFailure.newNonRetryableFailure(
        "Fargate profile "
            + request.profile()
            + ": no pod older than "
            + request.targetVersion()
            + " was replaced for "
            + GoDurations.format(settings.stallTimeout())
            + ". Rolling: "
            + String.join(", ", inFlight)
            + "; old pods left: "
            + String.join(", ", observed.oldPods())
            + (waitingPods.isEmpty() ? "" : "; pods not Ready: " + String.join(", ", waitingPods))
            + ". Check the rollouts (kubectl rollout status), then retry, skip or abort.",
        FailureTypes.FARGATE_PODS_NOT_RECYCLED);
  }

}
