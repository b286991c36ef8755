package io.eksupgrader.workflows.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeRequest;
import org.junit.jupiter.api.Test;

class UpgradeRequestValidationTest {

  @Test
  void acceptsAWellFormedRequest() {
    assertThat(UpgradeRequestValidation.problems(request("us-east-1", "prod-eks_1", "1.34"))).isEmpty();
    assertThat(UpgradeRequestValidation.problems(request("us-gov-west-1", "a", "1.30"))).isEmpty();
  }

  @Test
  void namesEveryProblemAndWhatToUseInstead() {
    assertThat(UpgradeRequestValidation.problems(request("useast1", "-bad", "1.34.0")))
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("cluster name '-bad' is not a valid EKS cluster name"))
        .anySatisfy(p -> assertThat(p).contains("region 'useast1' is not an AWS region name such as us-east-1"))
        .anySatisfy(p -> assertThat(p).contains("target version '1.34.0'").contains("MAJOR.MINOR"));
    assertThat(UpgradeRequestValidation.problems(new UpgradeRequest(null, "1.33", null, "x")))
        .containsExactly("the request names no cluster: give --cluster and --region");
    assertThat(UpgradeRequestValidation.problems(
            new UpgradeRequest(new ClusterRef("us-east-1", "a"), "1.33", new UpgradeOptions(false, -5), "x")))
        .containsExactly("gateReminderMinutes must be 0 (default) or positive");
    assertThat(UpgradeRequestValidation.problems(
            new UpgradeRequest(
                new ClusterRef("us-east-1", "a"),
                "1.33",
                new UpgradeOptions(false, 0, new io.eksupgrader.workflows.model.DrainOptions(true, false, false, -2, -1, -1), -1),
                "x")))
        .containsExactly(
            "nodeGroupConcurrency must be 0 (default: one at a time) or positive",
            "drain grace-period must be -1 (each pod's own) or 0 and more seconds",
            "drain timeout must be 0 (default: 15 minutes) or positive",
            "drain concurrency must be 0 (default: one node at a time) or positive");
  }

  private static UpgradeRequest request(String region, String name, String target) {
    return new UpgradeRequest(new ClusterRef(region, name), target, UpgradeOptions.defaults(), "alice");
  }
}
