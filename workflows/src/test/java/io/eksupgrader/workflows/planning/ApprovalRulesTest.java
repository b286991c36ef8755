package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.activities.HealthGateActivities.HealthGate;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.HealthGateOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalRulesTest {

  @Test
  void gateNamesMapToTheirTypes() {
    assertThat(
            List.of(
                    "preflight", "karpenter", "istio-1.27", "istio-1.27-gateways", "istio-1.26-remove",
                    "control-plane-1.33", "data-plane", "data-plane-1.33", "teardown-apps-1-33", "delete-asg-legacy")
                .stream()
                .map(ApprovalRules::gateType))
        .containsExactly(
            "preflight", "karpenter", "istio", "istio-gateways", "istio-remove", "control-plane", "data-plane",
            "data-plane", "teardown", "delete-asg");
  }

  @Test
  void theSpecTightensTheWorkersPolicyAndNeverLoosensIt() {
    ApprovalPolicy worker =
        new ApprovalPolicy(Map.of("*", List.of("bob", "dave")), true, List.of(), List.of("delete-asg"));
    ApprovalPolicy spec =
        new ApprovalPolicy(
            Map.of("*", List.of("bob", "erin"), "teardown", List.of("frank")), false, List.of("karpenter", "delete-asg"), List.of());
    ApprovalRules.Merged merged = ApprovalRules.merge(worker, spec);

    assertThat(merged.problems()).isEmpty();
    ApprovalPolicy policy = merged.policy();
    assertThat(policy.fourEyes()).as("either side asking for four eyes is enough").isTrue();
    assertThat(policy.approvers()).containsEntry("*", List.of("bob")).containsEntry("teardown", List.of("frank"));
    assertThat(policy.autoApprove()).as("the worker keeps delete-asg for humans").containsExactly("karpenter");
    assertThat(ApprovalRules.autoApproval(policy, true, "delete-asg")).isNull();
    assertThat(ApprovalRules.autoApproval(policy, false, "karpenter")).isEqualTo("approvals.autoApprove lists karpenter");
    assertThat(ApprovalRules.autoApproval(policy, false, "control-plane")).isNull();
  }

  @Test
  void refusalsNameTheRuleAndWhoMayApproveInstead() {
    ApprovalPolicy policy = new ApprovalPolicy(Map.of("control-plane", List.of("alice", "Bob")), true, List.of(), List.of());
    assertThat(ApprovalRules.refusal(policy, "control-plane", "bob", "bob@bastion", "alice")).isNull();
    assertThat(ApprovalRules.refusal(policy, "control-plane", "ALICE", null, "alice")).startsWith("four eyes");
    assertThat(ApprovalRules.refusal(policy, "control-plane", "mallory", "alice@laptop", "alice"))
        .as("the client identity counts for four eyes too")
        .startsWith("four eyes");
    assertThat(ApprovalRules.refusal(policy, "control-plane", "carol", null, "alice"))
        .isEqualTo("carol may not answer control-plane gates; allowed: alice, Bob");
    assertThat(ApprovalRules.refusal(policy, "teardown", "carol", null, "alice")).as("no list: anyone but the starter").isNull();
    assertThat(ApprovalRules.refusal(policy, ApprovalRules.DECIDE, "alice", null, "alice"))
        .as("four eyes is about approvals; the starter may decide their own failed step")
        .isNull();
  }

  @Test
  void badPoliciesAndImpossibleCombinationsAreExplained() {
    assertThat(ApprovalRules.problems(new ApprovalPolicy(Map.of("controlplane", List.of("a")), false, List.of("nodes"), List.of()), "approvals"))
        .hasSize(2)
        .anyMatch(p -> p.contains("'controlplane', which is no gate type"))
        .anyMatch(p -> p.contains("'nodes'"));
    assertThat(
            ApprovalRules.merge(
                    new ApprovalPolicy(Map.of("teardown", List.of("bob")), false, List.of(), List.of()),
                    new ApprovalPolicy(Map.of("teardown", List.of("alice")), false, List.of(), List.of()))
                .problems())
        .containsExactly(
            "approvals.approvers.teardown [alice] shares no name with the worker's list [bob]: nobody could approve; name people on the worker's list");
  }

  @Test
  void healthGateOptionsAreCheckedAndTheDefaultsFollowSeed003() {
    assertThat(HealthGates.defaultNames())
        .containsExactly("karpenter-launch-failures", "node-join-latency", "istio-xds-push-errors", "istio-5xx", "apiserver-p99");
    HealthGateOptions options =
        new HealthGateOptions(
            "http://prom:9090", 60, Map.of("istio-5xx", 0.5), List.of("node-join-latency"),
            List.of(new HealthGate("queue-depth", "max(queue_depth)", 100, "msgs")));
    assertThat(HealthGates.problems(options)).isEmpty();
    assertThat(HealthGates.effective(options))
        .extracting(g -> g.name() + " " + g.max())
        .containsExactly(
            "karpenter-launch-failures 0.0", "istio-xds-push-errors 0.0", "istio-5xx 0.5", "apiserver-p99 1.0", "queue-depth 100.0");
    assertThat(
            HealthGates.problems(
                new HealthGateOptions(
                    "prom:9090", -1, Map.of("istio_5xx", 1.0), List.of("nope"),
                    List.of(new HealthGate("istio-5xx", "", -1, null)))))
        .anyMatch(p -> p.contains("is not an http(s) URL"))
        .anyMatch(p -> p.contains("interval must be positive"))
        .anyMatch(p -> p.contains("thresholds names 'istio_5xx'"))
        .anyMatch(p -> p.contains("disabled names 'nope'"))
        .anyMatch(p -> p.contains("gate 'istio-5xx' is defined twice"))
        .anyMatch(p -> p.contains("has no query"))
        .anyMatch(p -> p.contains("needs a max of 0 or more"));
    assertThat(HealthGates.problems(new HealthGateOptions(null, 0, Map.of("istio-5xx", 1.0), List.of(), List.of())))
        .containsExactly("healthGates has thresholds or gates but no prometheus URL: give healthGates.prometheus (--prometheus-url)");
  }
}
