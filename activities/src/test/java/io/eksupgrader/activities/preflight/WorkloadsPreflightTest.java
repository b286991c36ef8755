package io.eksupgrader.activities.preflight;

import static io.eksupgrader.activities.preflight.PreflightHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eksupgrader.activities.kube.NodeInstance;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.activities.PreflightActivities.PreflightRequest;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the drains will meet in a sandbox cluster at 1.32 on its way to 1.34: budgets that allow no
 * eviction, pods under two budgets, a single replica, a bare pod, emptyDir data, and nodes of
 * groups the upgrade does not replace whose kubelets the path leaves too far behind.
 */
class WorkloadsPreflightTest {

  private static final String TRIPPING =
      """
      name: workloads
      clusters:
        - name: shop
          region: us-east-1
          version: "1.32"
          nodeGroups:
            - {name: apps, desiredSize: 2, labels: {role: apps}}
            - {name: batch, version: "1.30", desiredSize: 1, labels: {role: batch}}
          selfManagedGroups:
            - {name: legacy, version: "1.29", desiredSize: 1}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 3}
              - {namespace: shop, name: api, replicas: 2}
              - {namespace: shop, name: cart, replicas: 2}
              - {namespace: shop, name: solo, replicas: 1}
              - {namespace: shop, name: cache, kind: StatefulSet, replicas: 2, emptyDir: true, nodeSelector: {role: apps}}
              - {namespace: shop, name: debug, kind: Pod, nodeSelector: {role: apps}}
              - {namespace: shop, name: stray, kind: Pod, nodeSelector: {role: batch}}
              - {namespace: kube-system, name: aws-node, kind: DaemonSet, emptyDir: true}
            pdbs:
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: 0}
              - {namespace: shop, name: api, selector: {app: api}, minAvailable: "100%"}
              - {namespace: shop, name: cart-a, selector: {app: cart}, maxUnavailable: 1}
              - {namespace: shop, name: cart-b, selector: {app: cart}, minAvailable: 1}
      """;

  /** 3 + 2 + 2 + 1 + 2 + 1 + 1 pods, and a DaemonSet pod on each of the 4 nodes. */
  private static final int TRIPPING_PODS = 16;

