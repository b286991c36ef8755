package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.ApprovalPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may answer a gate or decide a failed step. The worker's policy is the floor and an upgrade's
 * spec may only tighten it: four eyes holds if either asks for it; where both list approvers for a
 * type, only names on both lists may approve; a type the worker never auto-approves waits for a
 * human whatever the spec says.
 */
public final class ApprovalRules {

  /** Decisions on failed steps and health pauses, as a type in an approver list. */
  public static final String DECIDE = "decide";
  /** Every type without a list of its own. */
  public static final String ANY = "*";

  public static final List<String> GATE_TYPES =
      List.of(
          "preflight",
          "karpenter",
          "istio",
          "istio-gateways",
          "istio-remove",
          "control-plane",
          "data-plane",
          "teardown",
          "delete-asg");

  private static final Pattern MINOR_SUFFIX = Pattern.compile("-\\d+\\.\\d+$");
  private static final Pattern ISTIO_STEP = Pattern.compile("istio-\\d+\\.\\d+(-gateways|-remove)?");

  private ApprovalRules() {}

  /** {@code control-plane-1.33} → {@code control-plane}, {@code teardown-apps} → {@code teardown}. */
  public static String gateType(String gate) {
    if (gate == null) {
      return null;
    }
    if (gate.startsWith("teardown-")) {
      return "teardown";
    }
    if (gate.startsWith("delete-asg-")) {
      return "delete-asg";
    }
    if (ISTIO_STEP.matcher(gate).matches()) {
      return gate.endsWith("-gateways") ? "istio-gateways" : gate.endsWith("-remove") ? "istio-remove" : "istio";
    }
    return MINOR_SUFFIX.matcher(gate).replaceFirst("");
  }

  /** What is wrong with a policy, each with what to do; empty when it is fine. */
  public static List<String> problems(ApprovalPolicy policy, String where) {
    List<String> problems = new ArrayList<>();
    if (policy == null) {
      return problems;
    }
    Set<String> types = new LinkedHashSet<>(GATE_TYPES);
    types.add(DECIDE);
    types.add(ANY);
    policy.approvers().forEach(
        (type, names) -> {
          if (!types.contains(type)) {
            problems.add(where + ".approvers names '" + type + "', which is no gate type; use " + String.join(", ", types));
          } else if (names == null || names.isEmpty() || names.stream().anyMatch(n -> n == null || n.isBlank())) {
            problems.add(where + ".approvers." + type + " needs at least one name and no empty ones");
          }
        });
    for (List<String> list : List.of(policy.autoApprove(), policy.neverAutoApprove())) {
      for (String type : list) {
        if (!GATE_TYPES.contains(type)) {
          problems.add(where + " names gate type '" + type + "' to auto-approve or not, which is no gate type; use " + String.join(", ", GATE_TYPES));
        }
      }
    }
    return problems;
  }

  /**
   * The policy an upgrade runs under, or the problems of combining the two (for instance approver
   * lists with no name in common, which nobody could ever pass).
   */
  public static Merged merge(ApprovalPolicy worker, ApprovalPolicy spec) {
    ApprovalPolicy w = worker == null ? ApprovalPolicy.none() : worker;
    ApprovalPolicy s = spec == null ? ApprovalPolicy.none() : spec;
    List<String> problems = new ArrayList<>(problems(w, "the worker's eks-upgrader.approvals"));
    problems.addAll(problems(s, "approvals"));
    Map<String, List<String>> approvers = new LinkedHashMap<>();
    Set<String> types = new LinkedHashSet<>(w.approvers().keySet());
    types.addAll(s.approvers().keySet());
    for (String type : types) {
      List<String> fromWorker = w.approvers().get(type);
      List<String> fromSpec = s.approvers().get(type);
      if (fromWorker == null || fromSpec == null) {
        approvers.put(type, fromWorker != null ? fromWorker : fromSpec);
        continue;
      }
      List<String> both = fromSpec.stream().filter(fromWorker::contains).toList();
      if (both.isEmpty()) {
        problems.add(
            "approvals.approvers." + type + " " + fromSpec + " shares no name with the worker's list " + fromWorker
                + ": nobody could approve; name people on the worker's list");
      }
      approvers.put(type, both);
    }
    List<String> auto = new ArrayList<>(s.autoApprove());
    auto.removeAll(w.neverAutoApprove());
    ApprovalPolicy merged =
        new ApprovalPolicy(approvers, w.fourEyes() || s.fourEyes(), auto, w.neverAutoApprove());
    return new Merged(merged, problems);
  }

  public record Merged(ApprovalPolicy policy, List<String> problems) {}

  /**
   * Why {@code by} may not answer a gate (or decide, for type {@link #DECIDE}), or null when they
   * may. Names compare without case.
   */
  public static String refusal(ApprovalPolicy policy, String type, String by, String identity, String requestedBy) {
    if (policy.fourEyes() && !DECIDE.equals(type) && requestedBy != null) {
      String starter = user(requestedBy);
      if (starter.equals(user(by)) || (identity != null && starter.equals(user(identity)))) {
        return "four eyes: " + by + " started this upgrade and may not approve its gates; ask someone else";
      }
    }
    List<String> allowed = policy.approvers().get(type);
    if (allowed == null) {
      allowed = policy.approvers().get(ANY);
    }
    if (allowed != null && allowed.stream().noneMatch(name -> user(name).equals(user(by)))) {
      return by + " may not " + (DECIDE.equals(type) ? "decide failed steps" : "answer " + type + " gates")
          + "; allowed: " + String.join(", ", allowed);
    }
    return null;
  }

  /** Why a gate of this type is approved without a human, or null when one must answer it. */
  public static String autoApproval(ApprovalPolicy policy, boolean autoApproveOption, String type) {
    if (policy.neverAutoApprove().contains(type)) {
      return null;
    }
    if (autoApproveOption) {
      return "autoApprove option";
    }
    return policy.autoApprove().contains(type) ? "approvals.autoApprove lists " + type : null;
  }

  /** {@code alice@laptop} and {@code Alice} are the same person. */
  private static String user(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    int at = n.indexOf('@');
    return at > 0 ? n.substring(0, at) : n;
  }
}
