package io.eksupgrader.workflows.model;

/**
 * The latest revision of a Helm release, as Helm's storage in the cluster records it.
 *
 * @param revision Helm's revision number, 1 for the install
 * @param status deployed, failed, pending-upgrade, …
 */
public record HelmReleaseInfo(
    String name,
    String namespace,
    String chart,
    String chartVersion,
    String appVersion,
    int revision,
    String status) {

  public boolean deployed() {
    return "deployed".equals(status);
  }

  @Override
  public String toString() {
    return namespace + "/" + name + " (chart " + chart + " " + chartVersion + ", revision " + revision + ", " + status + ")";
  }
}
