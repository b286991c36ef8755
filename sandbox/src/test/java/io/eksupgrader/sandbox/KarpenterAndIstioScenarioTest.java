package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.sandbox.Scenario.GatewaySpec;
import io.eksupgrader.sandbox.Scenario.Installation;
import io.eksupgrader.sandbox.Scenario.IstioNamespaceSpec;
import io.eksupgrader.sandbox.Scenario.IstioRevisionSpec;
import io.eksupgrader.sandbox.Scenario.IstioSpec;
import io.eksupgrader.sandbox.Scenario.IstioTagSpec;
import io.eksupgrader.sandbox.Scenario.KarpenterSpec;
import io.eksupgrader.sandbox.Scenario.NodeClassSpec;
import io.eksupgrader.sandbox.Scenario.NodePoolSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scenario keys of Karpenter's controller and Istio, read strictly. */
class KarpenterAndIstioScenarioTest {

  private static final String CLUSTER =
      "name: x\nclusters:\n  - name: a\n    region: us-east-1\n    version: \"1.32\"\n";

  private static Scenario.ClusterSpec parse(String clusterKeys) {
    return Scenario.parse(CLUSTER + clusterKeys, "ok.yaml").clusters().get(0);
  }

  private static void assertRefused(String clusterKeys, String messageStart) {
    assertThatThrownBy(() -> Scenario.parse(CLUSTER + clusterKeys, "bad.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(messageStart);
  }

  @Test
  void karpentersControllerNodeClassesAndPoolsReadAsWritten() {
    KarpenterSpec karpenter =
        parse(
                """
                    karpenter:
                      version: "1.0.2"
                      namespace: karpenter
                      installedBy: manifests
                      crdStoredVersions: [v1beta1, v1]
                      nodeClasses:
                        - {name: default, alias: al2@latest}
                        - {name: gpu, amiFamily: AL2, amiIds: [ami-0abc]}
                      nodePools:
                        - {name: general, nodes: 3, driftBudget: "1"}
                        - {name: gpu, nodes: 1, nodeClass: gpu}
                """)
            .karpenter();

    assertThat(karpenter)
        .isEqualTo(
            new KarpenterSpec(
                "1.0.2",
                "karpenter",
                Installation.MANIFESTS,
                List.of("v1beta1", "v1"),
                List.of(
                    new NodeClassSpec("default", "al2@latest", null, List.of()),
                    new NodeClassSpec("gpu", null, "AL2", List.of("ami-0abc"))),
                List.of(
                    new NodePoolSpec("general", 3, "1", Map.of(), "default"),
                    new NodePoolSpec("gpu", 1, "10%", Map.of(), "gpu"))));
    assertThat(karpenter.controllerInstalled()).isTrue();
  }

  @Test
  void leftOutKarpenterKeysTakeAHelmInstallInKubeSystemWithV1StoredAndAnAl2023Class() {
    KarpenterSpec withVersion = parse("    karpenter: {version: \"1.6.3\"}\n").karpenter();
    assertThat(withVersion)
        .isEqualTo(
            new KarpenterSpec(
                "1.6.3", "kube-system", Installation.HELM, List.of("v1"), List.of(NodeClassSpec.defaultClass()), List.of()));
    assertThat(withVersion.installed()).as("a controller without NodePools is still Karpenter").isTrue();

    KarpenterSpec poolsOnly = parse("    karpenter:\n      nodePools: [{name: general, nodes: 1}]\n").karpenter();
    assertThat(poolsOnly.controllerInstalled()).as("today's scenarios: NodePools without a controller").isFalse();
    assertThat(poolsOnly.nodeClasses()).containsExactly(new NodeClassSpec("default", "al2023@latest", null, List.of()));
  }

  @Test
  void badKarpenterValuesAreRefusedWithTheirKey() {
    String pools = "      nodePools: [{name: general, nodes: 1}]\n";
    assertRefused(
        "    karpenter: {version: \"v1.0.2\"}\n",
        "bad.yaml: clusters[0].karpenter.version: 'v1.0.2': write the version without the leading v, 1.0.2");
    assertRefused(
        "    karpenter: {version: \"1.0\"}\n", "bad.yaml: clusters[0].karpenter.version: '1.0' is not a version like 1.0.2");
    assertRefused(
        "    karpenter: {version: \"0.37.0\"}\n",
        "bad.yaml: clusters[0].karpenter.version: '0.37.0' is older than 1.0.0; the sandbox serves Karpenter's v1 APIs only");
    assertRefused(
        "    karpenter:\n      namespace: kube-system\n" + pools,
        "bad.yaml: clusters[0].karpenter.namespace: needs karpenter.version");
    assertRefused(
        "    karpenter:\n      crdStoredVersions: [v1]\n" + pools,
        "bad.yaml: clusters[0].karpenter.crdStoredVersions: needs karpenter.version");
    assertRefused(
        "    karpenter: {version: \"1.0.2\", installedBy: kubectl}\n",
        "bad.yaml: clusters[0].karpenter.installedBy: 'kubectl' is not one of helm, manifests");
    assertRefused(
        "    karpenter: {version: \"1.1.4\", crdStoredVersions: [v1beta1, v1]}\n",
        "bad.yaml: clusters[0].karpenter.crdStoredVersions[0]: 'v1beta1' is not a version the CRDs of Karpenter 1.1.4 serve (v1)");
    assertRefused(
        "    karpenter: {version: \"1.0.2\", crdStoredVersions: [v1, v1]}\n",
        "bad.yaml: clusters[0].karpenter.crdStoredVersions[1]: 'v1' is listed twice");
    assertRefused(
        "    karpenter:\n      nodeClasses: [{name: default}]\n" + pools,
        "bad.yaml: clusters[0].karpenter.nodeClasses[0]: set exactly one of alias");
    assertRefused(
        "    karpenter:\n      nodeClasses: [{name: default, alias: al2023@latest, amiFamily: AL2023}]\n" + pools,
        "bad.yaml: clusters[0].karpenter.nodeClasses[0].amiFamily: goes with amiIds");
    assertRefused(
        "    karpenter:\n      nodeClasses: [{name: default, alias: ubuntu@latest}]\n" + pools,
        "bad.yaml: clusters[0].karpenter.nodeClasses[0].alias: 'ubuntu@latest' is not an AMI alias");
    assertRefused(
        "    karpenter:\n      nodeClasses: [{name: default, amiIds: [ami-0abc]}]\n" + pools,
        "bad.yaml: clusters[0].karpenter.nodeClasses[0].amiFamily: is required with amiIds");
    assertRefused(
        "    karpenter:\n      nodeClasses: [{name: default, amiFamily: AL2, amiIds: [image-1]}]\n" + pools,
        "bad.yaml: clusters[0].karpenter.nodeClasses[0].amiIds[0]: 'image-1' is not an AMI id");
    assertRefused(
        "    karpenter:\n      nodeClasses: [{name: gpu, alias: al2@latest}]\n" + pools,
        "bad.yaml: clusters[0].karpenter.nodePools[0].nodeClass: 'default' is not one of the EC2NodeClasses (gpu)");
    assertRefused(
        "    karpenter:\n      nodePools: [{name: general, nodes: 1, nodeClass: spot}]\n",
        "bad.yaml: clusters[0].karpenter.nodePools[0].nodeClass: 'spot' is not one of the EC2NodeClasses (default)");
  }

  @Test
  void istioRevisionsTagsNamespacesAndGatewaysReadAsWritten() {
    IstioSpec istio =
        parse(
                """
                    istio:
                      namespace: istio-system
                      installedBy: helm
                      revisions:
                        - {name: 1-26, version: 1.26.2}
                        - {name: default, version: 1.25.1}
                      tags:
                        - {name: default, revision: 1-26}
                        - {name: prod-stable, revision: 1-26}
                      namespaces:
                        - {name: shop, injection: enabled}
                        - {name: payments, rev: prod-stable}
                      gateways:
                        - {namespace: istio-ingress, name: istio-ingressgateway, replicas: 2, revision: 1-26}
                        - {name: internal, revision: prod-stable}
                """)
            .istio();

    assertThat(istio)
        .isEqualTo(
            new IstioSpec(
                "istio-system",
                Installation.HELM,
                List.of(new IstioRevisionSpec("1-26", "1.26.2"), new IstioRevisionSpec("default", "1.25.1")),
                List.of(new IstioTagSpec("default", "1-26"), new IstioTagSpec("prod-stable", "1-26")),
                List.of(new IstioNamespaceSpec("shop", "enabled", null), new IstioNamespaceSpec("payments", null, "prod-stable")),
                List.of(
                    new GatewaySpec("istio-ingress", "istio-ingressgateway", 2, "1-26"),
                    new GatewaySpec("istio-ingress", "internal", 2, "prod-stable"))));
    assertThat(parse("").istio()).isEqualTo(IstioSpec.none());
    assertThat(IstioSpec.none().installed()).isFalse();
    assertThat(parse("    istio:\n      revisions: [{name: 1-27, version: 1.27.0}]\n      gateways: [{name: gw}]\n").istio().gateways())
        .as("the only revision is a gateway's default")
        .containsExactly(new GatewaySpec("istio-ingress", "gw", 2, "1-27"));
  }

  @Test
  void badIstioValuesAreRefusedWithTheirKey() {
    String revision = "      revisions: [{name: 1-26, version: 1.26.2}]\n";
    assertRefused("    istio: {namespace: istio-system}\n", "bad.yaml: clusters[0].istio.revisions: list at least one revision");
    assertRefused(
        "    istio:\n      revisions: [{name: 1-26, version: \"1.26\"}]\n",
        "bad.yaml: clusters[0].istio.revisions[0].version: '1.26' is not a version like 1.0.2");
    assertRefused(
        "    istio:\n      revisions: [{name: 1-26, version: 1.26.2}, {name: 1-26, version: 1.26.3}]\n",
        "bad.yaml: clusters[0].istio.revisions[1].name: revision '1-26' is listed twice");
    assertRefused(
        "    istio:\n      revisions: [{name: Canary, version: 1.26.2}]\n",
        "bad.yaml: clusters[0].istio.revisions[0].name: 'Canary' is not a Kubernetes name");
    assertRefused(
        "    istio:\n" + revision + "      tags: [{name: canary, revision: 1-27}]\n",
        "bad.yaml: clusters[0].istio.tags[0].revision: '1-27' is not one of the revisions (1-26)");
    assertRefused(
        "    istio:\n" + revision + "      tags: [{name: 1-26, revision: 1-26}]\n",
        "bad.yaml: clusters[0].istio.tags[0].name: '1-26' is a revision; a tag cannot take a revision's name");
    assertRefused(
        "    istio:\n" + revision + "      namespaces: [{name: shop, injection: enabled, rev: 1-26}]\n",
        "bad.yaml: clusters[0].istio.namespaces[0]: set exactly one of injection (istio-injection) and rev (istio.io/rev)");
    assertRefused(
        "    istio:\n" + revision + "      namespaces: [{name: shop, injection: sometimes}]\n",
        "bad.yaml: clusters[0].istio.namespaces[0].injection: 'sometimes' is not one of disabled, enabled");
    assertRefused(
        "    istio:\n" + revision + "      namespaces: [{name: shop, rev: stable}]\n",
        "bad.yaml: clusters[0].istio.namespaces[0].rev: 'stable' is neither a revision nor a tag (1-26)");
    assertRefused(
        "    istio:\n      revisions: [{name: 1-26, version: 1.26.2}, {name: 1-27, version: 1.27.0}]\n      gateways: [{name: gw}]\n",
        "bad.yaml: clusters[0].istio.gateways[0].revision: is required when there is more than one revision");
    assertRefused(
        "    istio:\n" + revision + "      gateways: [{name: gw, ports: [80]}]\n",
        "bad.yaml: clusters[0].istio.gateways[0]: unknown key 'ports'");
    assertRefused("    istio:\n" + revision + "      mesh: {}\n", "bad.yaml: clusters[0].istio: unknown key 'mesh'");
  }
}
