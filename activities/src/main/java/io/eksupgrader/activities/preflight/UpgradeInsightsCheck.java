package io.eksupgrader.activities.preflight;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Category;
import software.amazon.awssdk.services.eks.model.ClientStat;
import software.amazon.awssdk.services.eks.model.DeprecationDetail;
import software.amazon.awssdk.services.eks.model.Insight;
import software.amazon.awssdk.services.eks.model.InsightResourceDetail;
import software.amazon.awssdk.services.eks.model.InsightSummary;

/**
 * EKS upgrade insights for the minors of the path ({@code ListInsights} with category
 * UPGRADE_READINESS and those versions, then {@code DescribeInsight} for each): ERROR is a blocker,
 * WARNING a warning, PASSING and UNKNOWN are info. EKS keeps insights only for the minor after
 * the one the cluster runs, so a later minor is checked again before its own step (the workflow
 * runs pre-flight again there). Evidence: the insight's reason, its resources with their status,
 * and for a deprecated API the client that still calls it.
 */
final class UpgradeInsightsCheck {

  /** Resources past this many are counted, not listed: a finding stays readable in the UI. */
  static final int MAX_RESOURCES = 10;

  private final EksClient eks;
  private final ClusterRef cluster;
  private final UpgradePath path;

  UpgradeInsightsCheck(EksClient eks, ClusterRef cluster, UpgradePath path) {
    this.eks = eks;
    this.cluster = cluster;
    this.path = path;
  }

  List<PreflightFinding> run() {
    List<String> versions = path.minors().stream().map(KubernetesVersion::toString).toList();
    if (versions.isEmpty()) {
      return List.of();
    }
    List<PreflightFinding> findings = new ArrayList<>();
    for (InsightSummary summary :
        eks.listInsightsPaginator(
                r -> r.clusterName(cluster.name())
                    .filter(f -> f.categories(Category.UPGRADE_READINESS).kubernetesVersions(versions)))
            .insights()) {
      Insight insight = eks.describeInsight(r -> r.clusterName(cluster.name()).id(summary.id())).insight();
      findings.add(finding(insight));
    }
    return findings;
  }

  private PreflightFinding finding(Insight insight) {
    String status = insight.insightStatus() == null ? "UNKNOWN" : insight.insightStatus().statusAsString();
    Severity severity =
        switch (status) {
          case "ERROR" -> Severity.BLOCKER;
          case "WARNING" -> Severity.WARNING;
          default -> Severity.INFO;
        };
    List<String> evidence = new ArrayList<>();
    evidence.add("DescribeInsight " + insight.id() + ": " + status
        + (insight.insightStatus() == null || insight.insightStatus().reason() == null
            ? "" : " (" + insight.insightStatus().reason() + ")"));
    if (insight.lastRefreshTime() != null) {
      evidence.add("last refreshed " + insight.lastRefreshTime());
    }
    List<InsightResourceDetail> resources = insight.resources();
    int listed = 0;
    for (InsightResourceDetail resource : resources) {
      String resourceStatus = resource.insightStatus() == null ? "" : resource.insightStatus().statusAsString();
      if ("PASSING".equals(resourceStatus) && severity != Severity.INFO) {
        continue;
      }
      if (listed++ == MAX_RESOURCES) {
        break;
      }
      String name = resource.kubernetesResourceUri() != null ? resource.kubernetesResourceUri() : resource.arn();
      evidence.add("resource " + name + (resourceStatus.isEmpty() ? "" : ": " + resourceStatus));
    }
    if (listed > MAX_RESOURCES) {
      evidence.add("and more resources: aws eks describe-insight --cluster-name " + cluster.name() + " --id " + insight.id());
    }
    if (insight.categorySpecificSummary() != null) {
      for (DeprecationDetail deprecation : insight.categorySpecificSummary().deprecationDetails()) {
        evidence.add(deprecation.usage() + " is served until " + deprecation.stopServingVersion()
            + (deprecation.replacedWith() == null ? "" : "; use " + deprecation.replacedWith()));
        for (ClientStat client : deprecation.clientStats()) {
          evidence.add("client " + client.userAgent() + ": " + client.numberOfRequestsLast30Days()
              + " request(s) in 30 days, last " + client.lastRequestTime());
        }
      }
    }
    String minor = insight.kubernetesVersion();
    return new PreflightFinding(
        PreflightActivities.INSIGHTS,
        severity,
        insight.name(),
        minor == null || minor.isBlank() ? null : minor,
        status + ": " + (insight.description() == null ? insight.name() : insight.description()),
        evidence,
        severity == Severity.INFO ? null : remedy(insight));
  }

  private String remedy(Insight insight) {
    String recommendation = insight.recommendation() == null ? "" : insight.recommendation().strip();
    String refresh = "EKS refreshes insights about once a day; see it with aws eks describe-insight --region "
        + cluster.region() + " --cluster-name " + cluster.name() + " --id " + insight.id();
    return recommendation.isEmpty() ? refresh : recommendation + " (" + refresh + ")";
  }
}
