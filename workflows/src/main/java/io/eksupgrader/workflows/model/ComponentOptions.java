package io.eksupgrader.workflows.model;

/** How the cluster's own components move with it; a null part takes its defaults. */
public record ComponentOptions(KarpenterOptions karpenter, IstioOptions istio) {

  public static ComponentOptions defaults() {
    return new ComponentOptions(KarpenterOptions.defaults(), IstioOptions.defaults());
  }

  public KarpenterOptions karpenterOrDefaults() {
    return karpenter != null ? karpenter : KarpenterOptions.defaults();
  }

  public IstioOptions istioOrDefaults() {
    return istio != null ? istio : IstioOptions.defaults();
  }
}
