package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.BackupOptions;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The pre-flight checks that read a cluster and its AWS account (seeds 000, 002, 003). Every check
 * reads only and answers with findings, each with a stable check id, a severity, the evidence and
 * what to do; none fails because of what it finds. A check whose API cannot be read fails like any
 * activity, and the workflow reports that as a finding of its own.
 */
@ActivityInterface
public interface PreflightActivities {

  /** Check id of {@link #checkUpgradeInsights}. */
  String INSIGHTS = "eks-insights";
  /** Check id of {@link #checkDeprecatedApis}. */
  String DEPRECATED_API = "deprecated-api";
  String SUBNET_FREE_IPS = "subnet-free-ips";
  String CLUSTER_ROLE = "cluster-iam-role";
  String KMS_KEY = "kms-key";
  String CONTROL_PLANE_LOGGING = "control-plane-logging";
  String ADDON_COMPATIBILITY = "addon-compatibility";
  String SELF_MANAGED_ADDON = "self-managed-addon";
  String PDB_NEVER_ALLOWS = "pdb-never-allows";
  String POD_MULTIPLE_PDBS = "pod-multiple-pdbs";
  String SINGLE_REPLICA = "single-replica";
  String POD_WITHOUT_CONTROLLER = "pod-without-controller";
  String POD_EMPTYDIR = "pod-emptydir";
  String SUPPORT_WINDOW = "support-window";
  String VERSION_SKEW = "version-skew";
  String KARPENTER_VERSION = "karpenter-version";
  String ISTIO_VERSION = "istio-version";
  String VELERO_BACKUP = "velero-backup";
  /** A check that could not run: its API failed after the activity's retries. */
  String CHECK_FAILED = "check-failed";

  /**
   * EKS upgrade insights ({@code ListInsights} filtered to UPGRADE_READINESS, {@code
   * DescribeInsight}) for the next minor: ERROR is a blocker, WARNING a warning, PASSING and
   * UNKNOWN are info; with the insight's resources and recommendation.
   */
  @ActivityMethod(name = ActivityTypes.CHECK_UPGRADE_INSIGHTS)
  List<PreflightFinding> checkUpgradeInsights(PreflightRequest request);

  /**
   * Deprecated and removed APIs for every minor of the path, from the worker's table: objects'
   * {@code kubectl.kubernetes.io/last-applied-configuration}, the manifests of Helm v3 release
   * Secrets, and the API server's {@code apiserver_requested_deprecated_apis} metric. An API removed
   * at or before a minor of the path is a blocker for that minor; one deprecated, a warning.
   */
  @ActivityMethod(name = ActivityTypes.CHECK_DEPRECATED_APIS)
  List<PreflightFinding> checkDeprecatedApis(PreflightRequest request);

  /**
   * The cluster's AWS resources: at least 5 free IP addresses in its subnets ({@code
   * DescribeSubnets}), its IAM role ({@code GetRole}), the KMS key of its secrets encryption, when
   * there is one ({@code DescribeKey}: enabled and usable), control-plane logging (a warning
   * when off, seed 000), and, when the upgrade makes a Velero backup, that the cluster serves
   * Velero's Backups in its namespace.
   */
  @ActivityMethod(name = ActivityTypes.CHECK_CLUSTER_RESOURCES)
  List<PreflightFinding> checkClusterResources(PreflightRequest request);

  /**
   * EKS add-ons: each installed add-on against each minor of the path ({@code
   * DescribeAddonVersions}: a version for that minor exists; the default one to move to); CoreDNS,
   * kube-proxy and the VPC CNI running without an EKS add-on (self-managed) are reported.
   */
  @ActivityMethod(name = ActivityTypes.CHECK_ADDONS)
  List<PreflightFinding> checkAddons(PreflightRequest request);

  /**
   * What the drains will meet: PodDisruptionBudgets that can never allow an eviction, pods under two
   * budgets, single-replica Deployments and StatefulSets, pods without a controller and pods with
   * emptyDir (what the drain options make of them); and nodes whose kubelet the path would leave
   * too far behind that no node group step replaces.
   */
  @ActivityMethod(name = ActivityTypes.CHECK_WORKLOADS)
  List<PreflightFinding> checkWorkloads(PreflightRequest request);

  /**
   * Standard and extended support end dates of the current and target versions ({@code
   * DescribeClusterVersions}), and what staying on extended support would cost.
   */
  @ActivityMethod(name = ActivityTypes.CHECK_SUPPORT_WINDOW)
  List<PreflightFinding> checkSupportWindow(PreflightRequest request);

  /**
   * What pre-flight asks about.
   *
   * @param minors the minors the control plane passes through, e.g. [1.33, 1.34]
   * @param drain the drain options, which decide what emptyDir and bare pods mean
   * @param managedGroups node groups the upgrade replaces (their nodes need no skew finding)
   * @param replacedInstances EC2 instances of the self-managed groups the upgrade replaces (their
   *     nodes carry no group label, so they are known by instance)
   * @param backup the Velero backup the upgrade will make, or null for none
   */
  record PreflightRequest(
      ClusterRef cluster,
      String currentVersion,
      String targetVersion,
      List<String> minors,
      DrainOptions drain,
      List<String> managedGroups,
      List<String> replacedInstances,
      BackupOptions backup) {

    public PreflightRequest {
      minors = List.copyOf(minors);
      managedGroups = managedGroups == null ? List.of() : List.copyOf(managedGroups);
      replacedInstances = replacedInstances == null ? List.of() : List.copyOf(replacedInstances);
    }

    public PreflightRequest(
        ClusterRef cluster,
        String currentVersion,
        String targetVersion,
        List<String> minors,
        DrainOptions drain,
        List<String> managedGroups) {
      this(cluster, currentVersion, targetVersion, minors, drain, managedGroups, List.of(), null);
    }

    /** Whether the upgrade backs the cluster up with Velero before its first change. */
    public boolean backupEnabled() {
      return backup != null && backup.enabled();
    }
  }
}
