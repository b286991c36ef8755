package io.eksupgrader.activities.kube;

import io.eksupgrader.workflows.model.DrainBlockage.PdbStatus;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PodDisruptionBudgets that select a pod, with their status as the API server reports it now.
 * A budget selects the pods of its namespace that its label selector matches; an empty selector
 * matches every pod of the namespace and a missing one none, as in {@code policy/v1}. Each
 * namespace's budgets are listed once per instance, so make one instance per report.
 */
public final class PodDisruptionBudgets {

  private final KubernetesClient client;
  private final Map<String, List<PodDisruptionBudget>> byNamespace = new HashMap<>();

  PodDisruptionBudgets(KubernetesClient client) {
    this.client = client;
  }

  /** The budgets selecting the pod, sorted by name. */
  List<PdbStatus> selecting(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    return byNamespace
        .computeIfAbsent(
            namespace,
            ns -> client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems())
        .stream()
        .filter(pdb -> matches(pdb.getSpec() == null ? null : pdb.getSpec().getSelector(), labels))
        .sorted(Comparator.comparing(pdb -> pdb.getMetadata().getName()))
        .map(PodDisruptionBudgets::status)
        .toList();
  }

  static PdbStatus status(PodDisruptionBudget pdb) {
    PodDisruptionBudgetStatus s = pdb.getStatus();
    return new PdbStatus(
        pdb.getMetadata().getNamespace(),
        pdb.getMetadata().getName(),
        s == null ? 0 : orZero(s.getDisruptionsAllowed()),
        s == null ? 0 : orZero(s.getCurrentHealthy()),
        s == null ? 0 : orZero(s.getDesiredHealthy()),
        s == null ? 0 : orZero(s.getExpectedPods()));
  }

  /** How a budget reads in a message: name, then what it allows now. */
  static String describe(PdbStatus pdb) {
    return pdb.namespace()
        + "/"
        + pdb.name()
        + " (allows "
        + pdb.disruptionsAllowed()
        + " disruptions; "
        + pdb.currentHealthy()
        + " healthy, "
        + pdb.desiredHealthy()
        + " desired, "
        + pdb.expectedPods()
        + " expected)";
  }

  /** Whether a budget's selector matches a pod's labels; a missing selector matches nothing. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
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
        if (!matches(r, labels)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;
    };
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
