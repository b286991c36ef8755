package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * Istio's control plane and mesh in a cluster, as pre-flight found them: the revisions, the revision
 * tags, how each namespace selects its revision, and the gateways. Recorded before any change, it is
 * also the rollback point of the first Istio step.
 *
 * @param baseRelease the Helm release of chart {@code base} (Istio's CRDs), or null
 * @param target the Istio versions to move through, one minor at a time
 */
public record IstioInstallation(
    boolean installed,
    String namespace,
    List<Revision> revisions,
    List<RevisionTag> tags,
    List<MeshNamespace> namespaces,
    List<Gateway> gateways,
    HelmReleaseInfo baseRelease,
    ComponentTarget target) {

  public IstioInstallation {
    revisions = revisions == null ? List.of() : List.copyOf(revisions);
    tags = tags == null ? List.of() : List.copyOf(tags);
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    gateways = gateways == null ? List.of() : List.copyOf(gateways);
  }

  public static IstioInstallation notInstalled() {
    return new IstioInstallation(false, null, null, null, null, null, null, null);
  }

  /**
   * One istiod control plane.
   *
   * @param name the revision, {@code default} for an install without one
   * @param version istiod's version, e.g. 1.26.2
   * @param release its Helm release, or null
   */
  public record Revision(String name, String version, String deployment, int readyReplicas, HelmReleaseInfo release) {}

  /** A revision tag ({@code istioctl tag set}): namespaces labelled with the tag get its revision. */
  public record RevisionTag(String name, String revision) {}

  /**
   * A namespace that selects a revision for its pods' sidecars.
   *
   * @param injection its {@code istio-injection} label, or null
   * @param rev its {@code istio.io/rev} label (a revision or a tag), or null
   * @param revision the revision those labels resolve to
   */
  public record MeshNamespace(String name, String injection, String rev, String revision) {}

  /**
   * A gateway Deployment, injected with the {@code gateway} template.
   *
   * @param revision the revision its pods' {@code istio.io/rev} label names
   * @param proxyVersion the proxy version its pods run
   * @param release its Helm release (chart {@code gateway}), or null
   */
  public record Gateway(String namespace, String name, String revision, String proxyVersion, HelmReleaseInfo release) {}
}
