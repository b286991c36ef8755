package io.eksupgrader.sandbox.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpenter's v1 custom resources as the sandbox stores them: untyped bodies under the paths the
 * real CRDs serve ({@code /apis/karpenter.sh/v1/nodepools}, {@code .../nodeclaims}, both
 * cluster-scoped), with helpers for the few fields the simulated controller reads and writes.
 */
final class KarpenterResources {

  static final String GROUP_VERSION = "karpenter.sh/v1";
  static final String NODE_POOL_LABEL = "karpenter.sh/nodepool";
  static final String DISRUPTED_TAINT = "karpenter.sh/disrupted";

  private KarpenterResources() {}

  @Group("karpenter.sh")
  @Version("v1")
  @Kind("NodePool")
  @Plural("nodepools")
  static final class NodePool extends GenericKubernetesResource {}

  @Group("karpenter.sh")
  @Version("v1")
  @Kind("NodeClaim")
  @Plural("nodeclaims")
  static final class NodeClaim extends GenericKubernetesResource {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> section(GenericKubernetesResource resource, String name) {
    Object value = resource.getAdditionalProperties().get(name);
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    resource.getAdditionalProperties().put(name, created);
    return created;
  }

  static String text(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value == null ? null : value.toString();
  }

  /** The status conditions, as a mutable list of mutable maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> conditions(GenericKubernetesResource resource) {
    Map<String, Object> status = section(resource, "status");
    Object value = status.get("conditions");
    List<Map<String, Object>> conditions = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        conditions.add(new LinkedHashMap<>((Map<String, Object>) item));
      }
    }
    status.put("conditions", conditions);
    return conditions;
  }

  static String condition(GenericKubernetesResource resource, String type) {
    for (Map<String, Object> c : conditions(resource)) {
      if (type.equals(c.get("type"))) {
        return text(c, "status");
      }
    }
    return null;
  }

  /** Sets a condition, keeping its transition time when its status did not change. */
  static void setCondition(
      GenericKubernetesResource resource, String type, String status, String reason, String message, String now) {
    List<Map<String, Object>> conditions = conditions(resource);
    Map<String, Object> wanted = new LinkedHashMap<>();
    wanted.put("type", type);
    wanted.put("status", status);
    wanted.put("reason", reason);
    wanted.put("message", message == null ? "" : message);
    wanted.put("lastTransitionTime", now);
    for (int i = 0; i < conditions.size(); i++) {
      Map<String, Object> c = conditions.get(i);
      if (type.equals(c.get("type"))) {
        if (status.equals(c.get("status"))) {
          wanted.put("lastTransitionTime", c.get("lastTransitionTime"));
        }
        conditions.set(i, wanted);
        return;
      }
    }
    conditions.add(wanted);
  }
}
