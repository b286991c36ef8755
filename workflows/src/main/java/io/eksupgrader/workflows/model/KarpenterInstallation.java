package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Karpenter's installation in a cluster, as pre-flight found it: the rollback point of the
 * Karpenter phase (its Helm releases' revisions and every EC2NodeClass's spec, recorded before any
 * change) and what the upgrade must change.
 *
 * @param installed whether a Karpenter controller Deployment runs
 * @param controllerVersion the controller image's version, e.g. 1.0.2
 * @param controllerRelease the Helm release of chart {@code karpenter}, or null when Helm does not
 *     manage it
 * @param crdRelease the Helm release of chart {@code karpenter-crd}, or null
 * @param crdsToMigrate CRDs whose stored versions still include one that the target stops serving
 *     (v1beta1 from Karpenter 1.1): their objects must be rewritten first
 * @param nodeClasses every EC2NodeClass with the change the target needs, if any
 * @param driftBlockedBy NodePools whose disruption budgets allow no node to drift, with the budget
 */
public record KarpenterInstallation(
    boolean installed,
    String namespace,
    String deployment,
    String controllerVersion,
    HelmReleaseInfo controllerRelease,
    HelmReleaseInfo crdRelease,
    List<CrdInfo> crds,
    List<String> crdsToMigrate,
    List<NodeClassInfo> nodeClasses,
    List<String> driftBlockedBy,
    ComponentTarget target) {

  public KarpenterInstallation {
    crds = crds == null ? List.of() : List.copyOf(crds);
    crdsToMigrate = crdsToMigrate == null ? List.of() : List.copyOf(crdsToMigrate);
    nodeClasses = nodeClasses == null ? List.of() : List.copyOf(nodeClasses);
    driftBlockedBy = driftBlockedBy == null ? List.of() : List.copyOf(driftBlockedBy);
  }

  public static KarpenterInstallation notInstalled() {
    return new KarpenterInstallation(false, null, null, null, null, null, null, null, null, null, null);
  }

  /** The node classes the target needs changed. */
  public List<NodeClassInfo> nodeClassChanges() {
    return nodeClasses.stream().filter(c -> c.patch() != null).toList();
  }

  /**
   * One CustomResourceDefinition of Karpenter.
   *
   * @param storedVersions {@code status.storedVersions}: versions objects may still be stored in
   * @param helmRelease the release named in its {@code meta.helm.sh/release-name}, or null
   */
  public record CrdInfo(
      String name, List<String> servedVersions, List<String> storedVersions, boolean established, String helmRelease) {

    public CrdInfo {
      servedVersions = servedVersions == null ? List.of() : List.copyOf(servedVersions);
      storedVersions = storedVersions == null ? List.of() : List.copyOf(storedVersions);
    }
  }

  /**
   * One EC2NodeClass.
   *
   * @param amiFamily {@code spec.amiFamily}, or null when an alias decides it
   * @param aliases the {@code alias} terms of {@code spec.amiSelectorTerms}, e.g. al2@latest
   * @param specJson the whole spec as JSON, recorded so that a rollback can restore it
   * @param patch the JSON merge patch the target needs (e.g. alias al2@latest to al2023@latest), or
   *     null when none
   * @param change what the patch changes, in words, or why none can be made
   */
  public record NodeClassInfo(
      String name, String amiFamily, List<String> aliases, String specJson, String patch, String change) {

    public NodeClassInfo {
      aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
  }
}
