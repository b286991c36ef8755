package io.eksupgrader.activities.preflight;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ClusterVersionInformation;

/**
 * Where the current and the target version stand in EKS's support calendar ({@code
 * DescribeClusterVersions} for both, including versions past their end of support):
 *
 * <ul>
 *   <li>The current version on extended support: a warning with what staying costs.
 *   <li>The current version within {@value #WARN_DAYS} days of its end of standard support (or past
 *       it by the worker's clock): a warning, since extended support's price starts then.
 *   <li>The target within {@value #WARN_DAYS} days of its end of standard support, or past it: a
 *       warning, for the upgraded cluster would soon cost extended support's price.
 *   <li>The target's status and dates otherwise: info; and the current's when nothing above applies.
 * </ul>
 *
 * Days are counted on the given clock. Prices are EKS's per cluster-hour, from {@value
 * #PRICING_SOURCE}, over {@value #HOURS_PER_MONTH} hours a month.
 */
final class SupportWindowCheck {

  static final int WARN_DAYS = 90;
  static final BigDecimal STANDARD_PER_HOUR = new BigDecimal("0.10");
  static final BigDecimal EXTENDED_PER_HOUR = new BigDecimal("0.60");
  static final int HOURS_PER_MONTH = 730;
  static final String PRICING_SOURCE = "https://aws.amazon.com/eks/pricing/";

  private final EksClient eks;
  private final ClusterRef cluster;
  private final UpgradePath path;
  private final Instant now;

  SupportWindowCheck(EksClient eks, ClusterRef cluster, UpgradePath path, Instant now) {
    this.eks = eks;
    this.cluster = cluster;
    this.path = path;
    this.now = now;
  }

  /** What extended support costs more than standard support in a month of 730 hours, e.g. "$365.00". */
  static String monthlyDifference() {
    return "$" + EXTENDED_PER_HOUR.subtract(STANDARD_PER_HOUR).multiply(BigDecimal.valueOf(HOURS_PER_MONTH)).setScale(2);
  }

  List<PreflightFinding> run() {
    String current = path.current().toString();
    String target = path.target().toString();
    Map<String, ClusterVersionInformation> versions =
        eks.describeClusterVersionsPaginator(r -> r.clusterVersions(current, target).includeAll(true))
            .clusterVersions()
            .stream()
            .collect(Collectors.toMap(ClusterVersionInformation::clusterVersion, Function.identity(), (a, b) -> a));
    List<PreflightFinding> findings = new ArrayList<>();
    findings.add(currentVersion(versions.get(current)));
    if (!target.equals(current)) {
      findings.add(targetVersion(versions.get(target)));
    }
    return findings;
  }

  private PreflightFinding currentVersion(ClusterVersionInformation v) {
    String subject = "Kubernetes " + path.current() + " (current)";
    if (v == null) {
      return notListed(subject, path.current(), null);
    }
    String status = status(v);
    List<String> evidence = evidence(v);
    String cost =
        "EKS charges " + dollars(EXTENDED_PER_HOUR) + " per cluster-hour on extended support against " + dollars(STANDARD_PER_HOUR)
            + " on standard: " + monthlyDifference() + " more per cluster a month (" + HOURS_PER_MONTH + " hours; " + PRICING_SOURCE + ")";
    if ("EXTENDED_SUPPORT".equals(status)) {
      evidence.add(cost);
      return new PreflightFinding(
          PreflightActivities.SUPPORT_WINDOW,
          Severity.WARNING,
          subject,
          null,
          path.current() + " is on extended support" + until(v.endOfExtendedSupportDate()) + ": staying costs "
              + monthlyDifference() + " a month more than standard support",
          evidence,
          "finish this upgrade: the target " + path.target() + " ends the extra charge if it is on standard support;"
              + " at the end of extended support EKS upgrades the cluster itself");
    }
    if ("UNSUPPORTED".equals(status)) {
      return new PreflightFinding(
          PreflightActivities.SUPPORT_WINDOW,
          Severity.WARNING,
          subject,
          null,
          path.current() + " is past the end of extended support: EKS may upgrade the cluster itself at any time",
          evidence,
          "finish this upgrade now");
    }
    Instant endStandard = v.endOfStandardSupportDate();
    if (endStandard != null) {
      long days = ChronoUnit.DAYS.between(now, endStandard);
      if (days <= WARN_DAYS) {
        evidence.add(cost);
        String when =
            now.isBefore(endStandard)
                ? "ends on " + date(endStandard) + ", in " + days + " day(s)"
                : "ended on " + date(endStandard);
        return new PreflightFinding(
            PreflightActivities.SUPPORT_WINDOW,
            Severity.WARNING,
            subject,
            null,
            "standard support of " + path.current() + " " + when + ": from then on the cluster costs "
                + monthlyDifference() + " a month more on extended support",
            evidence,
            "finish this upgrade before " + date(endStandard) + "; or, to have EKS upgrade the cluster at that date instead"
                + " of charging for extended support, set its upgrade policy to STANDARD (aws eks update-cluster-config --name "
                + cluster.name() + " --region " + cluster.region() + " --upgrade-policy supportType=STANDARD)");
      }
    }
    return new PreflightFinding(
        PreflightActivities.SUPPORT_WINDOW,
        Severity.INFO,
        subject,
        null,
        path.current() + " is on standard support" + until(endStandard),
        evidence,
        null);
  }

