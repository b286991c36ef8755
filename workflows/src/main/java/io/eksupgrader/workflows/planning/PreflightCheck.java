package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.OfferedVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The minimal pre-flight: the cluster exists, is ACTIVE, runs no update, and every minor on the
 * way to the target is one EKS offers. Each blocker says what was found and what to do. The same
 * snapshot always gives the same blockers.
 */
public final class PreflightCheck {

  private PreflightCheck() {}

  public static List<String> blockers(ClusterSnapshot snapshot, String targetVersion) {
    List<String> blockers = new ArrayList<>();
    String where = snapshot.cluster().name() + " in " + snapshot.cluster().region();
    if (!snapshot.exists()) {
      blockers.add(
          "cluster "
              + where
              + " does not exist: check the name and the region (aws eks list-clusters --region "
              + snapshot.cluster().region()
              + ")");
      return blockers;
    }
    if (!"ACTIVE".equals(snapshot.status())) {
      blockers.add(
          "cluster "
              + where
              + " is "
              + snapshot.status()
              + ", not ACTIVE: wait until it is ACTIVE, then start again");
    }
    for (ClusterSnapshot.InProgressUpdate update : snapshot.updatesInProgress()) {
      blockers.add(
          "update "
              + update.id()
              + " ("
              + update.type()
              + (update.targetVersion() != null ? " to " + update.targetVersion() : "")
              + ") is in progress: wait for it to end (aws eks describe-update --name "
              + snapshot.cluster().name()
              + " --update-id "
              + update.id()
              + "), then start again");
    }
    if (!KubernetesVersion.isValid(targetVersion)) {
      blockers.add(
          "target version '" + targetVersion + "' is not an EKS version: use MAJOR.MINOR, e.g. 1.33");
      return blockers;
    }
    KubernetesVersion current = KubernetesVersion.parse(snapshot.version());
    KubernetesVersion target = KubernetesVersion.parse(targetVersion);
    if (target.equals(current)) {
      blockers.add("cluster " + where + " already runs " + current + ": there is nothing to upgrade");
    } else if (current.isAfter(target)) {
      blockers.add(
          "cluster "
              + where
              + " runs "
              + current
              + ", newer than the target "
              + target
              + ": EKS cannot downgrade a control plane");
    } else if (target.major() != current.major()) {
      blockers.add("an upgrade across major versions (" + current + " to " + target + ") is not supported");
    } else {
      Set<String> offered =
          snapshot.offeredVersions().stream()
              .filter(v -> !"UNSUPPORTED".equals(v.status()))
              .map(OfferedVersion::version)
              .collect(Collectors.toSet());
      for (KubernetesVersion step : UpgradePlanner.minorSteps(current, target)) {
        if (!offered.contains(step.toString())) {
          blockers.add(
              "EKS does not offer Kubernetes "
                  + step
                  + " in "
                  + snapshot.cluster().region()
                  + " (offered: "
                  + offered.stream().sorted().collect(Collectors.joining(", "))
                  + "): choose an offered target");
        }
      }
    }
    return blockers;
  }
}
