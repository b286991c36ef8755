package io.eksupgrader.sandbox.kube;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.ClusterNodes;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.Scenario.AppliedSpec;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.Durations;
import io.eksupgrader.sandbox.Scenario.HelmReleaseSpec;
import io.eksupgrader.sandbox.Scenario.NodeGroupSpec;
import io.eksupgrader.sandbox.Scenario.PdbSpec;
import io.eksupgrader.sandbox.Scenario.WorkloadSpec;
import io.eksupgrader.sandbox.SimulatedClock;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes side of one sandbox EKS cluster: an API server on 127.0.0.1 (a fabric8 {@link
 * KubernetesMockServer} in CRUD mode extended by {@link ApiServerDispatcher}, served over https by
 * {@link ApiServerTls} and over plain http for the sandbox itself) and the simulated controllers
 * that make its objects behave ({@link ClusterControllers}), ticking every 50 ms of real time in
 * the scenario's simulated time.
 *
 * <p>At start it creates the scenario's namespaces, workloads (Deployments with their ReplicaSets,
 * StatefulSets, DaemonSets, bare pods) and PodDisruptionBudgets, the objects {@code kubectl apply}
 * left ({@link AppliedObjects}), the release Secrets of the scenario's Helm releases, and
 * Karpenter's, Istio's and Velero's objects ({@link InstalledComponents}). Nodes come from the AWS side
 * through {@link #launchNode}; once the initial node groups' nodes are Ready the workloads' pods
 * are placed on them, Running and Ready.
 *
 * <p>Clients authenticate as with EKS: {@code Authorization: Bearer k8s-aws-v1.<base64url of a
 * presigned STS GetCallerIdentity URL>}; {@link #tokenFor} makes one. DescribeCluster reports the
 * https URL and, as CA data, the certificate the https front presents, so clients verify the server
 * as they would an EKS endpoint (client-go sends bearer tokens only over TLS).
 *
 * <p>With the scenario's {@code kubernetes.rbac} the API server authorizes every request made with
 * any other token than {@link #tokenFor}'s, i.e. the worker's, against the RBAC file's ClusterRoles
 * ({@link RbacAuthorizer}); {@link #rbacRefusals} lists what it refused.
 */
public final class KubeCluster implements ClusterNodes, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubeCluster.class);

  private static final Duration TICK = Duration.ofMillis(50);

  /** fabric8's mock logs every request at INFO through JUL; kept here so the setting sticks. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger(MockWebServer.class.getName());

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  private final String name;
  private final KubernetesMockServer server;
  private final ApiServerTls tls;
  private final ApiServerDispatcher api;
  private final ObjectStore store;
  private final DisruptionBudgets budgets;
  private final ClusterControllers controllers;
  private final ScheduledExecutorService ticker;
  private KubernetesClient adminClient;

  private KubeCluster(
      Scenario scenario, ClusterSpec cluster, SimulatedClock clock, CallLog callLog) {
    this.name = cluster.name();
    long seed = scenario.faults() == null ? 0 : scenario.faults().seed();
    this.api =
        new ApiServerDispatcher(
            clock,
            callLog,
            cluster.region(),
            cluster.name(),
            cluster.version(),
            scenario.faults() == null ? List.of() : scenario.faults().kubernetesOutages(),
            seed ^ cluster.name().hashCode());
    this.store = api.store();
    this.budgets = new DisruptionBudgets(store);
    Durations durations =
        scenario.durations() == null ? Durations.defaults() : scenario.durations();
    int initialNodes =
        cluster.nodeGroups().stream().mapToInt(NodeGroupSpec::desiredSize).sum()
            + cluster.selfManagedGroups().stream().mapToInt(Scenario.SelfManagedGroupSpec::desiredSize).sum()
            + cluster.karpenter().nodePools().stream().mapToInt(Scenario.NodePoolSpec::nodes).sum();
    this.controllers =
        new ClusterControllers(
            store,
            budgets,
            durations.podStart(),
            initialNodes,
            cluster.region(),
            cluster.version(),
            cluster.fargateProfiles(),
            durations.fargatePodStart());
    api.serve(budgets, controllers);
    Scenario.RbacSpec rbac = cluster.kubernetes().rbac();
    if (rbac != null) {
      api.authorizeWith(
          new RbacAuthorizer(
              cluster.name(), RbacPolicy.load(rbac.file(), rbac.groups()), rbac.enforce()));
    }
    api.serveKarpenter(cluster.karpenter().installed());
    api.serveVelero(cluster.velero().installed());
    api.reportDeprecatedApiRequests(cluster.kubernetes().deprecatedApiRequests());
    createStartingObjects(cluster);
    store.atomically(() -> InstalledComponents.createStarting(store, cluster));
    if (cluster.karpenter().installed()) {
      KarpenterNodes karpenter =
          new KarpenterNodes(
              store,
              budgets,
              controllers,
              durations.karpenterLaunch(),
              scenario.faults() == null ? 0 : scenario.faults().karpenterLaunchFailures(),
              cluster.region());
      store.atomically(() -> karpenter.createStarting(cluster.karpenter().nodePools(), cluster.version()));
      controllers.runKarpenter(karpenter);
    }
    if (cluster.velero().installed()) {
      controllers.runVelero(
          new VeleroBackups(
              store,
              cluster.velero().namespace(),
              durations.veleroBackup(),
              scenario.faults() != null && scenario.faults().veleroBackupFails()));
    }

    MockWebServer http = new MockWebServer();
    // The JDK HTTP client offers h2c upgrades; answering them has made large responses flaky.
    http.setHttp2ClearTextEnabled(false);
    this.server = new KubernetesMockServer(new Context(), http, new HashMap<>(), api, false);
    server.start(InetAddress.getLoopbackAddress(), 0);
    this.tls = ApiServerTls.start(server.getPort(), cluster.name());

    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kube-" + cluster.name() + "-controllers");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts the Kubernetes side of one scenario cluster: its API server on a free port of 127.0.0.1
   * and its controllers.
   */
  public static KubeCluster start(
      Scenario scenario, ClusterSpec cluster, SimulatedClock clock, CallLog callLog) {
    KubeCluster kube = new KubeCluster(scenario, cluster, clock, callLog);
    log.info(
        "Kubernetes API of sandbox cluster {} listening on {} (plain: {})",
        cluster.name(),
        kube.apiServerUrl(),
        kube.plainApiServerUrl());
    return kube;
  }

  /** A bearer token of the shape EKS accepts (any cluster of the sandbox accepts it). */
  public static String tokenFor(String clusterName) {
    return EksBearerToken.forCluster(clusterName);
  }

  private void createStartingObjects(ClusterSpec cluster) {
    store.atomically(
        () -> {
          Set<String> namespaces =
              new LinkedHashSet<>(
                  List.of("default", "kube-system", "kube-node-lease", "kube-public"));
          cluster.kubernetes().workloads().forEach(w -> namespaces.add(w.namespace()));
          cluster.kubernetes().pdbs().forEach(p -> namespaces.add(p.namespace()));
          cluster.kubernetes().applied().stream()
              .filter(a -> a.namespace() != null)
              .forEach(a -> namespaces.add(a.namespace()));
          cluster.kubernetes().helmReleases().forEach(r -> namespaces.add(r.namespace()));
          for (String ns : namespaces) {
            if (store.get(Namespace.class, null, ns).isEmpty()) {
              store.create(Manifests.namespace(ns));
            }
          }
          for (WorkloadSpec workload : cluster.kubernetes().workloads()) {
            switch (workload.kind().toLowerCase(Locale.ROOT)) {
              case "deployment" -> {
                Deployment deployment = store.create(Manifests.deployment(workload));
                store.create(Manifests.replicaSet(deployment, store.randomSuffix(10)));
              }
              case "statefulset" -> store.create(Manifests.statefulSet(workload));
              case "daemonset" -> store.create(Manifests.daemonSet(workload));
              case "pod" -> store.create(Manifests.barePod(workload));
              default ->
                  throw new IllegalArgumentException(
                      "workload "
                          + workload.namespace()
                          + "/"
                          + workload.name()
                          + " has unknown kind "
                          + workload.kind());
            }
          }
          for (PdbSpec pdb : cluster.kubernetes().pdbs()) {
            store.create(Manifests.pdb(pdb));
          }
          for (AppliedSpec applied : cluster.kubernetes().applied()) {
            store.create(AppliedObjects.path(applied), AppliedObjects.stored(applied));
          }
          Instant installed = store.now().minus(Duration.ofDays(30));
          for (HelmReleaseSpec release : cluster.kubernetes().helmReleases()) {
            store.create(
                HelmReleases.releaseSecret(
                    release.name(),
                    release.namespace(),
                    release.revision(),
                    release.chart(),
                    release.version(),
                    release.appVersion(),
                    Map.of(),
                    release.manifest(),
                    release.status(),
                    installed));
          }
          budgets.refresh();
        });
  }

  private void tick() {
    try {
      controllers.tick();
    } catch (RuntimeException e) {
      // A failed tick must not end the ticker: the next one starts from the stored state again.
      log.warn("controllers of sandbox cluster {} failed a tick", name, e);
    }
  }

  @Override
  public void launchNode(NodeLaunch launch) {
    controllers.launchNode(launch);
  }

  @Override
  public void terminateNode(String nodeName) {
    controllers.terminateNode(nodeName);
  }

  @Override
  public void controlPlaneVersionChanged(String version) {
    controllers.controlPlaneVersionChanged(version);
    api.controlPlaneVersionChanged(version);
  }

  @Override
  public List<String> nodeNames() {
    return controllers.nodeNames();
  }

  /** The https URL that DescribeCluster reports; its certificate verifies with the CA data. */
  @Override
  public URI apiServerUrl() {
    return tls.url();
  }

  /** The same API server over plain http, for the sandbox's own admin client and raw tests. */
  public URI plainApiServerUrl() {
    return URI.create("http://127.0.0.1:" + server.getPort());
  }

  @Override
  public String certificateAuthorityData() {
    return Base64.getEncoder()
        .encodeToString(ApiServerTls.certificatePem().getBytes(StandardCharsets.US_ASCII));
  }

  public String clusterName() {
    return name;
  }

  /**
   * A client for test assertions, authenticated with {@link #tokenFor}, whose own retries of 429
   * and 5xx are off so that refusals reach the caller. Shared; closed with the cluster.
   */
  public synchronized KubernetesClient adminClient() {
    if (adminClient == null) {
      Config config =
          new ConfigBuilder(Config.empty())
              .withMasterUrl(plainApiServerUrl().toString())
              .withOauthToken(tokenFor(name))
              .withNamespace("default")
              .withRequestRetryBackoffLimit(0)
              .withHttp2Disable(true)
              .build();
      adminClient = new KubernetesClientBuilder().withConfig(config).build();
    }
    return adminClient;
  }

  /**
   * From now on, answers 401 Unauthorized to a worker token once it is {@code lifetime} old in
   * simulated time, counted from the first request that presented it, as EKS stops accepting a
   * token after 15 minutes. The sandbox's own token ({@link #tokenFor}) never expires.
   */
  public void expireTokensAfter(java.time.Duration lifetime) {
    api.expireTokensAfter(lifetime);
  }

  /**
   * Holds every later request once a mutating call {@code operation} on a resource starting with
   * {@code resourcePrefix} was answered (e.g. CreateSecret, kube-system/sh.helm.release.v1.karpenter.v),
   * until the returned hold is closed; one hold at a time.
   */
  public RequestHold holdRequestsAfter(String operation, String resourcePrefix) {
    return api.holdRequestsAfter(operation, resourcePrefix);
  }

  /** How many requests were refused 401 because their token had expired. */
  public int expiredTokenRefusals() {
    return api.expiredTokenRefusals();
  }

  /**
   * The worker's requests that the scenario's RBAC refused (or would have, when it only audits),
   * oldest first; empty without {@code kubernetes.rbac}.
   */
  public List<RbacRefusal> rbacRefusals() {
    RbacAuthorizer rbac = api.rbac();
    return rbac == null ? List.of() : rbac.refusals();
  }

  /**
   * How many HTTP requests this API server received so far, per verb and resource (e.g. "POST
   * pods/eviction", "LIST pods"), refused ones included; the sandbox's own controllers do not go
   * through HTTP, so these are the clients' requests (the worker, Helm, tests).
   */
  public java.util.SortedMap<String, Long> requestCounts() {
    return api.requestCounts();
  }

  /** How many requests, reads included, were answered 503 inside a Kubernetes outage. */
  public long outageRefusals() {
    return api.outageRefusals();
  }

  /** Every time a PodDisruptionBudget fell below what it demands, oldest first. */
  public List<PdbBreach> pdbBreaches() {
    return budgets.breaches();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    synchronized (this) {
      if (adminClient != null) {
        adminClient.close();
      }
    }
    tls.close();
    server.shutdown();
  }
}
