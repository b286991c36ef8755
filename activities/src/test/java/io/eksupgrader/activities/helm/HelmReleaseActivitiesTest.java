package io.eksupgrader.activities.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eksupgrader.activities.eks.DefaultEksClientProvider;
import io.eksupgrader.activities.eks.EksClientSettings;
import io.eksupgrader.activities.kube.EksKubernetesClientProvider;
import io.eksupgrader.activities.kube.KubernetesClientSettings;
import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.sandbox.kube.HelmReleases;
import io.eksupgrader.sandbox.kube.KubeCluster;
import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.activities.HelmActivities;
import io.eksupgrader.workflows.activities.HelmActivities.UpgradeResult;
import io.eksupgrader.workflows.model.ClusterRef;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helm releases driven by the real embedded Helm against the sandbox's API server over https, with
 * the CA and token the worker gets from DescribeCluster. The chart source is a local directory of
 * {@code <chart>-<version>} folders: {@code web} 0.1.0 runs nginx 1.25, 0.2.0 runs 1.26.
 */
class HelmReleaseActivitiesTest {

  private static final ClusterRef SHOP = new ClusterRef("us-east-1", "shop");
  private static final ActivityOptions ONE_ATTEMPT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(60))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  @TempDir Path work;
  private Path charts;
  private SandboxServer sandbox;
  private DefaultEksClientProvider eks;
  private EksKubernetesClientProvider clients;
  private TestActivityEnvironment env;
  private HelmActivities helm;

  @BeforeEach
  void start() throws IOException {
    charts = work.resolve("charts");
    for (String version : List.of("0.1.0", "0.2.0")) {
      writeChart(version, version.equals("0.1.0") ? "1.25" : "1.26");
    }
    sandbox =
        SandboxServer.start(
            Scenario.parse(
                """
                name: helm
                timeScale: 60
                clusters:
                  - name: shop
                    region: us-east-1
                    version: "1.32"
                    nodeGroups:
                      - {name: system, desiredSize: 1}
                    kubernetes:
                      workloads:
                        - {namespace: shop, name: other, replicas: 1}
                """,
                "test scenario"),
            0);
    eks = new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()));
    clients = new EksKubernetesClientProvider(eks, KubernetesClientSettings.defaults());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new HelmReleaseActivities(clients, new EmbeddedHelm(work.resolve("helm"), true), work.resolve("helm")));
    helm = env.newActivityStub(HelmActivities.class, ONE_ATTEMPT);
  }

  /** One folder per version, as {@code helm package} names them; the templates are shared. */
  private void writeChart(String version, String appVersion) throws IOException {
    Path source = Path.of("src/test/resources/charts/web");
    Path target = charts.resolve("web-" + version);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    Files.writeString(
        target.resolve("Chart.yaml"),
        "apiVersion: v2\nname: web\ntype: application\nversion: " + version + "\nappVersion: \"" + appVersion + "\"\n");
  }

  @AfterEach
  void close() {
    env.close();
    clients.close();
    eks.close();
    sandbox.close();
  }

  private KubeCluster kube() {
    return sandbox.kubernetes(SHOP.region(), SHOP.name());
  }

  private HelmActivities.UpgradeRequest upgrade(String version, boolean install, List<String> adopt) {
    return new HelmActivities.UpgradeRequest(
        SHOP, "web", "shop", "web", charts.toString(), version, Map.of(), null, install, adopt, "test " + version);
  }

  private String image() {
    Deployment web = kube().adminClient().apps().deployments().inNamespace("shop").withName("web").get();
    return web.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private long helmWrites() {
    return sandbox.callLog().entries().stream()
        .filter(e -> e.service().equals("kubernetes") && e.effect() == CallLog.Effect.CREATED)
        .filter(e -> e.operation().contains("Secret"))
        .count();
  }

  @Test
  void installUpgradeAndRollBackEachObservedFirstSoThatARepeatChangesNothing() {
    UpgradeResult installed = helm.upgradeRelease(upgrade("0.1.0", true, List.of()));
    assertThat(installed.how()).isEqualTo(UpgradeResult.How.INSTALLED);
    assertThat(installed.revision()).isEqualTo(1);
    assertThat(image()).isEqualTo("nginx:1.25");

    long writes = helmWrites();
    UpgradeResult again = helm.upgradeRelease(upgrade("0.1.0", true, List.of()));
    assertThat(again.how()).isEqualTo(UpgradeResult.How.ALREADY_AT_VERSION);
    assertThat(helmWrites()).as("Helm did not run: no new release record").isEqualTo(writes);

    UpgradeResult upgraded = helm.upgradeRelease(upgrade("0.2.0", false, List.of()));
    assertThat(upgraded)
        .isEqualTo(new UpgradeResult("web", UpgradeResult.How.UPGRADED, 1, 2, "0.1.0", "0.2.0"));
    assertThat(image()).isEqualTo("nginx:1.26");

    UpgradeResult rolledBack =
        helm.rollbackRelease(new HelmActivities.RollbackRequest(SHOP, "web", "shop", "web", charts.toString(), 1));
    assertThat(rolledBack).isEqualTo(new UpgradeResult("web", UpgradeResult.How.ROLLED_BACK, 2, 3, "0.2.0", "0.1.0"));
    assertThat(image()).isEqualTo("nginx:1.25");
    List<StoredRelease> history = HelmReleaseHistory.history(kube().adminClient(), "shop", "web");
    assertThat(history).extracting(r -> r.revision() + " " + r.chartVersion() + " " + r.status())
        .containsExactly("1 0.1.0 superseded", "2 0.2.0 superseded", "3 0.1.0 deployed");

    assertThat(helm.rollbackRelease(new HelmActivities.RollbackRequest(SHOP, "web", "shop", "web", charts.toString(), 1)).how())
        .isEqualTo(UpgradeResult.How.ALREADY_AT_VERSION);
  }

  @Test
  void aReleaseBesideAnotherStartsFromItsValuesAndSetValuesCountWhenObserving() {
    helm.upgradeRelease(
        new HelmActivities.UpgradeRequest(
            SHOP, "web", "shop", "web", charts.toString(), "0.1.0", Map.of("greeting", "bonjour"), null, true, List.of(), "first"));
    HelmActivities.UpgradeRequest canary =
        new HelmActivities.UpgradeRequest(
            SHOP, "web-canary", "shop", "web", charts.toString(), "0.2.0", Map.of("crd.enabled", "false"), "web", true, List.of(), "beside");

    assertThat(helm.upgradeRelease(canary).how()).isEqualTo(UpgradeResult.How.INSTALLED);
    Deployment beside = kube().adminClient().apps().deployments().inNamespace("shop").withName("web-canary").get();
    assertThat(beside.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue())
        .as("the canary release took the first release's values")
        .isEqualTo("bonjour");
    assertThat(helm.upgradeRelease(canary).how()).isEqualTo(UpgradeResult.How.ALREADY_AT_VERSION);
    assertThat(
            helm.upgradeRelease(
                    new HelmActivities.UpgradeRequest(
                        SHOP, "web-canary", "shop", "web", charts.toString(), "0.2.0", Map.of("replicas", "1"), null, false, List.of(), "scale"))
                .how())
        .as("a value the release does not have yet means Helm runs")
        .isEqualTo(UpgradeResult.How.UPGRADED);
  }

  @Test
  void crdsInstalledByAnotherReleaseAreAdoptedInsteadOfRefused() {
    CustomResourceDefinition foreign =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("widgets.example.com")
            .addToLabels("app.kubernetes.io/managed-by", "Helm")
            .addToAnnotations("meta.helm.sh/release-name", "someone-else")
            .addToAnnotations("meta.helm.sh/release-namespace", "kube-system")
            .endMetadata()
            .withNewSpec()
            .withGroup("example.com")
            .withScope("Namespaced")
            .withNewNames().withPlural("widgets").withSingular("widget").withKind("Widget").endNames()
            .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
            .endSpec()
            .build();
    kube().adminClient().apiextensions().v1().customResourceDefinitions().resource(foreign).create();

    ActivityFailure refused =
        catchThrowableOfType(ActivityFailure.class, () -> helm.upgradeRelease(upgrade("0.1.0", true, List.of())));
    assertThat(((ApplicationFailure) refused.getCause()).getType()).isEqualTo(FailureTypes.HELM_RELEASE_FAILED);
    assertThat(refused.getCause().getMessage()).contains("widgets.example.com").contains("someone-else");

    helm.upgradeRelease(upgrade("0.1.0", true, List.of("widgets.example.com")));
    CustomResourceDefinition adopted =
        kube().adminClient().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get();
    assertThat(adopted.getMetadata().getAnnotations()).containsEntry("meta.helm.sh/release-name", "web");
  }

  @Test
  void aReleaseLeftPendingOrAMissingChartVersionIsRefusedWithWhatToDo() {
    kube()
        .adminClient()
        .secrets()
        .inNamespace("shop")
        .resource(HelmReleases.releaseSecret("web", "shop", 1, "web", "0.1.0", "1.25", Map.of(), "", "pending-install", Instant.now()))
        .create();

    ActivityFailure pending =
        catchThrowableOfType(ActivityFailure.class, () -> helm.upgradeRelease(upgrade("0.2.0", true, List.of())));
    assertThat(((ApplicationFailure) pending.getCause()).getType()).isEqualTo(FailureTypes.HELM_RELEASE_FAILED);
    assertThat(pending.getCause().getMessage())
        .contains("Helm release shop/web is pending-install at revision 1")
        .contains("helm history web -n shop");

    ActivityFailure missing =
        catchThrowableOfType(
            ActivityFailure.class,
            () ->
                helm.upgradeRelease(
                    new HelmActivities.UpgradeRequest(
                        SHOP, "other", "shop", "web", charts.toString(), "9.9.9", Map.of(), null, true, List.of(), "x")));
    assertThat(missing.getCause().getMessage())
        .contains("chart web 9.9.9 is not in " + charts)
        .contains("found web-0.1.0, web-0.2.0");
  }

  @Test
  void uninstallingTwiceIsFine() {
    helm.upgradeRelease(upgrade("0.1.0", true, List.of()));
    assertThat(helm.uninstallRelease(new HelmActivities.ReleaseRef(SHOP, "web", "shop")).uninstalled()).isTrue();
    assertThat(kube().adminClient().apps().deployments().inNamespace("shop").withName("web").get()).isNull();
    assertThat(helm.uninstallRelease(new HelmActivities.ReleaseRef(SHOP, "web", "shop")).uninstalled()).isFalse();
  }
}
