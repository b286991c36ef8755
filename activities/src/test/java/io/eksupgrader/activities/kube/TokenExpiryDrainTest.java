package io.eksupgrader.activities.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.sandbox.CallLog.Effect;
import io.eksupgrader.workflows.model.DrainNodeResult;
import io.eksupgrader.workflows.model.DrainOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A drain whose EKS token expires while it runs: the sandbox refuses the worker's token fifteen
 * simulated seconds after it first sees it, long before the client's ten-minute refresh, and
 * evicted pods take three real seconds to stop. The real fabric8 client must renew the token on
 * the 401 and carry on within the same attempt.
 */
class TokenExpiryDrainTest {

  @Test
  void aTokenThatExpiresMidDrainIsRenewedAndEveryPodIsEvictedOnceInOneAttempt() {
    try (DrainScenario s =
        new DrainScenario(
            """
            name: drain
            timeScale: 10
            durations: {podStart: 4s}
            clusters:
              - name: shop
                region: us-east-1
                version: "1.32"
                nodeGroups:
                  - {name: old, desiredSize: 1}
                kubernetes:
                  workloads:
                    - {namespace: shop, name: web, replicas: 3}
            """)) {
      s.awaitRunning(3);
      s.launchNode("ip-10-0-9-1.ec2.internal", "new");
      s.drain.cordonNodes(s.group("old"));
      String old = s.nodesOf("old").get(0);
      List<String> web = s.podIdsOn(old, p -> true);
      // Fifteen simulated seconds are 1.5 real ones: a renewed token is signed in a later second than
      // the expired one, so its X-Amz-Date, and the token, differ.
      s.kube.expireTokensAfter(Duration.ofSeconds(15));
      // Thirty seconds of grace keep evicted pods terminating for three real seconds.
      DrainOptions slowStop = new DrainOptions(true, false, false, 30, 60, 1);

      DrainNodeResult result = s.drain(old, slowStop, List.of());

      assertThat(result.evicted()).isEqualTo(3);
      assertThat(s.kube.expiredTokenRefusals()).as("the token expired mid-drain").isPositive();
      assertThat(s.calls("CreateEviction", Effect.CREATED)).containsExactlyInAnyOrderElementsOf(web);
      assertThat(s.calls("CreateEviction")).as("no pod is evicted twice").hasSize(3);
      assertThat(s.podsOn(old)).isEmpty();
      assertThat(s.kube.pdbBreaches()).isEmpty();
    }
  }
}