  private PreflightFinding targetVersion(ClusterVersionInformation v) {
    String subject = "Kubernetes " + path.target() + " (target)";
    if (v == null) {
      return notListed(subject, path.target(), path.target().toString());
    }
    String status = status(v);
    Instant endStandard = v.endOfStandardSupportDate();
    if (endStandard != null && !"UNSUPPORTED".equals(status) && ChronoUnit.DAYS.between(now, endStandard) <= WARN_DAYS) {
      // EKS's status can lag its dates by a day; the dates decide what the operator is told.
      String when =
          now.isBefore(endStandard)
              ? "ends on " + date(endStandard) + ", in " + ChronoUnit.DAYS.between(now, endStandard) + " day(s)"
              : "ended on " + date(endStandard);
      return new PreflightFinding(
          PreflightActivities.SUPPORT_WINDOW,
          Severity.WARNING,
          subject,
          path.target().toString(),
          "standard support of the target " + path.target() + " " + when + ": the upgraded cluster costs "
              + monthlyDifference() + " a month more on extended support from then on",
          evidence(v),
          "plan the next upgrade soon after this one, or choose a newer target if EKS offers one"
              + " (aws eks describe-cluster-versions --region " + cluster.region() + ")");
    }
    String summary =
        switch (status == null ? "" : status) {
          case "EXTENDED_SUPPORT" ->
              path.target() + " is on extended support" + until(v.endOfExtendedSupportDate()) + ": it costs "
                  + monthlyDifference() + " a month more than a version on standard support";
          case "UNSUPPORTED" -> path.target() + " is past the end of its support";
          default ->
              path.target() + " is on standard support" + until(v.endOfStandardSupportDate())
                  + (v.endOfExtendedSupportDate() == null ? "" : ", then extended support until " + date(v.endOfExtendedSupportDate()));
        };
    return new PreflightFinding(
        PreflightActivities.SUPPORT_WINDOW,
        Severity.INFO,
        subject,
        path.target().toString(),
        summary,
        evidence(v),
        null);
  }

  private PreflightFinding notListed(String subject, KubernetesVersion version, String minor) {
    return new PreflightFinding(
        PreflightActivities.SUPPORT_WINDOW,
        Severity.INFO,
        subject,
        minor,
        "DescribeClusterVersions does not list " + version + " in " + cluster.region() + ": its support dates are unknown",
        List.of("DescribeClusterVersions(clusterVersions=[" + path.current() + ", " + path.target() + "], includeAll=true)"),
        "see the EKS Kubernetes version calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html)");
  }

  private List<String> evidence(ClusterVersionInformation v) {
    List<String> evidence = new ArrayList<>();
    evidence.add("DescribeClusterVersions " + v.clusterVersion() + ": versionStatus " + status(v));
    if (v.endOfStandardSupportDate() != null) {
      evidence.add("endOfStandardSupportDate " + date(v.endOfStandardSupportDate()));
    }
    if (v.endOfExtendedSupportDate() != null) {
      evidence.add("endOfExtendedSupportDate " + date(v.endOfExtendedSupportDate()));
    }
    evidence.add("today " + date(now));
    return evidence;
  }

  /** versionStatus replaced the older status field; fall back for answers that lack it. */
  private static String status(ClusterVersionInformation v) {
    if (v.versionStatusAsString() != null) {
      return v.versionStatusAsString();
    }
    return v.statusAsString() == null ? null : v.statusAsString().toUpperCase().replace('-', '_');
  }

  private static String until(Instant end) {
    return end == null ? "" : " until " + date(end);
  }

  private static String date(Instant instant) {
    return instant.atZone(ZoneOffset.UTC).toLocalDate().toString();
  }

  private static String dollars(BigDecimal amount) {
    return "$" + amount.setScale(2);
  }
}