  private PreflightHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private static PreflightFinding about(List<PreflightFinding> findings, String check, String subject) {
    return findings.stream()
        .filter(f -> f.check().equals(check) && f.subject().equals(subject))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + check + " finding about " + subject + " in " + findings));
  }

  @Test
  void withKubectlsDefaultsTheDrainRefusesBarePodsAndEmptyDirAndSkewedNodesOfOtherGroupsBlock() {
    harness = new PreflightHarness(TRIPPING);
    harness.awaitPods(TRIPPING_PODS);
    int calls = harness.mutatingCalls();

    List<PreflightFinding> findings =
        harness.preflight.checkWorkloads(
            request("1.32", "1.34", List.of("1.33", "1.34"), DrainOptions.defaults(), List.of("apps")));

    assertThat(findings)
        .extracting(PreflightFinding::check, PreflightFinding::severity, PreflightFinding::minor)
        .containsExactly(
            tuple(PreflightActivities.PDB_NEVER_ALLOWS, Severity.WARNING, null),
            tuple(PreflightActivities.PDB_NEVER_ALLOWS, Severity.WARNING, null),
            tuple(PreflightActivities.POD_EMPTYDIR, Severity.BLOCKER, null),
            tuple(PreflightActivities.POD_MULTIPLE_PDBS, Severity.WARNING, null),
            tuple(PreflightActivities.POD_WITHOUT_CONTROLLER, Severity.BLOCKER, null),
            tuple(PreflightActivities.SINGLE_REPLICA, Severity.WARNING, null),
            tuple(PreflightActivities.VERSION_SKEW, Severity.BLOCKER, "1.33"),
            tuple(PreflightActivities.VERSION_SKEW, Severity.BLOCKER, "1.34"));
    assertThat(findings.subList(0, 6))
        .extracting(PreflightFinding::subject)
        .containsExactly(
            "shop/api (PodDisruptionBudget)",
            "shop/web (PodDisruptionBudget)",
            "shop/cache (StatefulSet)",
            "shop/cart (Deployment)",
            "shop/debug (Pod)",
            "shop/solo (Deployment)");

    PreflightFinding web = about(findings, PreflightActivities.PDB_NEVER_ALLOWS, "shop/web (PodDisruptionBudget)");
    assertThat(web.summary())
        .isEqualTo("allows no eviction of its 3 pod(s) (spec.maxUnavailable: 0): draining a node that runs one retries for the"
            + " drain timeout (900s), then stops and asks for a decision");
    assertThat(web.evidence()).contains("selects Deployment shop/web (3 replica(s))");
    assertThat(web.evidence().get(2)).startsWith("pods: shop/web-").contains(" on ");
    assertThat(about(findings, PreflightActivities.PDB_NEVER_ALLOWS, "shop/api (PodDisruptionBudget)").summary())
        .contains("(spec.minAvailable: 100% of 2 expected pod(s))");

    PreflightFinding cart = about(findings, PreflightActivities.POD_MULTIPLE_PDBS, "shop/cart (Deployment)");
    assertThat(cart.summary())
        .isEqualTo("2 pod(s) selected by 2 PodDisruptionBudgets (shop/cart-a, shop/cart-b): the eviction API refuses such"
            + " pods with 500, so no drain can evict them");

    PreflightFinding cache = about(findings, PreflightActivities.POD_EMPTYDIR, "shop/cache (StatefulSet)");
    assertThat(cache.summary()).startsWith("2 pod(s) with emptyDir volumes: the drain refuses them without delete-emptydir-data");
    assertThat(findings).as("DaemonSet pods are skipped as the drain skips them").noneMatch(f -> f.subject().contains("aws-node"));
    assertThat(findings).as("no step drains the batch group's node").noneMatch(f -> f.subject().equals("shop/stray (Pod)"));

    assertThat(about(findings, PreflightActivities.POD_WITHOUT_CONTROLLER, "shop/debug (Pod)").remedy()).contains("drain.force");
    assertThat(about(findings, PreflightActivities.SINGLE_REPLICA, "shop/solo (Deployment)").evidence())
        .contains("shop/solo (Deployment): spec.replicas 1");

    PreflightFinding legacy = findings.get(6);
    assertThat(legacy.subject()).endsWith(" (Node)");
    assertThat(legacy.summary())
        .isEqualTo("kubelet 1.29 would be 4 minors behind Kubernetes 1.33 (at most 3 are allowed), and no step of this upgrade"
            + " replaces the node");
    assertThat(legacy.evidence().get(1)).endsWith("belongs to self-managed group legacy (alpha.eksctl.io/nodegroup-name)");
    PreflightFinding batch = findings.get(7);
    assertThat(batch.summary()).startsWith("kubelet 1.30 would be 4 minors behind Kubernetes 1.34");
    assertThat(batch.evidence().get(1))
        .endsWith("belongs to managed node group batch (eks.amazonaws.com/nodegroup), which this upgrade does not replace");
    assertThat(findings).as("the apps group is replaced, and its nodes are at 1.32 anyway").noneMatch(f -> f.evidence().toString().contains("group apps"));
    assertThat(harness.mutatingCalls()).as("pre-flight only reads").isEqualTo(calls);
  }

  @Test
  void forceAndDeleteEmptyDirDataTurnTheRefusalsIntoWarningsOfWhatIsLostAndReplacedGroupsNeedNoSkewFinding() {
    harness = new PreflightHarness(TRIPPING);
    harness.awaitPods(TRIPPING_PODS);
    DrainOptions forcing = new DrainOptions(true, true, true, -1, 600, 1);

    List<PreflightFinding> findings =
        harness.preflight.checkWorkloads(request("1.32", "1.34", List.of("1.33", "1.34"), forcing, List.of("apps", "batch")));

    PreflightFinding debug = about(findings, PreflightActivities.POD_WITHOUT_CONTROLLER, "shop/debug (Pod)");
    assertThat(debug.severity()).isEqualTo(Severity.WARNING);
    assertThat(about(findings, PreflightActivities.POD_WITHOUT_CONTROLLER, "shop/stray (Pod)").severity())
        .as("batch is replaced now, so its node is drained")
        .isEqualTo(Severity.WARNING);
    assertThat(debug.summary()).isEqualTo("has no controller: the drain evicts it (drain.force) and nothing recreates it");
    PreflightFinding cache = about(findings, PreflightActivities.POD_EMPTYDIR, "shop/cache (StatefulSet)");
    assertThat(cache.severity()).isEqualTo(Severity.WARNING);
    assertThat(cache.summary()).endsWith("the data in those volumes is lost");
    assertThat(about(findings, PreflightActivities.PDB_NEVER_ALLOWS, "shop/web (PodDisruptionBudget)").summary())
        .contains("drain timeout (600s)");
    assertThat(findings.stream().filter(f -> f.check().equals(PreflightActivities.VERSION_SKEW)))
        .singleElement()
        .satisfies(f -> assertThat(f.evidence().get(1)).contains("self-managed group legacy"));

    List<String> legacyInstances =
        harness.admin().nodes().withLabel("alpha.eksctl.io/nodegroup-name", "legacy").list().getItems().stream()
            .map(n -> NodeInstance.instanceId(n).orElseThrow())
            .toList();
    assertThat(legacyInstances).isNotEmpty();
    List<PreflightFinding> legacyReplaced =
        harness.preflight.checkWorkloads(
            new PreflightRequest(
                PreflightHarness.SHOP, "1.32", "1.34", List.of("1.33", "1.34"), forcing, List.of("apps", "batch"),
                legacyInstances, null));
    assertThat(legacyReplaced)
        .as("the self-managed group's instances are replaced too")
        .noneMatch(f -> f.check().equals(PreflightActivities.VERSION_SKEW));
  }

  @Test
  void aClusterWhoseBudgetsAllowEvictionsAndWhoseNodesAreAllReplacedHasNoFindings() {
    harness =
        new PreflightHarness(
            """
            name: clean-workloads
            clusters:
              - name: shop
                region: us-east-1
                version: "1.32"
                nodeGroups:
                  - {name: apps, desiredSize: 2}
                kubernetes:
                  workloads:
                    - {namespace: shop, name: web, replicas: 3}
                    - {namespace: shop, name: db, kind: StatefulSet, replicas: 3}
                    - {namespace: kube-system, name: aws-node, kind: DaemonSet}
                  pdbs:
                    - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: 1}
                    - {namespace: shop, name: db, selector: {app: db}, minAvailable: 2}
            """);
    harness.awaitPods(8);

    assertThat(
            harness.preflight.checkWorkloads(
                request("1.32", "1.34", List.of("1.33", "1.34"), DrainOptions.defaults(), List.of("apps"))))
        .isEmpty();
  }
}
