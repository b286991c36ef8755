package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/**
 * Helm releases in a target cluster. Every method reads the release's own records (its Secrets)
 * first and does nothing when the release is already where it should be, so a retried attempt
 * never upgrades twice.
 */
@ActivityInterface
public interface HelmActivities {

  /**
   * {@code helm upgrade} of one release to a chart version, {@code --install} when asked. Already
   * deployed at that version with the same values: nothing is called. A release left pending by a
   * killed attempt fails with {@link FailureTypes#HELM_RELEASE_FAILED} naming its state.
   */
  @ActivityMethod(name = ActivityTypes.UPGRADE_HELM_RELEASE)
  UpgradeResult upgradeRelease(UpgradeRequest request);

  /**
   * Puts a release back to what an earlier revision deployed: that revision's chart version and
   * values. Already there: nothing is called.
   */
  @ActivityMethod(name = ActivityTypes.ROLLBACK_HELM_RELEASE)
  UpgradeResult rollbackRelease(RollbackRequest request);

  /** {@code helm uninstall}; a release that is already gone is fine. */
  @ActivityMethod(name = ActivityTypes.UNINSTALL_HELM_RELEASE)
  UninstallResult uninstallRelease(ReleaseRef release);

  /**
   * One release upgrade.
   *
   * @param chart the chart's name, e.g. karpenter
   * @param chartSource an OCI reference, a chart repository URL, or a local directory of
   *     {@code <chart>-<version>} folders or packages
   * @param values {@code --set} values, applied over the values the release had
   * @param valuesFrom a release whose user values a new release starts from (an Istio revision
   *     installed beside the old one), or null
   * @param install {@code --install}: install the release when it does not exist
   * @param adoptCustomResourceDefinitions CRDs to give the release's ownership labels before the
   *     upgrade, when they carry none or another release's (CRDs that the controller chart installed
   *     once, now owned by the CRD chart)
   * @param description what Helm records as the revision's description
   */
  record UpgradeRequest(
      ClusterRef cluster,
      String release,
      String namespace,
      String chart,
      String chartSource,
      String version,
      Map<String, String> values,
      String valuesFrom,
      boolean install,
      List<String> adoptCustomResourceDefinitions,
      String description) {

    public UpgradeRequest {
      values = values == null ? Map.of() : Map.copyOf(values);
      adoptCustomResourceDefinitions =
          adoptCustomResourceDefinitions == null ? List.of() : List.copyOf(adoptCustomResourceDefinitions);
    }
  }

  /**
   * What happened to a release.
   *
   * @param fromRevision the revision deployed before, 0 when it did not exist
   * @param revision the revision deployed after
   */
  record UpgradeResult(
      String release, How how, int fromRevision, int revision, String fromVersion, String version) {

    public enum How {
      ALREADY_AT_VERSION,
      INSTALLED,
      UPGRADED,
      ROLLED_BACK
    }
  }

  /** A rollback to what revision {@code toRevision} deployed; the chart comes from the source. */
  record RollbackRequest(
      ClusterRef cluster, String release, String namespace, String chart, String chartSource, int toRevision) {}

  record ReleaseRef(ClusterRef cluster, String release, String namespace) {}

  /** @param uninstalled false when the release was already gone */
  record UninstallResult(String release, boolean uninstalled) {}
}
