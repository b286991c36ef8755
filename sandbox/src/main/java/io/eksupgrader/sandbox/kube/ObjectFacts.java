package io.eksupgrader.sandbox.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What controllers, the scheduler and the eviction subresource read off objects, with the rules of
 * the real ones: a pod is Ready by its Ready condition; a node is Ready by its Ready condition; a
 * pod tolerates a node when every NoSchedule and NoExecute taint has a matching toleration.
 */
final class ObjectFacts {

  private ObjectFacts() {}

  static boolean isReady(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  static boolean isReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  static boolean isTerminating(HasMetadata object) {
    String ts = object.getMetadata().getDeletionTimestamp();
    return ts != null && !ts.isEmpty();
  }

  static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  static boolean isFinished(Pod pod) {
    String phase = phase(pod);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /** Counted by its controller: neither terminating nor finished. */
  static boolean isActive(Pod pod) {
    return !isTerminating(pod) && !isFinished(pod);
  }

  static String nodeName(Pod pod) {
    return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
  }

  static boolean isUnschedulable(Node node) {
    return node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
  }

  static Optional<OwnerReference> controllerOf(HasMetadata object) {
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  static boolean ownedBy(HasMetadata object, HasMetadata owner) {
    return controllerOf(object)
        .map(r -> Objects.equals(r.getUid(), owner.getMetadata().getUid()))
        .orElse(false);
  }

  static String id(Pod pod) {
    return pod.getMetadata().getNamespace()
        + "/"
        + pod.getMetadata().getName()
        + "@"
        + pod.getMetadata().getUid();
  }

  static Map<String, String> labels(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /**
   * Whether a selector selects the labels. A null selector selects nothing, an empty one everything
   * (policy/v1 semantics).
   */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> labels.containsKey(r.getKey());
              case "DoesNotExist" -> !labels.containsKey(r.getKey());
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean matchesNodeSelector(Pod pod, Node node) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector == null) {
      return true;
    }
    Map<String, String> labels = labels(node);
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** Every NoSchedule and NoExecute taint of the node is tolerated by the pod. */
  static boolean toleratesTaints(Pod pod, Node node) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    if (taints == null) {
      return true;
    }
    List<Toleration> tolerations =
        pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
    for (Taint taint : taints) {
      if ("PreferNoSchedule".equals(taint.getEffect())) {
        continue;
      }
      if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
        return false;
      }
    }
    return true;
  }

  private static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null
        && !t.getEffect().isEmpty()
        && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    boolean exists = "Exists".equals(t.getOperator());
    if (t.getKey() == null || t.getKey().isEmpty()) {
      return exists;
    }
    if (!t.getKey().equals(taint.getKey())) {
      return false;
    }
    return exists || Objects.equals(nullToEmpty(t.getValue()), nullToEmpty(taint.getValue()));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
