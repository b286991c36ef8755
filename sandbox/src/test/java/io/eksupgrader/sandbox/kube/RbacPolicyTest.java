package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.ScenarioException;
import io.fabric8.kubernetes.api.model.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's RBAC authorizer decides as Kubernetes' does, and deploy/rbac.yaml says what it should. */
class RbacPolicyTest {

  private static final Path DEPLOY = Path.of("..", "deploy", "rbac.yaml");

  private static final String FIXTURE =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: reader}
      rules:
        - {apiGroups: [""], resources: [configmaps], resourceNames: [settings], verbs: [get]}
        - {apiGroups: [apps], resources: ["*/scale"], verbs: [update]}
        - {nonResourceURLs: ["/logs/*"], verbs: [get]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: unbound}
      rules:
        - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: reader}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
      subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: readers}]
      """;

  @TempDir Path dir;

  private static ApiRequest call(String method, String path) {
    return ApiRequest.of(method, path, null);
  }

  private RbacPolicy fixture() throws IOException {
    Path file = dir.resolve("rbac.yaml");
    Files.writeString(file, FIXTURE);
    return RbacPolicy.load(file, List.of("readers"));
  }

  @Test
  void methodsMapToVerbsAsTheApiServerMapsThem() {
    assertThat(RbacPolicy.verbOf(call("GET", "/api/v1/namespaces/shop/pods"))).isEqualTo("list");
    assertThat(RbacPolicy.verbOf(call("GET", "/api/v1/pods?watch=true"))).isEqualTo("watch");
    assertThat(RbacPolicy.verbOf(call("GET", "/api/v1/namespaces/shop/pods/web-1"))).isEqualTo("get");
    assertThat(RbacPolicy.verbOf(call("POST", "/api/v1/namespaces/shop/pods"))).isEqualTo("create");
    assertThat(RbacPolicy.verbOf(call("PUT", "/api/v1/nodes/n1"))).isEqualTo("update");
    assertThat(RbacPolicy.verbOf(call("PATCH", "/api/v1/nodes/n1"))).isEqualTo("patch");
    assertThat(RbacPolicy.verbOf(call("DELETE", "/api/v1/namespaces/shop/pods/web-1"))).isEqualTo("delete");
    assertThat(RbacPolicy.verbOf(call("DELETE", "/api/v1/namespaces/shop/pods"))).isEqualTo("deletecollection");
    assertThat(RbacPolicy.verbOf(call("GET", "/metrics"))).isEqualTo("get");
  }

  @Test
  void theWorkersRoleEvictsButDeletesPodsOnlyWithTheForceDeleteRole() {
    RbacPolicy worker = RbacPolicy.load(DEPLOY, List.of("eks-upgrader"));
    RbacPolicy forcing = RbacPolicy.load(DEPLOY, List.of("eks-upgrader", "eks-upgrader-force-delete"));

    assertThat(worker.clusterRoles()).containsExactly("eks-upgrader");
    assertThat(worker.allows(call("POST", "/api/v1/namespaces/shop/pods/web-1/eviction"))).isTrue();
    assertThat(worker.allows(call("POST", "/api/v1/namespaces/shop/pods"))).isFalse();
    assertThat(worker.allows(call("DELETE", "/api/v1/namespaces/shop/pods/web-1"))).isFalse();
    assertThat(worker.allows(call("DELETE", "/api/v1/namespaces/shop/pods"))).isFalse();
    assertThat(forcing.allows(call("DELETE", "/api/v1/namespaces/shop/pods/web-1"))).isTrue();
    assertThat(forcing.allows(call("DELETE", "/api/v1/namespaces/shop/pods"))).isFalse();
  }

  @Test
  void subresourcesAreAuthorizedApartFromTheirResource() throws IOException {
    RbacPolicy worker = RbacPolicy.load(DEPLOY, List.of("eks-upgrader"));
    String crd = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/nodepools.karpenter.sh";
    assertThat(worker.allows(call("PATCH", crd + "/status"))).isTrue();
    assertThat(worker.allows(call("DELETE", crd))).isFalse();
    assertThat(worker.allows(call("PATCH", "/api/v1/nodes/n1/status"))).isFalse();

    RbacPolicy readers = fixture();
    assertThat(readers.allows(call("PUT", "/apis/apps/v1/namespaces/shop/deployments/web/scale"))).isTrue();
    assertThat(readers.allows(call("PUT", "/apis/apps/v1/namespaces/shop/deployments/web"))).isFalse();
    assertThat(readers.allows(call("PUT", "/api/v1/namespaces/shop/replicationcontrollers/r/scale")))
        .as("the rule names the apps group only")
        .isFalse();
  }

  @Test
  void resourceNamesLimitARuleToThoseObjects() throws IOException {
    RbacPolicy readers = fixture();
    assertThat(readers.allows(call("GET", "/api/v1/namespaces/shop/configmaps/settings"))).isTrue();
    assertThat(readers.allows(call("GET", "/api/v1/namespaces/shop/configmaps/other"))).isFalse();
    assertThat(readers.allows(call("GET", "/api/v1/namespaces/shop/configmaps"))).isFalse();
    assertThat(readers.clusterRoles()).as("an unbound ClusterRole grants nothing").containsExactly("reader");
  }

  @Test
  void nonResourceUrlsMatchExactlyOrByTheirStarPrefix() throws IOException {
    RbacPolicy worker = RbacPolicy.load(DEPLOY, List.of("eks-upgrader"));
    assertThat(worker.allows(call("GET", "/metrics"))).isTrue();
    assertThat(worker.allows(call("GET", "/metrics/slis"))).isFalse();
    assertThat(worker.allows(call("GET", "/apis/apps/v1"))).as("discovery is everyone's").isTrue();
    assertThat(worker.allows(call("GET", "/logs/kube-apiserver.log"))).isFalse();

    RbacPolicy readers = fixture();
    assertThat(readers.allows(call("GET", "/logs/kube-apiserver.log"))).isTrue();
    assertThat(readers.allows(call("GET", "/metrics"))).isFalse();
  }

  @Test
  void aRefusalIsAForbiddenStatusNamingTheVerbResourceAndScope() {
    Status pod =
        RbacAuthorizer.forbidden(call("DELETE", "/api/v1/namespaces/shop/pods/web-1"), "delete");
    assertThat(pod.getCode()).isEqualTo(403);
    assertThat(pod.getReason()).isEqualTo("Forbidden");
    assertThat(pod.getMessage())
        .isEqualTo(
            "pods \"web-1\" is forbidden: User \"eks-upgrader-worker\" cannot delete resource"
                + " \"pods\" in API group \"\" in the namespace \"shop\"");
    assertThat(pod.getDetails().getKind()).isEqualTo("pods");
    assertThat(pod.getDetails().getName()).isEqualTo("web-1");

    Status crd =
        RbacAuthorizer.forbidden(
            call("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.example.com/status"),
            "patch");
    assertThat(crd.getMessage())
        .isEqualTo(
            "customresourcedefinitions.apiextensions.k8s.io \"x.example.com\" is forbidden: User"
                + " \"eks-upgrader-worker\" cannot patch resource \"customresourcedefinitions/status\""
                + " in API group \"apiextensions.k8s.io\" at the cluster scope");
    assertThat(RbacAuthorizer.forbidden(call("GET", "/metrics"), "get").getMessage())
        .isEqualTo("forbidden: User \"eks-upgrader-worker\" cannot get path \"/metrics\"");
  }

  @Test
  void theSandboxsOwnTokenIsNotAuthorizedButAnyOtherIs() {
    RbacAuthorizer rbac =
        new RbacAuthorizer("shop", RbacPolicy.load(DEPLOY, List.of("eks-upgrader")), true);
    ApiRequest delete = call("DELETE", "/api/v1/namespaces/shop/pods/web-1");

    assertThat(rbac.authorize(delete, "Bearer " + EksBearerToken.forCluster("shop"), java.time.Instant.EPOCH)).isEmpty();
    assertThat(rbac.authorize(delete, "Bearer " + EksBearerToken.forCluster("other"), java.time.Instant.EPOCH))
        .hasValueSatisfying(s -> assertThat(s.getCode()).isEqualTo(403));
    assertThat(rbac.refusals()).extracting(RbacRefusal::rule).containsExactly("delete pods");

    RbacAuthorizer audit =
        new RbacAuthorizer("shop", RbacPolicy.load(DEPLOY, List.of("eks-upgrader")), false);
    assertThat(audit.authorize(delete, "Bearer worker", java.time.Instant.EPOCH)).isEmpty();
    assertThat(audit.refusals()).hasSize(1);
  }

  @Test
  void aFileThatBindsAMissingRoleOrLeavesAGroupUnboundIsRefused() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, FIXTURE.replace("kind: ClusterRole, name: reader", "kind: ClusterRole, name: writer"));
    assertThatThrownBy(() -> RbacPolicy.load(file, List.of("readers")))
        .hasMessageContaining("refers to ClusterRole writer");
    assertThatThrownBy(() -> RbacPolicy.load(DEPLOY, List.of("admins")))
        .hasMessageContaining("binds the group admins");
  }

  @Test
  void theScenarioOptionIsValidatedStrictly() {
    String cluster =
        """
        name: rbac
        clusters:
          - name: shop
            region: us-east-1
            version: "1.32"
            kubernetes:
              rbac: %s
        """;
    Scenario parsed = Scenario.parse(cluster.formatted("{file: deploy/rbac.yaml}"), "test");
    Scenario.RbacSpec rbac = parsed.clusters().get(0).kubernetes().rbac();
    assertThat(rbac.groups()).containsExactly("eks-upgrader");
    assertThat(rbac.enforce()).isTrue();
    assertThat(rbac.file()).isRegularFile();

    assertThatThrownBy(() -> Scenario.parse(cluster.formatted("{file: deploy/rbac.yaml, group: x}"), "test"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("unknown key 'group'");
    assertThatThrownBy(() -> Scenario.parse(cluster.formatted("{file: deploy/nothing.yaml}"), "test"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("no file 'deploy/nothing.yaml'");
    assertThatThrownBy(() -> Scenario.parse(cluster.formatted("{file: deploy/rbac.yaml, groups: [admins]}"), "test"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("binds the group admins");
    assertThatThrownBy(() -> Scenario.parse(cluster.formatted("{file: deploy/rbac.yaml, enforce: maybe}"), "test"))
        .isInstanceOf(ScenarioException.class);
  }
}
