package io.eksupgrader.sandbox.kube;

import io.eksupgrader.sandbox.Scenario.DeprecatedApiRequestSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API server's {@code /metrics} in Prometheus' text format 0.0.4, with the families a client
 * looking for deprecated APIs reads: {@code apiserver_requested_deprecated_apis} (1 per deprecated
 * group/version/resource a client requested, as the scenario lists them) and {@code
 * kubernetes_build_info}. As the real exposition does, labels are in name order and a family
 * without samples is left out entirely.
 */
final class ApiServerMetrics {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private ApiServerMetrics() {}

  static String text(List<DeprecatedApiRequestSpec> requested, String kubernetesVersion) {
    StringBuilder out = new StringBuilder();
    if (!requested.isEmpty()) {
      out.append("# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that")
          .append(" have been requested, by API group, version, resource, subresource and the release")
          .append(" that removes them.\n")
          .append("# TYPE apiserver_requested_deprecated_apis gauge\n");
      for (DeprecatedApiRequestSpec r : requested) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("group", r.group());
        labels.put("version", r.version());
        labels.put("resource", r.resource());
        labels.put("subresource", r.subresource());
        labels.put("removed_release", r.removedRelease());
        sample(out, "apiserver_requested_deprecated_apis", labels, "1");
      }
    }
    String[] parts = kubernetesVersion.split("\\.");
    Map<String, String> build = new TreeMap<>();
    build.put("major", parts[0]);
    build.put("minor", parts.length > 1 ? parts[1] : "0");
    build.put("git_version", Manifests.kubeletVersion(kubernetesVersion));
    build.put("git_tree_state", "clean");
    build.put("go_version", "go1.23.0");
    build.put("compiler", "gc");
    build.put("platform", "linux/amd64");
    out.append("# HELP kubernetes_build_info [ALPHA] A metric with a constant '1' value labeled by the")
        .append(" version Kubernetes was built from and the platform it runs on.\n")
        .append("# TYPE kubernetes_build_info gauge\n");
    sample(out, "kubernetes_build_info", build, "1");
    return out.toString();
  }

  private static void sample(StringBuilder out, String name, Map<String, String> labels, String value) {
    out.append(name).append('{');
    boolean first = true;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
    }
    out.append("} ").append(value).append('\n');
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
