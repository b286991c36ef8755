package io.eksupgrader.activities.karpenter;

import static io.eksupgrader.activities.helm.ComponentHarness.SHOP;
import static io.eksupgrader.activities.helm.ComponentHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.helm.ComponentHarness;
import io.eksupgrader.sandbox.kube.RbacRefusal;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.HelmActivities;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities.NodeClassPatch;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities.NodeClassSpec;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.model.KarpenterInstallation.CrdInfo;
import io.eksupgrader.workflows.model.KarpenterInstallation.NodeClassInfo;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Karpenter moved from 1.0.2 to 1.6.3 the way seed 003 and Karpenter's guide order it, against the
 * sandbox's Karpenter: stored versions migrated before the CRD chart (which the API server would
 * refuse otherwise), the CRD chart before the controller's, the controller waited for, then the
 * node class moved to AL2023 and its nodes drifted by Karpenter itself.
 */
class KarpenterUpgradeActivitiesTest {

  private static final String KARPENTER =
      """
      karpenter:
        version: "1.0.2"
        installedBy: helm
        crdStoredVersions: [v1beta1, v1]
        nodeClasses:
          - {name: default, alias: al2@latest}
        nodePools:
          - {name: general, nodes: 2, driftBudget: "1", nodeClass: default}
      kubernetes:
        rbac: {file: deploy/rbac.yaml}
      """;

  @TempDir Path work;
  private ComponentHarness cluster;

  /** The worker's RBAC of deploy/rbac.yaml is enforced; no test may need more than it grants. */
  @AfterEach
  void close() {
    try {
      assertThat(cluster.kube().rbacRefusals()).extracting(RbacRefusal::rule).isEmpty();
    } finally {
      cluster.close();
    }
  }

  private KarpenterUpgradeActivities karpenter() {
    return cluster.stub(
        KarpenterUpgradeActivities.class,
        new KubernetesKarpenterUpgradeActivities(
            cluster.clients, new KarpenterUpgradeSettings(Duration.ofMillis(100), Duration.ofSeconds(20))));
  }

  private static ComponentInspectionRequest inspection(String target) {
    return new ComponentInspectionRequest(SHOP, "1.32", target, null);
  }

  private HelmActivities.UpgradeRequest chart(String release, String chart, String version, List<String> adopt) {
    return new HelmActivities.UpgradeRequest(
        SHOP, release, "kube-system", chart, cluster.charts.toString(), version, Map.of(), null, true, adopt, "test");
  }

  private List<String> storedVersions(String crd) {
    CustomResourceDefinition found = cluster.admin().apiextensions().v1().customResourceDefinitions().withName(crd).get();
    return found.getStatus().getStoredVersions();
  }

