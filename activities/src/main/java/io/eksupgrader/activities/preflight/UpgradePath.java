package io.eksupgrader.activities.preflight;

import io.eksupgrader.workflows.activities.PreflightActivities.PreflightRequest;
import io.eksupgrader.workflows.model.KubernetesVersion;
import java.util.List;

/**
 * The minors of a pre-flight request: the one the control plane runs, those it passes through in
 * order, and the last of them.
 */
record UpgradePath(KubernetesVersion current, List<KubernetesVersion> minors, KubernetesVersion target) {

  UpgradePath {
    minors = List.copyOf(minors);
  }

  static UpgradePath of(PreflightRequest request) {
    KubernetesVersion current = KubernetesVersion.parse(request.currentVersion());
    List<KubernetesVersion> minors = request.minors().stream().map(KubernetesVersion::parse).sorted().toList();
    KubernetesVersion target =
        request.targetVersion() != null
            ? KubernetesVersion.parse(request.targetVersion())
            : minors.isEmpty() ? current : minors.get(minors.size() - 1);
    return new UpgradePath(current, minors, target);
  }
}
