package io.eksupgrader.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * Who may answer which gate. A gate's type is its name without the minor or group ({@code
 * control-plane-1.33} is {@code control-plane}, {@code teardown-apps} is {@code teardown}); {@code
 * decide} names the decisions on failed steps, {@code *} every type without a list of its own.
 *
 * @param approvers allowed names per gate type; a type without a list (and no {@code *}) takes
 *     anyone
 * @param fourEyes the person who started the upgrade may not approve its gates
 * @param autoApprove gate types approved without a human, recorded as such
 * @param neverAutoApprove gate types that always wait for a human, whatever the spec or {@code
 *     --auto-approve} says (worker configuration)
 */
public record ApprovalPolicy(
    Map<String, List<String>> approvers, boolean fourEyes, List<String> autoApprove, List<String> neverAutoApprove) {

  public ApprovalPolicy {
    approvers = approvers == null ? Map.of() : Map.copyOf(approvers);
    autoApprove = autoApprove == null ? List.of() : List.copyOf(autoApprove);
    neverAutoApprove = neverAutoApprove == null ? List.of() : List.copyOf(neverAutoApprove);
  }

  public static ApprovalPolicy none() {
    return new ApprovalPolicy(Map.of(), false, List.of(), List.of());
  }
}
