package io.eksupgrader.workflows.model;

/**
 * How the upgrade moves Karpenter.
 *
 * @param strategy null means {@link ComponentStrategy#HELM}
 * @param version the Karpenter version to move to; null takes the compatibility table's version
 *     for the target minor
 * @param chartSource where the charts {@code karpenter-crd} and {@code karpenter} come from: an
 *     OCI reference ({@code oci://public.ecr.aws/karpenter}, the default), a chart repository URL,
 *     or a local directory holding {@code <chart>-<version>} folders or packages
 */
public record KarpenterOptions(ComponentStrategy strategy, String version, String chartSource) {

  public static final String DEFAULT_CHART_SOURCE = "oci://public.ecr.aws/karpenter";

  public static KarpenterOptions defaults() {
    return new KarpenterOptions(ComponentStrategy.HELM, null, null);
  }

  public ComponentStrategy strategyOrDefault() {
    return strategy == null ? ComponentStrategy.HELM : strategy;
  }

  public String chartSourceOrDefault() {
    return chartSource == null || chartSource.isBlank() ? DEFAULT_CHART_SOURCE : chartSource;
  }
}
