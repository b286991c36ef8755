package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.KubernetesVersion;
import org.junit.jupiter.api.Test;

class NodeGroupNamesTest {

  private static final KubernetesVersion V134 = KubernetesVersion.parse("1.34");

  @Test
  void addsOrReplacesTheVersionSuffix() {
    assertThat(NodeGroupNames.replacement("apps", V134)).isEqualTo("apps-1-34");
    assertThat(NodeGroupNames.replacement("apps-1-32", V134)).isEqualTo("apps-1-34");
    assertThat(NodeGroupNames.replacement("apps-1-34", V134))
        .as("a group already named for the target keeps its name, so a rerun finds it")
        .isEqualTo("apps-1-34");
    assertThat(NodeGroupNames.replacement("apps-v2", V134)).isEqualTo("apps-v2-1-34");
  }

  @Test
  void staysWithinEksSixtyThreeCharacters() {
    String longName = "a".repeat(63);
    String replacement = NodeGroupNames.replacement(longName, V134);
    assertThat(replacement).hasSize(63).endsWith("-1-34");
    assertThat(NodeGroupNames.replacement(longName, V134)).as("deterministic").isEqualTo(replacement);
  }
}
