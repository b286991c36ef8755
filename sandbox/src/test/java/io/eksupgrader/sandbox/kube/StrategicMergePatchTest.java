package io.eksupgrader.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * Strategic merge patches as Helm and kubectl send them, applied as the API server applies them.
 */
class StrategicMergePatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static final JsonNode DEPLOYMENT =
      json(
          """
          {'apiVersion': 'apps/v1', 'kind': 'Deployment',
           'metadata': {'name': 'web', 'namespace': 'shop', 'finalizers': ['a'],
                        'labels': {'app': 'web', 'tier': 'front'}},
           'spec': {'replicas': 3,
            'template': {'spec': {
              'tolerations': [{'key': 'old', 'operator': 'Exists'}],
              'containers': [
                {'name': 'web', 'image': 'nginx:1.25', 'args': ['-v'],
                 'ports': [{'containerPort': 80, 'name': 'http'}],
                 'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}],
                 'volumeMounts': [{'name': 'data', 'mountPath': '/data'}]},
                {'name': 'sidecar', 'image': 'proxy:1'}]}}}}
          """);

  private static JsonNode container(ObjectNode deployment, int i) {
    return deployment.at("/spec/template/spec/containers/" + i);
  }

  @Test
  void aNewImageForOneContainerKeepsItsOtherFieldsAndTheOtherContainers() {
    ObjectNode patched =
        StrategicMergePatch.apply(
            DEPLOYMENT,
            json(
                """
                {'spec': {'template': {'spec': {
                  '$setElementOrder/containers': [{'name': 'web'}, {'name': 'sidecar'}],
                  'containers': [{'name': 'web', 'image': 'nginx:1.26'}]}}}}
                """));

    assertThat(container(patched, 0).path("image").asText()).isEqualTo("nginx:1.26");
    assertThat(container(patched, 0).path("ports"))
        .isEqualTo(container((ObjectNode) DEPLOYMENT, 0).path("ports"));
    assertThat(container(patched, 0).path("env"))
        .isEqualTo(container((ObjectNode) DEPLOYMENT, 0).path("env"));
    assertThat(container(patched, 0).path("args").toString()).isEqualTo("[\"-v\"]");
    assertThat(container(patched, 1)).isEqualTo(container((ObjectNode) DEPLOYMENT, 1));
    assertThat(patched.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(patched.toString()).doesNotContain("$setElementOrder");
    assertThat(DEPLOYMENT.toString()).as("the stored object is not changed").contains("nginx:1.25");
  }

  @Test
  void envMergesByNameAndNullDeletesAField() {
    ObjectNode patched =
        StrategicMergePatch.apply(
            DEPLOYMENT,
            json(
                """
                {'metadata': {'labels': {'tier': null, 'version': '2'}},
                 'spec': {'template': {'spec': {'containers': [{'name': 'web',
                   '$setElementOrder/env': [{'name': 'C'}, {'name': 'A'}, {'name': 'B'}],
                   'env': [{'name': 'A', 'value': 'one'}, {'name': 'C', 'value': '3'}]}]}}}}
                """));

    assertThat(container(patched, 0).path("env"))
        .isEqualTo(
            json(
                "[{'name': 'C', 'value': '3'}, {'name': 'A', 'value': 'one'}, {'name': 'B',"
                    + " 'value': '2'}]"));
    assertThat(patched.at("/metadata/labels")).isEqualTo(json("{'app': 'web', 'version': '2'}"));
  }

  @Test
  void patchDeleteRemovesAnElementByItsKeyAndAMapAsAWhole() {
    ObjectNode patched =
        StrategicMergePatch.apply(
            DEPLOYMENT,
            json(
                """
                {'spec': {'template': {'spec': {'containers': [
                   {'name': 'sidecar', '$patch': 'delete'},
                   {'name': 'web', 'env': [{'name': 'B', '$patch': 'delete'}],
                    'volumeMounts': [{'mountPath': '/data', '$patch': 'delete'}]}]}},
                  'strategy': {'$patch': 'delete'}}}
                """));

    assertThat(patched.at("/spec/template/spec/containers").size()).isEqualTo(1);
    assertThat(container(patched, 0).path("env")).isEqualTo(json("[{'name': 'A', 'value': '1'}]"));
    assertThat(container(patched, 0).path("volumeMounts").size()).isZero();
    assertThat(patched.at("/spec").has("strategy")).isFalse();
  }

  @Test
  void listsWithoutAMergeKeyAreReplacedAndNewElementsAreAppended() {
    ObjectNode patched =
        StrategicMergePatch.apply(
            DEPLOYMENT,
            json(
                """
                {'metadata': {'finalizers': ['b', 'a']},
                 'spec': {'template': {'spec': {
                   'tolerations': [{'key': 'new', 'operator': 'Exists'}],
                   'containers': [{'name': 'debug', 'image': 'busybox',
                                   'env': [{'name': 'X', 'value': 'y'}],
                                   '$setElementOrder/env': [{'name': 'X'}]}]}}}}
                """));

    assertThat(patched.at("/spec/template/spec/tolerations"))
        .isEqualTo(json("[{'key': 'new', 'operator': 'Exists'}]"));
    assertThat(patched.at("/metadata/finalizers"))
        .as("merged as a set")
        .isEqualTo(json("['a', 'b']"));
    assertThat(container(patched, 2))
        .isEqualTo(
            json("{'name': 'debug', 'image': 'busybox', 'env': [{'name': 'X', 'value': 'y'}]}"));
  }

  @Test
  void aContainerMergesPortsByContainerPortAServiceByPort() {
    ObjectNode deployment =
        StrategicMergePatch.apply(
            DEPLOYMENT,
            json(
                """
                {'spec': {'template': {'spec': {'containers': [{'name': 'web',
                   'ports': [{'containerPort': 80, 'protocol': 'TCP'}, {'containerPort': 9090}]}]}}}}
                """));
    ObjectNode service =
        StrategicMergePatch.apply(
            json("{'spec': {'ports': [{'port': 80, 'targetPort': 8080}, {'port': 443}]}}"),
            json("{'spec': {'ports': [{'port': 443, 'targetPort': 8443}]}}"));

    assertThat(container(deployment, 0).path("ports"))
        .isEqualTo(
            json(
                "[{'containerPort': 80, 'name': 'http', 'protocol': 'TCP'}, {'containerPort':"
                    + " 9090}]"));
    assertThat(service.at("/spec/ports"))
        .isEqualTo(json("[{'port': 80, 'targetPort': 8080}, {'port': 443, 'targetPort': 8443}]"));
  }

  @Test
  void replaceRetainKeysAndDeleteFromPrimitiveList() {
    ObjectNode patched =
        StrategicMergePatch.apply(
            DEPLOYMENT,
            json(
                """
                {'metadata': {'labels': {'$patch': 'replace', 'app': 'api'},
                              '$deleteFromPrimitiveList/finalizers': ['a']},
                 'spec': {'strategy': {'$retainKeys': ['type'], 'type': 'Recreate'},
                  'template': {'spec': {'containers': [{'$patch': 'replace'},
                                                       {'name': 'only', 'image': 'x'}]}}}}
                """));

    assertThat(patched.at("/metadata/labels")).isEqualTo(json("{'app': 'api'}"));
    assertThat(patched.at("/metadata/finalizers").size()).isZero();
    assertThat(patched.at("/spec/strategy")).isEqualTo(json("{'type': 'Recreate'}"));
    assertThat(patched.at("/spec/template/spec/containers"))
        .isEqualTo(json("[{'name': 'only', 'image': 'x'}]"));
  }

  @Test
  void aPatchThatMisusesADirectiveIsRefused() {
    assertThatThrownBy(
            () -> StrategicMergePatch.apply(DEPLOYMENT, json("{'spec': {'$patch': 'explode'}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$patch: explode");
    assertThatThrownBy(
            () ->
                StrategicMergePatch.apply(
                    DEPLOYMENT,
                    json("{'spec': {'template': {'spec': {'containers': [{'image': 'x'}]}}}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("merge key name");
  }
}
