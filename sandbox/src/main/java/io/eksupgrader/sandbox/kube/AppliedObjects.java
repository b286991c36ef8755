package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.sandbox.Scenario.AppliedSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Objects as {@code kubectl apply} leaves them on an API server that has moved on: the applied
 * manifest converted to the version the server stores (its {@code apiVersion} replaced, nothing
 * else changed), with the manifest itself in the annotation {@code
 * kubectl.kubernetes.io/last-applied-configuration}. The old version is then visible only in that
 * annotation, which is where tools that look for deprecated APIs read it.
 *
 * <p>Workloads of apps/v1 need a selector; one applied at extensions/v1beta1 or apps/v1beta1
 * without one gets its template's labels, as those versions defaulted it. So an applied object
 * behaves as one of its kind: a PodDisruptionBudget stored at policy/v1 guards evictions.
 */
final class AppliedObjects {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static final List<String> WORKLOADS = List.of("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet");

  private AppliedObjects() {}

  /** Where the API server keeps it: {@code /apis/<group>/<version>[/namespaces/<ns>]/<plural>/<name>}. */
  static String path(AppliedSpec applied) {
    String base = applied.storedAs().contains("/") ? "/apis/" + applied.storedAs() : "/api/" + applied.storedAs();
    String namespace = applied.namespace() == null ? "" : "/namespaces/" + applied.namespace();
    return base + namespace + "/" + applied.plural() + "/" + applied.name();
  }

  /** The object as stored, without the metadata the store adds (uid, resourceVersion, …). */
  static ObjectNode stored(AppliedSpec applied) {
    ObjectNode object = (ObjectNode) JSON.unmarshal(applied.manifest(), JsonNode.class);
    object.put("apiVersion", applied.storedAs());
    ObjectNode metadata = (ObjectNode) object.get("metadata");
    if (applied.namespace() != null) {
      metadata.put("namespace", applied.namespace());
    }
    ObjectNode annotations =
        metadata.path("annotations").isObject() ? (ObjectNode) metadata.get("annotations") : metadata.putObject("annotations");
    annotations.put(LAST_APPLIED, applied.manifest());
    if (WORKLOADS.contains(applied.kind()) && !object.path("spec").has("selector")) {
      ObjectNode spec = (ObjectNode) object.get("spec");
      spec.putObject("selector").set("matchLabels", spec.path("template").path("metadata").path("labels").deepCopy());
    }
    return object;
  }
}
