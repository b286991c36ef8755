package io.eksupgrader.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Addon;
import software.amazon.awssdk.services.eks.model.AddonInfo;
import software.amazon.awssdk.services.eks.model.AddonStatus;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateStatus;

/** EKS add-ons in the sandbox, through the real SDK client. */
class SandboxAddonTest {

  private final List<SandboxServer> servers = new ArrayList<>();

  @AfterEach
  void close() {
    servers.forEach(SandboxServer::close);
  }

  private EksClient start(String faults) {
    SandboxServer sandbox =
        SandboxServer.start(
            Scenario.parse(
                """
                name: addons
                timeScale: 6000
                clusters:
                  - name: shop
                    region: us-east-1
                    version: "1.32"
                    addons:
                      - {name: vpc-cni}
                      - {name: kube-proxy, version: v1.32.0-eksbuild.2}
                      - {name: coredns}
                durations: {addonUpdate: 60m, controlPlaneUpdate: 10m}
                """
                    + faults,
                "addons"),
            0);
    servers.add(sandbox);
    return EksClients.standard(sandbox, "us-east-1");
  }

  @Test
  void addonsListDescribeAndOfferTheVersionsOfAKubernetesVersionWithItsDefault() {
    EksClient eks = start("");
    assertThat(eks.listAddonsPaginator(r -> r.clusterName("shop")).addons())
        .containsExactly("coredns", "kube-proxy", "vpc-cni");
    Addon vpcCni = eks.describeAddon(r -> r.clusterName("shop").addonName("vpc-cni")).addon();
    assertThat(vpcCni.addonVersion()).as("left out: the default of 1.32").isEqualTo("v1.19.2-eksbuild.1");
    assertThat(vpcCni.status()).isEqualTo(AddonStatus.ACTIVE);

    List<AddonInfo> for134 =
        eks.describeAddonVersions(r -> r.addonName("vpc-cni").kubernetesVersion("1.34")).addons();
    assertThat(for134).singleElement().satisfies(info -> {
      assertThat(info.addonVersions())
          .extracting(v -> v.addonVersion())
          .containsExactly("v1.19.5-eksbuild.3", "v1.20.1-eksbuild.1");
      assertThat(info.addonVersions().get(1).compatibilities())
          .filteredOn(c -> c.clusterVersion().equals("1.34"))
          .singleElement()
          .satisfies(c -> assertThat(c.defaultVersion()).isTrue());
    });
    assertThatThrownBy(() -> eks.describeAddon(r -> r.clusterName("shop").addonName("aws-ebs-csi-driver")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("No addon: aws-ebs-csi-driver found in cluster: shop");
  }

  @Test
  void anUpdateTakesItsDurationRefusesAVersionTheClusterCannotRunAndRepeatsForTheSameToken() throws Exception {
    EksClient eks = start("");
    assertThatThrownBy(
            () -> eks.updateAddon(r -> r.clusterName("shop").addonName("kube-proxy").addonVersion("v1.33.0-eksbuild.2")))
        .as("kube-proxy never ahead of the control plane")
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Kubernetes version 1.32");

    Update update =
        eks.updateAddon(
                r -> r.clusterName("shop").addonName("coredns").addonVersion("v1.11.4-eksbuild.14")
                    .resolveConflicts("PRESERVE").clientRequestToken("tok-1"))
            .update();
    assertThat(update.status()).isEqualTo(UpdateStatus.IN_PROGRESS);
    assertThat(eks.describeAddon(r -> r.clusterName("shop").addonName("coredns")).addon().status())
        .isEqualTo(AddonStatus.UPDATING);
    assertThat(
            eks.updateAddon(
                    r -> r.clusterName("shop").addonName("coredns").addonVersion("v1.11.4-eksbuild.14")
                        .resolveConflicts("PRESERVE").clientRequestToken("tok-1"))
                .update()
                .id())
        .isEqualTo(update.id());
    assertThatThrownBy(
            () -> eks.updateAddon(r -> r.clusterName("shop").addonName("coredns").addonVersion("v1.11.4-eksbuild.14")))
        .isInstanceOf(ResourceInUseException.class);

    Thread.sleep(Duration.ofMinutes(60).toMillis() / 6000 + 300);
    Update done = eks.describeUpdate(r -> r.name("shop").updateId(update.id()).addonName("coredns")).update();
    assertThat(done.status()).isEqualTo(UpdateStatus.SUCCESSFUL);
    Addon coredns = eks.describeAddon(r -> r.clusterName("shop").addonName("coredns")).addon();
    assertThat(coredns.status()).isEqualTo(AddonStatus.ACTIVE);
    assertThat(coredns.addonVersion()).isEqualTo("v1.11.4-eksbuild.14");
    assertThat(eks.listUpdates(r -> r.name("shop").addonName("coredns")).updateIds()).containsExactly(update.id());
  }

  @Test
  void aDegradedAddonShowsItsHealthIssue() throws Exception {
    EksClient eks = start("faults: {degradedAddons: [coredns]}\n");
    Update update =
        eks.updateAddon(r -> r.clusterName("shop").addonName("coredns").addonVersion("v1.11.4-eksbuild.14")).update();
    Thread.sleep(Duration.ofMinutes(60).toMillis() / 6000 + 300);
    Addon coredns = eks.describeAddon(r -> r.clusterName("shop").addonName("coredns")).addon();
    assertThat(coredns.status()).isEqualTo(AddonStatus.DEGRADED);
    assertThat(coredns.health().issues()).singleElement().satisfies(i -> assertThat(i.codeAsString()).isEqualTo("InsufficientNumberOfReplicas"));
    assertThat(eks.describeUpdate(r -> r.name("shop").updateId(update.id()).addonName("coredns")).update().status())
        .isEqualTo(UpdateStatus.FAILED);
  }
}
