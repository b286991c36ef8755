package io.eksupgrader.activities.eks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.sandbox.SandboxServer;
import io.eksupgrader.sandbox.Scenario;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;

class DefaultEksClientProviderTest {

  @Test
  void oneClientPerRegionEachSigningForItsRegion() {
    try (SandboxServer sandbox =
            SandboxServer.start(
                Scenario.parse(
                    """
                    name: regions
                    clusters:
                      - {name: shop, region: us-east-1, version: "1.32"}
                      - {name: shop, region: eu-west-1, version: "1.31"}
                    """,
                    "regions.yaml"),
                0);
        DefaultEksClientProvider clients =
            new DefaultEksClientProvider(EksClientSettings.sandbox(sandbox.endpoint()))) {

      EksClient virginia = clients.forRegion("us-east-1");
      EksClient ireland = clients.forRegion("eu-west-1");

      assertThat(clients.forRegion("us-east-1")).isSameAs(virginia);
      assertThat(ireland).isNotSameAs(virginia);
      assertThat(virginia.describeCluster(r -> r.name("shop")).cluster().version()).isEqualTo("1.32");
      assertThat(ireland.describeCluster(r -> r.name("shop")).cluster().version()).isEqualTo("1.31");
      clients.close();
      assertThatThrownBy(() -> clients.forRegion("us-east-1")).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void credentialsAreBothKeysOrNeither() {
    assertThatThrownBy(() -> new EksClientSettings(URI.create("http://127.0.0.1:1"), "AKID", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both");
    assertThat(EksClientSettings.defaults().staticCredentials()).isFalse();
    assertThat(EksClientSettings.sandbox(URI.create("http://127.0.0.1:1")).staticCredentials()).isTrue();
  }
}
