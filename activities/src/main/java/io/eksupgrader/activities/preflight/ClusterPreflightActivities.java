package io.eksupgrader.activities.preflight;

import io.eksupgrader.activities.compatibility.DeprecatedApiTable;
import io.eksupgrader.activities.eks.AwsClientsProvider;
import io.eksupgrader.activities.eks.EksClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientProvider;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pre-flight checks, each reading only: EKS upgrade insights ({@link UpgradeInsightsCheck}),
 * deprecated APIs ({@link DeprecatedApiCheck}), the account's resources ({@link
 * ClusterResourcesCheck}), EKS add-ons ({@link AddonCheck}), what the drains will meet ({@link WorkloadCheck}) and the support
 * window ({@link SupportWindowCheck}). Each answers its findings sorted by check, minor and
 * subject, so that the same cluster gives the same list, which the workflow records in its
 * history. A Kubernetes or AWS call that fails fails the activity: the workflow reports a check
 * that could not run as a finding of its own.
 */
public class ClusterPreflightActivities implements PreflightActivities {

  private static final Logger log = LoggerFactory.getLogger(ClusterPreflightActivities.class);

  /** By check, then minor (none first, then in version order), then subject and summary. */
  static final Comparator<PreflightFinding> ORDER =
      Comparator.comparing(PreflightFinding::check)
          .thenComparing(
              f -> f.minor() == null ? null : KubernetesVersion.parse(f.minor()),
              Comparator.nullsFirst(Comparator.<KubernetesVersion>naturalOrder()))
          .thenComparing(f -> f.subject() == null ? "" : f.subject())
          .thenComparing(PreflightFinding::summary);

  private final EksClientProvider eks;
  private final AwsClientsProvider aws;
  private final KubernetesClientProvider kubernetes;
  private final DeprecatedApiTable deprecatedApis;
  private final Clock clock;

  public ClusterPreflightActivities(
      EksClientProvider eks, AwsClientsProvider aws, KubernetesClientProvider kubernetes) {
    this(eks, aws, kubernetes, Clock.systemUTC());
  }

  /** @param clock what "today" is for support dates: the sandbox's simulated clock in a demo */
  public ClusterPreflightActivities(
      EksClientProvider eks, AwsClientsProvider aws, KubernetesClientProvider kubernetes, Clock clock) {
    this.eks = eks;
    this.aws = aws;
    this.kubernetes = kubernetes;
    this.deprecatedApis = DeprecatedApiTable.load();
    this.clock = clock;
  }

  @Override
  public List<PreflightFinding> checkUpgradeInsights(PreflightRequest request) {
    return done(
        "upgrade insights",
        request,
        new UpgradeInsightsCheck(eks.forRegion(request.cluster().region()), request.cluster(), UpgradePath.of(request))
            .run());
  }

  @Override
  public List<PreflightFinding> checkDeprecatedApis(PreflightRequest request) {
    return done(
        "deprecated APIs",
        request,
        new DeprecatedApiCheck(kubernetes.forCluster(request.cluster()), deprecatedApis, UpgradePath.of(request)).run());
  }

  @Override
  public List<PreflightFinding> checkClusterResources(PreflightRequest request) {
    String region = request.cluster().region();
    List<PreflightFinding> findings =
        new ArrayList<>(
            new ClusterResourcesCheck(eks.forRegion(region), aws.ec2(region), aws.iam(), aws.kms(region), request.cluster())
                .run());
    if (request.backupEnabled()) {
      findings.addAll(new VeleroCheck(kubernetes.forCluster(request.cluster()), request.backup()).run());
    }
    return done("cluster resources", request, findings);
  }

  @Override
  public List<PreflightFinding> checkAddons(PreflightRequest request) {
    return done(
        "add-ons",
        request,
        new AddonCheck(
                eks.forRegion(request.cluster().region()),
                kubernetes.forCluster(request.cluster()),
                request.cluster(),
                UpgradePath.of(request))
            .run());
  }

  @Override
  public List<PreflightFinding> checkWorkloads(PreflightRequest request) {
    return done(
        "workloads",
        request,
        new WorkloadCheck(
                kubernetes.forCluster(request.cluster()),
                UpgradePath.of(request),
                request.drain(),
                request.managedGroups(),
                request.replacedInstances())
            .run());
  }

  @Override
  public List<PreflightFinding> checkSupportWindow(PreflightRequest request) {
    return done(
        "support window",
        request,
        new SupportWindowCheck(
                eks.forRegion(request.cluster().region()), request.cluster(), UpgradePath.of(request), clock.instant())
            .run());
  }

  private static List<PreflightFinding> done(String check, PreflightRequest request, List<PreflightFinding> findings) {
    List<PreflightFinding> sorted = findings.stream().sorted(ORDER).toList();
    log.info(
        "{}: pre-flight {} for {} → {}: {} finding(s), {} blocker(s)",
        request.cluster(), check, request.currentVersion(), request.targetVersion(), sorted.size(),
        sorted.stream().filter(f -> f.severity() == Severity.BLOCKER).count());
    return sorted;
  }
}
