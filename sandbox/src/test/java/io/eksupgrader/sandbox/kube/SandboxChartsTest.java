package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.eksupgrader.sandbox.SandboxCharts;
import io.eksupgrader.sandbox.kube.ChartManifests.Rendered;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's charts, rendered by the real Helm (helm-java's embedded {@code helm template}),
 * give document for document what {@link ChartManifests} builds: the objects of the starting world
 * and the manifests of its fabricated releases.
 */
class SandboxChartsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir static Path charts;

  @BeforeAll
  static void materialize() {
    SandboxCharts.materialize(charts);
  }

  /** A source line and the object, as {@code helm template} prints each document. */
  private record Document(String source, JsonNode object) {}

  private static List<Document> documents(String manifest) throws Exception {
    List<Document> documents = new ArrayList<>();
    for (String chunk : manifest.split("(?m)^---$")) {
      if (chunk.isBlank()) {
        continue;
      }
      String text = chunk.strip();
      assertThat(text).startsWith("# Source: ");
      String source = text.substring("# Source: ".length(), text.indexOf('\n'));
      documents.add(new Document(source, YAML.readTree(text.substring(text.indexOf('\n') + 1))));
    }
    return documents;
  }

  private static List<Document> documents(List<Rendered> rendered) {
    return rendered.stream().map(r -> new Document(r.source(), YAML.valueToTree(r.object()))).toList();
  }

  private static String helmTemplate(String chart, String version, String release, String namespace, Map<String, String> values) {
    TemplateCommand template =
        new Helm(SandboxCharts.chart(charts, chart, version)).template().withName(release).withNamespace(namespace);
    values.forEach(template::set);
    return template.call();
  }

  /** Helm's rendering equals the Java one, and so does the manifest text the sandbox stores. */
  private static void assertRendersAs(String helmOutput, List<Rendered> java) throws Exception {
    assertThat(documents(helmOutput)).isEqualTo(documents(java));
    assertThat(documents(ChartManifests.manifest(java))).isEqualTo(documents(java));
  }

  @Test
  void everyChartIsWrittenOncePerVersionWithThatVersionInItsChartYaml() throws Exception {
    List<String> directories;
    try (var listing = Files.list(charts)) {
      directories = listing.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(directories)
        .containsExactly(
            "base-1.26.2", "base-1.27.0", "base-1.28.3",
            "gateway-1.26.2", "gateway-1.27.0", "gateway-1.28.3",
            "istiod-1.26.2", "istiod-1.27.0", "istiod-1.28.3",
            "karpenter-1.0.2", "karpenter-1.1.4", "karpenter-1.6.3",
            "karpenter-crd-1.0.2", "karpenter-crd-1.1.4", "karpenter-crd-1.6.3");
    JsonNode chart = YAML.readTree(charts.resolve("istiod-1.27.0/Chart.yaml").toFile());
    assertThat(chart.path("name").asText()).isEqualTo("istiod");
    assertThat(chart.path("version").asText()).isEqualTo("1.27.0");
    assertThat(chart.path("appVersion").asText()).isEqualTo("1.27.0");
  }

  @Test
  void karpentersCrdsServeV1beta1BesideV1OnlyBefore11() throws Exception {
    for (String version : SandboxCharts.KARPENTER_VERSIONS) {
      assertRendersAs(
          helmTemplate("karpenter-crd", version, "karpenter-crd", "kube-system", Map.of()),
          ChartManifests.karpenterCrd(version));
    }
    JsonNode nodePools102 = documents(helmTemplate("karpenter-crd", "1.0.2", "karpenter-crd", "kube-system", Map.of())).get(2).object();
    JsonNode nodePools114 = documents(helmTemplate("karpenter-crd", "1.1.4", "karpenter-crd", "kube-system", Map.of())).get(2).object();
    assertThat(nodePools102.path("metadata").path("name").asText()).isEqualTo("nodepools.karpenter.sh");
    assertThat(nodePools102.path("spec").path("versions").findValuesAsText("name")).containsExactly("v1", "v1beta1");
    assertThat(nodePools114.path("spec").path("versions").findValuesAsText("name")).containsExactly("v1");
  }

  @Test
  void karpentersControllerRunsTheImageOfItsVersion() throws Exception {
    for (String version : SandboxCharts.KARPENTER_VERSIONS) {
      String rendered = helmTemplate("karpenter", version, "karpenter", "kube-system", Map.of());
      assertRendersAs(rendered, ChartManifests.karpenter("karpenter", "kube-system", version));
      assertThat(rendered).contains("image: public.ecr.aws/karpenter/controller:" + version);
    }
  }

  @Test
  void istiosChartsRenderARevisionedAndANonRevisionedIstiodTheirCrdsAndAGateway() throws Exception {
    for (String version : SandboxCharts.ISTIO_VERSIONS) {
      assertRendersAs(helmTemplate("base", version, "istio-base", "istio-system", Map.of()), ChartManifests.istioBase());
      assertRendersAs(
          helmTemplate("istiod", version, "istiod-1-27", "istio-system", Map.of("revision", "1-27")),
          ChartManifests.istiod("istio-system", "1-27", version));
      assertRendersAs(
          helmTemplate("istiod", version, "istiod", "istio-system", Map.of()),
          ChartManifests.istiod("istio-system", "default", version));
      assertRendersAs(
          helmTemplate("gateway", version, "istio-ingressgateway", "istio-ingress", Map.of("revision", "1-27")),
          ChartManifests.gateway("istio-ingressgateway", "istio-ingress", "1-27", 2));
    }
    assertRendersAs(
        helmTemplate("gateway", "1.26.2", "internal", "edge", Map.of("revision", "prod-stable", "replicaCount", "3")),
        ChartManifests.gateway("internal", "edge", "prod-stable", 3));
    List<Document> nonRevisioned = documents(helmTemplate("istiod", "1.26.2", "istiod", "istio-system", Map.of()));
    assertThat(nonRevisioned).extracting(d -> d.object().path("metadata").path("name").asText())
        .containsExactly("istiod", "istiod", "istio-sidecar-injector");
    List<String> webhooks = new ArrayList<>();
    nonRevisioned.get(2).object().path("webhooks").forEach(w -> webhooks.add(w.path("name").asText()));
    assertThat(webhooks)
        .as("a non-revisioned istiod also takes namespaces labelled istio-injection=enabled")
        .containsExactly("rev.namespace.sidecar-injector.istio.io", "namespace.sidecar-injector.istio.io");
  }
}
