package io.eksupgrader.workflows.model;

/**
 * How the upgrade moves Istio: one canary revision per Istio minor.
 *
 * @param strategy null means {@link ComponentStrategy#HELM}
 * @param version the last Istio version to move to (e.g. 1.28.3); null takes the compatibility
 *     table's version for the target minor. Minors on the way get the table's version
 * @param chartSource where the charts {@code base}, {@code istiod} and {@code gateway} come from: a
 *     chart repository URL (default {@code https://istio-release.storage.googleapis.com/charts}), an
 *     OCI reference, or a local directory holding {@code <chart>-<version>} folders or packages
 * @param restartBatch how many workloads of a namespace are restarted at once; 0 means 5
 */
public record IstioOptions(
    ComponentStrategy strategy, String version, String chartSource, int restartBatch) {

  public static final String DEFAULT_CHART_SOURCE = "https://istio-release.storage.googleapis.com/charts";
  public static final int DEFAULT_RESTART_BATCH = 5;

  public static IstioOptions defaults() {
    return new IstioOptions(ComponentStrategy.HELM, null, null, 0);
  }

  public ComponentStrategy strategyOrDefault() {
    return strategy == null ? ComponentStrategy.HELM : strategy;
  }

  public String chartSourceOrDefault() {
    return chartSource == null || chartSource.isBlank() ? DEFAULT_CHART_SOURCE : chartSource;
  }

  public int restartBatchOrDefault() {
    return restartBatch > 0 ? restartBatch : DEFAULT_RESTART_BATCH;
  }
}
