package io.eksupgrader.activities.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.activities.preflight.ManifestDocuments.Document;
import org.junit.jupiter.api.Test;

/** A Helm release's stored manifest, split into the objects it creates. */
class ManifestDocumentsTest {

  @Test
  void eachDocumentIsAnObjectWithTheTemplateItCameFrom() {
    String manifest =
        """
        ---
        # Source: legacy/templates/hpa.yaml
        apiVersion: autoscaling/v2beta2
        kind: HorizontalPodAutoscaler
        metadata:
          name: legacy
        spec:
          maxReplicas: 3
        ---
        # Source: legacy/templates/empty.yaml
        ---
        # Source: legacy/templates/pdb.yaml
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: legacy, namespace: other}
        --- # a trailing comment on the separator
        this: [is not: yaml
        ---
        just: a map without a kind
        """;

    assertThat(ManifestDocuments.parse(manifest))
        .containsExactly(
            new Document("autoscaling/v2beta2", "HorizontalPodAutoscaler", "legacy", null, "legacy/templates/hpa.yaml"),
            new Document("policy/v1beta1", "PodDisruptionBudget", "legacy", "other", "legacy/templates/pdb.yaml"));
  }

  @Test
  void noManifestHasNoObjects() {
    assertThat(ManifestDocuments.parse(null)).isEmpty();
    assertThat(ManifestDocuments.parse("  \n")).isEmpty();
  }
}
