package io.eksupgrader.sandbox.kube;

import io.eksupgrader.sandbox.Scenario.NodeClassSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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
 * real CRDs serve ({@code /apis/karpenter.sh/v1/nodepools}, {@code .../nodeclaims}, {@code
 * /apis/karpenter.k8s.aws/v1/ec2nodeclasses}, all cluster-scoped), with helpers for the few fields
 * the simulated controller reads and writes.
 */
final class KarpenterResources {

  static final String GROUP_VERSION = "karpenter.sh/v1";
  static final String NODE_POOL_LABEL = "karpenter.sh/nodepool";
  static final String DISRUPTED_TAINT = "karpenter.sh/disrupted";
  static final String NODE_CLASS_LABEL = "karpenter.k8s.aws/ec2nodeclass";
  /** On a NodeClaim: the hash of its EC2NodeClass's spec when it launched. */
  static final String NODE_CLASS_HASH = "karpenter.k8s.aws/ec2nodeclass-hash";

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

  @Group("karpenter.k8s.aws")
  @Version("v1")
  @Kind("EC2NodeClass")
  @Plural("ec2nodeclasses")
  static final class EC2NodeClass extends GenericKubernetesResource {}

  /**
   * An EC2NodeClass as its author writes it: AMIs by alias, or an AMI family with AMIs pinned by
   * id; the node role and the subnet and security-group discovery tags of the cluster. Ready.
   */
  static EC2NodeClass nodeClass(NodeClassSpec spec, String cluster, String now) {
    EC2NodeClass nodeClass = new EC2NodeClass();
    nodeClass.setApiVersion("karpenter.k8s.aws/v1");
    nodeClass.setKind("EC2NodeClass");
    nodeClass.setMetadata(new ObjectMetaBuilder().withName(spec.name()).build());
    Map<String, Object> body = section(nodeClass, "spec");
    if (spec.alias() != null) {
      body.put("amiSelectorTerms", List.of(Map.of("alias", spec.alias())));
    } else {
      body.put("amiFamily", spec.amiFamily());
      body.put("amiSelectorTerms", spec.amiIds().stream().map(id -> Map.of("id", id)).toList());
    }
    body.put("role", "KarpenterNodeRole-" + cluster);
    Map<String, Object> discovery = Map.of("tags", Map.of("karpenter.sh/discovery", cluster));
    body.put("subnetSelectorTerms", List.of(discovery));
    body.put("securityGroupSelectorTerms", List.of(discovery));
    setCondition(nodeClass, "Ready", "True", "Ready", "", now);
    return nodeClass;
  }

  /** The AMI family an EC2NodeClass's spec resolves to: AL2023, AL2 or Bottlerocket. */
  static String amiFamily(EC2NodeClass nodeClass) {
    Map<String, Object> spec = section(nodeClass, "spec");
    String alias = alias(nodeClass);
    if (alias != null) {
      String family = alias.substring(0, alias.indexOf('@') < 0 ? alias.length() : alias.indexOf('@'));
      return switch (family) {
        case "al2" -> "AL2";
        case "bottlerocket" -> "Bottlerocket";
        default -> "AL2023";
      };
    }
    Object family = spec.get("amiFamily");
    return family == null ? "AL2023" : family.toString();
  }

  /** The alias of the first AMI selector term, or null when the AMIs are pinned by id. */
  static String alias(EC2NodeClass nodeClass) {
    Object terms = section(nodeClass, "spec").get("amiSelectorTerms");
    if (terms instanceof List<?> list) {
      for (Object term : list) {
        if (term instanceof Map<?, ?> m && m.get("alias") != null) {
          return m.get("alias").toString();
        }
      }
    }
    return null;
  }

  /** The AMI ids the selector terms pin, in order. */
  static List<String> amiIds(EC2NodeClass nodeClass) {
    List<String> ids = new ArrayList<>();
    Object terms = section(nodeClass, "spec").get("amiSelectorTerms");
    if (terms instanceof List<?> list) {
      for (Object term : list) {
        if (term instanceof Map<?, ?> m && m.get("id") != null) {
          ids.add(m.get("id").toString());
        }
      }
    }
    return ids;
  }

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
