package io.eksupgrader.worker;

import io.eksupgrader.workflows.activities.ApprovalPolicyActivities;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.planning.ApprovalRules;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code eks-upgrader.approvals.*}: the organisation's approval policy, the floor under every
 * upgrade's spec, and the activity that hands it to each upgrade when it starts. Approver lists are
 * keyed by gate type; {@code all} stands for every type without a list of its own.
 */
@ConfigurationProperties("eks-upgrader.approvals")
public class ApprovalConfiguration implements ApprovalPolicyActivities {

  static final String ALL = "all";

  private boolean fourEyes;
  private Map<String, List<String>> approvers = new LinkedHashMap<>();
  private List<String> neverAutoApprove = List.of();

  public boolean isFourEyes() {
    return fourEyes;
  }

  public void setFourEyes(boolean fourEyes) {
    this.fourEyes = fourEyes;
  }

  public Map<String, List<String>> getApprovers() {
    return approvers;
  }

  public void setApprovers(
      @io.micronaut.core.convert.format.MapFormat(transformation = io.micronaut.core.convert.format.MapFormat.MapTransformation.NESTED)
          Map<String, List<String>> approvers) {
    this.approvers = approvers == null ? new LinkedHashMap<>() : approvers;
  }

  public List<String> getNeverAutoApprove() {
    return neverAutoApprove;
  }

  public void setNeverAutoApprove(List<String> neverAutoApprove) {
    this.neverAutoApprove = neverAutoApprove == null ? List.of() : neverAutoApprove;
  }

  /** The policy, or a startup failure naming what is wrong, so that no upgrade runs under a typo. */
  ApprovalPolicy policy() {
    Map<String, List<String>> lists = new LinkedHashMap<>();
    approvers.forEach((type, names) -> lists.put(ALL.equals(type) ? ApprovalRules.ANY : type, List.copyOf(names)));
    ApprovalPolicy policy = new ApprovalPolicy(lists, fourEyes, List.of(), neverAutoApprove);
    List<String> problems = ApprovalRules.problems(policy, "eks-upgrader.approvals");
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          String.join("; ", problems).replace("'*'", "'" + ALL + "'") + " (gate type 'all' stands for every other type)");
    }
    return policy;
  }

  @Override
  public ApprovalPolicy loadApprovalPolicy() {
    return policy();
  }
}
