package io.eksupgrader.worker;

import io.eksupgrader.activities.eks.ControlPlaneActivitySettings;
import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.activities.eks.EksClusterInspectionActivities;
import io.eksupgrader.activities.eks.EksControlPlaneActivities;
import io.eksupgrader.activities.eks.AwsClientsProvider;
import io.eksupgrader.activities.addons.EksAddonActivities;
import io.eksupgrader.activities.fargate.EksFargateActivities;
import io.eksupgrader.activities.health.PrometheusHealthGateActivities;
import io.eksupgrader.activities.helm.HelmReleaseActivities;
import io.eksupgrader.activities.istio.KubernetesIstioActivities;
import io.eksupgrader.activities.karpenter.KubernetesKarpenterActivities;
import io.eksupgrader.activities.karpenter.KubernetesKarpenterUpgradeActivities;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesNodeDrainActivities;
import io.eksupgrader.activities.nodegroups.EksNodeGroupActivities;
import io.eksupgrader.activities.preflight.ClusterPreflightActivities;
import io.eksupgrader.activities.selfmanaged.AutoScalingSelfManagedNodeGroupActivities;
import io.eksupgrader.activities.velero.KubernetesVeleroActivities;
import io.eksupgrader.workflows.fleet.FleetUpgradeWorkflowImpl;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflowImpl;
import io.eksupgrader.workflows.upgrade.ControlPlaneUpgradeWorkflowImpl;
import io.eksupgrader.workflows.upgrade.NodeGroupUpgradeWorkflowImpl;
import io.eksupgrader.workflows.upgrade.UpgradeActivityOptions;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import jakarta.annotation.PreDestroy;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the workflows, with each activity type's options from configuration, and the
 * activities on the task queue, then starts polling.
 */
@Singleton
@Requires(property = "eks-upgrader.worker.enabled", notEquals = "false")
public class UpgradeWorker {

  private static final Logger log = LoggerFactory.getLogger(UpgradeWorker.class);

  private final WorkerFactory factory;
  private final TemporalSettings temporal;
  private final List<ActivitySettings> activitySettings;
  private final ControlPlaneSettings controlPlane;
  private final EksClientProvider eks;
  private final AwsClientsProvider aws;
  private final KubernetesClientProvider kubernetes;
  private final NodeGroupSettings nodeGroups;
  private final DrainConfiguration drain;
  private final KarpenterConfiguration karpenter;
  private final FargateConfiguration fargate;
  private final AddonConfiguration addons;
  private final HelmConfiguration helm;
  private final KarpenterUpgradeConfiguration karpenterUpgrade;
  private final IstioConfiguration istio;
  private final NotificationConfiguration notifications;
  private final BackupConfiguration backup;
  private final ApprovalConfiguration approvals;
  private final HealthGateConfiguration health;
  private final WorkerRoles roles;
  private volatile boolean started;

  public UpgradeWorker(
      WorkerFactory factory,
      TemporalSettings temporal,
      List<ActivitySettings> activitySettings,
      ControlPlaneSettings controlPlane,
      EksClientProvider eks,
      AwsClientsProvider aws,
      KubernetesClientProvider kubernetes,
      NodeGroupSettings nodeGroups,
      DrainConfiguration drain,
      KarpenterConfiguration karpenter,
      FargateConfiguration fargate,
      AddonConfiguration addons,
      HelmConfiguration helm,
      KarpenterUpgradeConfiguration karpenterUpgrade,
      IstioConfiguration istio,
      NotificationConfiguration notifications,
      BackupConfiguration backup,
      ApprovalConfiguration approvals,
      HealthGateConfiguration health,
      WorkerRoles roles) {
    this.factory = factory;
    this.temporal = temporal;
    this.activitySettings = activitySettings;
    this.controlPlane = controlPlane;
    this.eks = eks;
    this.aws = aws;
    this.kubernetes = kubernetes;
    this.nodeGroups = nodeGroups;
    this.drain = drain;
    this.karpenter = karpenter;
    this.fargate = fargate;
    this.addons = addons;
    this.helm = helm;
    this.karpenterUpgrade = karpenterUpgrade;
    this.istio = istio;
    this.notifications = notifications;
    this.backup = backup;
    this.approvals = approvals;
    // Fails the start on a policy typo rather than the first upgrade.
    approvals.policy();
    this.health = health;
    this.roles = roles;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (!roles.isWorkflows() && !roles.isActivities()) {
      throw new IllegalStateException(
          "eks-upgrader.worker.workflows and eks-upgrader.worker.activities are both false: this worker would do nothing");
    }
    Worker worker =
        factory.newWorker(
            temporal.getTaskQueue(),
            io.temporal.worker.WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(roles.getMaxHeartbeatThrottleInterval())
                .build());
    if (roles.isWorkflows()) {
      worker.registerWorkflowImplementationTypes(
          UpgradeActivityOptions.implementationOptions(ActivityOptionsFromConfig.build(activitySettings)),
          ClusterUpgradeWorkflowImpl.class,
          ControlPlaneUpgradeWorkflowImpl.class,
          NodeGroupUpgradeWorkflowImpl.class,
          FleetUpgradeWorkflowImpl.class);
    }
    if (roles.isActivities()) {
      worker.registerActivitiesImplementations(
          new EksClusterInspectionActivities(eks),
          new EksControlPlaneActivities(
              eks,
              new ControlPlaneActivitySettings(controlPlane.getPollInterval(), controlPlane.getConflictBackoff())),
          new EksNodeGroupActivities(eks, aws, kubernetes, nodeGroups.toActivitySettings()),
          new KubernetesNodeDrainActivities(kubernetes, drain.toDrainSettings()),
          new AutoScalingSelfManagedNodeGroupActivities(aws, kubernetes, nodeGroups.toSelfManagedSettings()),
          new KubernetesKarpenterActivities(kubernetes, karpenter.toSettings()),
          new EksFargateActivities(eks, kubernetes, fargate.toSettings()),
          new EksAddonActivities(eks, addons.toSettings()),
          new HelmReleaseActivities(kubernetes, helm.toRunner(), helm.getWorkDirectory()),
          new KubernetesKarpenterUpgradeActivities(kubernetes, karpenterUpgrade.toSettings()),
          new KubernetesIstioActivities(kubernetes, istio.toSettings(), helm.getWorkDirectory()),
          notifications.toActivities(),
          new ClusterPreflightActivities(eks, aws, kubernetes),
          new KubernetesVeleroActivities(kubernetes, backup.getPollInterval()),
          approvals,
          new PrometheusHealthGateActivities(health.toSettings()));
    }
    factory.start();
    started = true;
    log.info(
        "Worker polls task queue '{}' in namespace '{}' at {} for {}{}",
        temporal.getTaskQueue(),
        temporal.getNamespace(),
        temporal.getTarget(),
        roles.isWorkflows() ? "workflows " : "",
        roles.isActivities() ? "activities" : "");
  }

  public boolean isStarted() {
    return started && factory.isStarted() && !factory.isShutdown();
  }

  @PreDestroy
  void stop() {
    started = false;
  }
}
