package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.InsightSpec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A cluster's EKS upgrade insights: the scenario's, or, when it names none, the three upgrade
 * readiness checks EKS shows PASSING for a clean cluster, about the minor after the control plane's
 * current one (so they move on with an upgrade, as EKS refreshes them).
 */
final class UpgradeInsights {

  /** Where EKS points every upgrade insight. */
  static final Map<String, String> DEFAULT_ADDITIONAL_INFO =
      Map.of(
          "EKS update cluster documentation",
          "https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html");

  private UpgradeInsights() {}

  /** The insights of a cluster whose control plane runs {@code currentVersion}. */
  static List<InsightSpec> of(ClusterSpec cluster, String currentVersion) {
    if (cluster.insights() != null) {
      return cluster.insights();
    }
    String next = nextMinor(currentVersion);
    Map<String, String> deprecationInfo = new LinkedHashMap<>(DEFAULT_ADDITIONAL_INFO);
    deprecationInfo.put(
        "Kubernetes v" + next + " deprecation guide",
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v" + next.replace('.', '-'));
    return List.of(
        passing(
            cluster,
            "Deprecated APIs removed in Kubernetes v" + next,
            next,
            "No deprecated API usage detected within the last 30 days.",
            "Checks for usage of deprecated APIs that are scheduled for removal in Kubernetes v"
                + next
                + ". Upgrading before the manifests and clients move to the APIs v"
                + next
                + " serves could break applications.",
            "Update manifests and API clients to use newer Kubernetes APIs if applicable before"
                + " upgrading to Kubernetes v"
                + next
                + ".",
            deprecationInfo),
        passing(
            cluster,
            "Kubelet version skew",
            next,
            "No kubelet version skew issues detected.",
            "Checks the kubelet versions of the cluster's nodes against the Kubernetes version"
                + " skew policy for an upgrade to v"
                + next
                + ".",
            "Upgrade your worker nodes to match the Kubernetes version of your cluster control"
                + " plane before upgrading the control plane.",
            DEFAULT_ADDITIONAL_INFO),
        passing(
            cluster,
            "Cluster health issues",
            next,
            "No cluster health issues detected.",
            "Checks for cluster health issues that would keep an upgrade to Kubernetes v"
                + next
                + " from succeeding.",
            "Resolve the cluster health issues EKS reports before upgrading.",
            DEFAULT_ADDITIONAL_INFO));
  }

  private static InsightSpec passing(
      ClusterSpec cluster,
      String name,
      String version,
      String reason,
      String description,
      String recommendation,
      Map<String, String> additionalInfo) {
    return new InsightSpec(
        idFor(cluster.region(), cluster.name(), name),
        name,
        "UPGRADE_READINESS",
        version,
        "PASSING",
        reason,
        description,
        recommendation,
        additionalInfo,
        List.of(),
        List.of());
  }

  /** A stable id for an insight the scenario gives no id: a UUID from its cluster and name. */
  static String idFor(String region, String cluster, String name) {
    return UUID.nameUUIDFromBytes(
            (region + "/" + cluster + "/insight/" + name).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The reason an insight of the scenario gives when it names none. */
  static String defaultReason(String status) {
    return switch (status) {
      case "PASSING" -> "No issues detected.";
      case "WARNING" -> "Issues detected that may affect the upgrade.";
      case "ERROR" -> "Issues detected that must be resolved before upgrading.";
      default -> "The status could not be determined.";
    };
  }

  private static String nextMinor(String version) {
    String[] parts = version.split("\\.");
    return parts[0] + "." + (Integer.parseInt(parts[1]) + 1);
  }
}