  @Test
  void inspectionFindsTheControllerItsReleasesStoredVersionsAndTheNodeClassChangeTheTargetNeeds() {
    cluster =
        new ComponentHarness(
            work,
            KARPENTER.replace(
                "  nodePools:\n",
                "    - {name: gpu, amiFamily: AL2, amiIds: [ami-0abc1234def567890]}\n  nodePools:\n    - {name: frozen, nodes: 1, driftBudget: \"0\"}\n"));

    KarpenterInstallation found = karpenter().inspectKarpenterInstallation(inspection("1.34"));

    assertThat(found.controllerVersion()).isEqualTo("1.0.2");
    assertThat(found.namespace() + "/" + found.deployment()).isEqualTo("kube-system/karpenter");
    assertThat(found.controllerRelease().chart() + " " + found.controllerRelease().chartVersion() + " rev " + found.controllerRelease().revision())
        .isEqualTo("karpenter 1.0.2 rev 1");
    assertThat(found.crdRelease().name()).isEqualTo("karpenter-crd");
    assertThat(found.target().versions()).containsExactly("1.6.3");
    assertThat(found.crds()).extracting(CrdInfo::name)
        .containsExactly("nodepools.karpenter.sh", "nodeclaims.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws");
    assertThat(found.crdsToMigrate()).as("1.6.3 no longer serves v1beta1").hasSize(3);
    assertThat(found.nodeClassChanges()).extracting(NodeClassInfo::name, NodeClassInfo::change)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("default", "alias al2@latest → al2023@latest"));
    assertThat(found.target().blockers())
        .singleElement()
        .asString()
        .startsWith("EC2NodeClass gpu: amiFamily AL2 with images ami-0abc1234def567890: EKS publishes no Amazon Linux 2 AMIs for Kubernetes 1.33");
    assertThat(found.driftBlockedBy()).containsExactly("frozen (nodes: 0)");
    assertThat(karpenter().inspectKarpenterInstallation(inspection("1.33")).target().versions())
        .as("1.33 needs 1.5 only")
        .containsExactly("1.5.4");
  }

  @Test
  void storedVersionsGoBeforeTheCrdChartTheCrdChartBeforeTheControllerAndTheNodeClassMovesLast() {
    cluster = new ComponentHarness(work, KARPENTER);
    KarpenterUpgradeActivities karpenter = karpenter();
    HelmActivities helm = cluster.helm();
    KarpenterInstallation found = karpenter.inspectKarpenterInstallation(inspection("1.34"));

    ActivityFailure refused =
        catchThrowableOfType(ActivityFailure.class, () -> helm.upgradeRelease(chart("karpenter-crd", "karpenter-crd", "1.6.3", List.of())));
    assertThat(((ApplicationFailure) refused.getCause()).getType()).isEqualTo(FailureTypes.HELM_RELEASE_FAILED);
    assertThat(refused.getCause().getMessage())
        .as("the API server keeps a CRD from dropping a version objects may still be stored in")
        .contains("status.storedVersions[0]: Invalid value: \"v1beta1\": must appear in spec.versions");
    assertThat(storedVersions("nodepools.karpenter.sh")).containsExactly("v1beta1", "v1");

    var migrated = karpenter.migrateStoredVersions(new KarpenterUpgradeActivities.StorageMigrationRequest(SHOP, found.crdsToMigrate()));
    assertThat(migrated.crdsMigrated()).hasSize(3);
    assertThat(migrated.objectsRewritten()).as("2 NodeClaims, 1 NodePool, 1 EC2NodeClass").isEqualTo(4);
    assertThat(storedVersions("nodepools.karpenter.sh")).containsExactly("v1");
    assertThat(karpenter.migrateStoredVersions(new KarpenterUpgradeActivities.StorageMigrationRequest(SHOP, found.crdsToMigrate())).crdsMigrated())
        .as("a second run finds nothing to do")
        .isEmpty();

    assertThat(helm.upgradeRelease(chart("karpenter-crd", "karpenter-crd", "1.6.3", List.of())).how())
        .isEqualTo(HelmActivities.UpgradeResult.How.UPGRADED);
    List<String> crds = found.crds().stream().map(CrdInfo::name).toList();
    assertThat(karpenter.awaitKarpenterReady(new KarpenterUpgradeActivities.ReadyRequest(SHOP, "kube-system", "karpenter", null, crds, true)).crdsEstablished())
        .hasSize(3);
    helm.upgradeRelease(chart("karpenter", "karpenter", "1.6.3", List.of()));
    var ready =
        karpenter.awaitKarpenterReady(new KarpenterUpgradeActivities.ReadyRequest(SHOP, "kube-system", "karpenter", "1.6.3", crds, true));
    assertThat(ready.controllerVersion()).isEqualTo("1.6.3");
    assertThat(ready.readyReplicas()).isEqualTo(2);

    NodeClassInfo change = found.nodeClassChanges().get(0);
    var patched = karpenter.updateNodeClasses(new KarpenterUpgradeActivities.NodeClassUpdate(SHOP, List.of(new NodeClassPatch(change.name(), change.patch()))));
    assertThat(patched.changed()).containsExactly("default");
    assertThat(karpenter.updateNodeClasses(new KarpenterUpgradeActivities.NodeClassUpdate(SHOP, List.of(new NodeClassPatch(change.name(), change.patch())))).unchanged())
        .containsExactly("default");
    eventually(
        () -> {
          List<Node> nodes = cluster.admin().nodes().withLabel("karpenter.sh/nodepool", "general").list().getItems();
          return nodes.size() == 2 && nodes.stream().allMatch(n -> n.getStatus().getNodeInfo().getOsImage().startsWith("Amazon Linux 2023"));
        },
        "Karpenter drifts the node class's nodes to AL2023");

    var restored =
        karpenter.restoreNodeClasses(new KarpenterUpgradeActivities.NodeClassRestore(SHOP, List.of(new NodeClassSpec(change.name(), change.specJson()))));
    assertThat(restored.changed()).containsExactly("default");
    assertThat(karpenter.inspectKarpenterInstallation(inspection("1.34")).nodeClassChanges())
        .as("back on its recorded spec, the node class needs the move again")
        .hasSize(1);
  }

  @Test
  void lookingOnceAtAControllerThatDoesNotRunTheVersionNamesWhatDiffers() {
    cluster = new ComponentHarness(work, KARPENTER);
    KarpenterUpgradeActivities karpenter = karpenter();

    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class,
            () ->
                karpenter.awaitKarpenterReady(
                    new KarpenterUpgradeActivities.ReadyRequest(SHOP, "kube-system", "karpenter", "1.6.3", List.of("nodepools.karpenter.sh"), false)));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(FailureTypes.COMPONENT_NOT_READY);
    assertThat(cause.getOriginalMessage())
        .isEqualTo(
            "Karpenter is not as it must be: Deployment kube-system/karpenter runs 1.0.2, not 1.6.3. Change it through your GitOps, then decide retry");
  }
}
