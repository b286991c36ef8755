package io.eksupgrader.activities.helm;

import io.eksupgrader.workflows.model.HelmReleaseInfo;
import java.util.Map;

/**
 * One revision of a Helm release as Helm's Secret storage driver keeps it in the cluster.
 *
 * @param status deployed, superseded, failed, pending-install, pending-upgrade, pending-rollback,
 *     uninstalling
 * @param config the user-supplied values of that revision ({@code helm get values})
 * @param manifest the rendered YAML documents of that revision ({@code helm get manifest}), or null
 */
public record StoredRelease(
    String name,
    String namespace,
    int revision,
    String status,
    String chart,
    String chartVersion,
    String appVersion,
    Map<String, Object> config,
    String manifest) {

  /** A revision read without its manifest. */
  public StoredRelease(
      String name,
      String namespace,
      int revision,
      String status,
      String chart,
      String chartVersion,
      String appVersion,
      Map<String, Object> config) {
    this(name, namespace, revision, status, chart, chartVersion, appVersion, config, null);
  }

  public boolean pending() {
    return status != null && status.startsWith("pending-");
  }

  public HelmReleaseInfo info() {
    return new HelmReleaseInfo(name, namespace, chart, chartVersion, appVersion, revision, status);
  }
}
