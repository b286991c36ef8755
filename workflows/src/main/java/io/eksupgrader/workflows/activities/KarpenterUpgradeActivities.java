package io.eksupgrader.workflows.activities;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Karpenter itself: its CRDs, controller and EC2NodeClasses. Its Helm charts move through {@link
 * HelmActivities}; these observe, migrate stored versions and change node classes, each safe to
 * run again.
 */
@ActivityInterface
public interface KarpenterUpgradeActivities {

  /**
   * The controller, its Helm releases, CRDs with served and stored versions, EC2NodeClasses (with
   * the change the target needs) and NodePools whose budgets stop drift; and, from the
   * compatibility table, the Karpenter version the target needs. Reads only.
   */
  @ActivityMethod(name = ActivityTypes.INSPECT_KARPENTER_INSTALLATION)
  KarpenterInstallation inspectKarpenterInstallation(ComponentInspectionRequest request);

  /**
   * Rewrites every object of the CRDs so that it is stored at the storage version, then drops the
   * older versions from each CRD's {@code status.storedVersions}, as kube-storage-version-migrator
   * does. CRDs already stored at one version only are left alone.
   */
  @ActivityMethod(name = ActivityTypes.MIGRATE_KARPENTER_STORAGE)
  StorageMigrationResult migrateStoredVersions(StorageMigrationRequest request);

  /**
   * Waits until the CRDs are Established and the controller Deployment runs {@code
   * controllerVersion} with all its replicas Ready (heartbeating); with {@code untilReady} false it looks
   * once. Not there in time, or at once without waiting: fails with the non-retryable {@link
   * FailureTypes#COMPONENT_NOT_READY} saying what differs.
   */
  @ActivityMethod(name = ActivityTypes.AWAIT_KARPENTER_READY)
  ReadyResult awaitKarpenterReady(ReadyRequest request);

  /** Applies each node class's merge patch; a class that already matches is left alone. */
  @ActivityMethod(name = ActivityTypes.UPDATE_NODE_CLASSES)
  NodeClassResult updateNodeClasses(NodeClassUpdate request);

  /** Puts each node class's whole spec back as recorded; one that already matches is left alone. */
  @ActivityMethod(name = ActivityTypes.RESTORE_NODE_CLASSES)
  NodeClassResult restoreNodeClasses(NodeClassRestore request);

  record StorageMigrationRequest(ClusterRef cluster, List<String> crds) {
    public StorageMigrationRequest {
      crds = List.copyOf(crds);
    }
  }

  record StorageMigrationResult(int objectsRewritten, List<String> crdsMigrated) {}

  /**
   * @param controllerVersion the version the controller must run; null checks the CRDs only
   * @param crds CRDs that must be Established
   */
  record ReadyRequest(
      ClusterRef cluster, String namespace, String deployment, String controllerVersion, List<String> crds, boolean untilReady) {
    public ReadyRequest {
      crds = crds == null ? List.of() : List.copyOf(crds);
    }
  }

  record ReadyResult(String controllerVersion, int readyReplicas, List<String> crdsEstablished) {}

  /** @param patch a JSON merge patch of the EC2NodeClass */
  record NodeClassPatch(String name, String patch) {}

  record NodeClassUpdate(ClusterRef cluster, List<NodeClassPatch> patches) {
    public NodeClassUpdate {
      patches = List.copyOf(patches);
    }
  }

  /** @param specJson the whole spec to put back */
  record NodeClassSpec(String name, String specJson) {}

  record NodeClassRestore(ClusterRef cluster, List<NodeClassSpec> specs) {
    public NodeClassRestore {
      specs = List.copyOf(specs);
    }
  }

  record NodeClassResult(List<String> changed, List<String> unchanged) {}
}
