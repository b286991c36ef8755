package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eksupgrader.sandbox.CallLog;
import io.eksupgrader.sandbox.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 5xx spike during a drain, through the real worker, the CLI and the sandbox's Prometheus: the
 * health gate stops the drain and the upgrade waits for a decision naming the query, value and
 * maximum; once the operator rolled back what caused it (a ConfigMap the scenario watches for),
 * retry resumes the drain, and no pod is evicted twice.
 */
class HealthGateEndToEndTest {

  private static final String FIVE_XX =
      "sum(rate(istio_requests_total{response_code=~\"5.*\"}[5m])) by (destination_service)";

  private static final String SCENARIO =
      """
      name: spike
      timeScale: 600
      durations: {podStart: 30m}
      clusters:
        - name: shop
          region: eu-central-1
          version: "1.33"
          nodeGroups:
            - {name: apps, version: "1.33", desiredSize: 2, labels: {role: apps}}
          kubernetes:
            workloads:
              - {namespace: shop, name: web, replicas: 6, nodeSelector: {role: apps}}
            pdbs:
              - {namespace: shop, name: web, selector: {app: web}, maxUnavailable: "1"}
      prometheus:
        queries:
          - query: 'QUERY'
            series: [{labels: {destination_service: web.shop.svc.cluster.local}, value: 0.02}]
            changes:
              - from: {call: CreateEviction}
                until: {call: CreateConfigMap}
                series: [{labels: {destination_service: web.shop.svc.cluster.local}, value: 6.5}]
      """
          .replace("QUERY", FIVE_XX);

  @Test
  void aSpikeDuringADrainStopsItAndRetryResumesItOnceTheCauseIsRolledBack() {
    try (LocalEnvironment env = LocalEnvironment.start(Scenario.parse(SCENARIO, "spike"), 0, 0, "spike")) {
      env.startWorker();
      String[] where = {
        "--temporal", env.temporalTarget(), "--task-queue", "spike", "--identity", "bob",
        "--cluster", "shop", "--region", "eu-central-1"
      };
      CliRun started =
          CliRun.of(
              CliRun.concat(
                  new String[] {
                    "start", "--to", "1.34", "--auto-approve", "--prometheus-url", env.sandbox.prometheusUrl().toString(),
                    "--health-interval", "1s"
                  },
                  where));
      assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);

      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        CliRun status = CliRun.of(CliRun.concat(new String[] {"status"}, where));
        assertThat(status.out())
            .contains("Step `nodegroup-apps` FAILED")
            .contains("health gate breached while node group apps is replaced")
            .contains("istio-5xx = {destination_service=\"web.shop.svc.cluster.local\"} 6.5 req/s > max 1")
            .contains(FIVE_XX)
            .contains("retry resumes it");
      });
      CallLog log = env.sandbox.callLog();
      // A stopped drain learns of it with its next heartbeat (at most 5 s, the worker's throttle).
      await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(30)).until(() -> true);
      int evictedWhenStopped = evicted(log).size();
      await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30)).until(() -> true);
      assertThat(evicted(log)).as("the stopped drain evicts nothing more").hasSize(evictedWhenStopped);
      assertThat(evictedWhenStopped).as("the spike started with the drain's first eviction").isBetween(1, 4);
      assertThat(log.entries("DeleteNodegroup")).isEmpty();

      try (var kubernetes = env.sandbox.kubernetes("eu-central-1", "shop").adminClient()) {
        kubernetes
            .configMaps()
            .inNamespace("shop")
            .resource(new ConfigMapBuilder().withNewMetadata().withName("web-rollback").endMetadata().build())
            .create();
      }
      CliRun retried =
          CliRun.of(CliRun.concat(new String[] {"decide", "--step", "nodegroup-apps", "--retry", "--comment", "bad release rolled back"}, where));
      assertThat(retried.exitCode()).as(retried.toString()).isEqualTo(ExitCodes.OK);
      CliRun watched = CliRun.of(CliRun.concat(new String[] {"status", "--watch", "--json"}, where));
      assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(ExitCodes.OK);
      assertThat(watched.out()).contains("\"outcome\" : \"SUCCEEDED\"").contains("bad release rolled back");

      assertThat(evicted(log)).as("all six pods evicted, none twice").hasSize(6).doesNotHaveDuplicates();
      assertThat(log.entries("CreateNodegroup")).as("the retry reused the replacement").hasSize(1);
      assertThat(env.sandbox.kubernetes("eu-central-1", "shop").pdbBreaches()).isEmpty();
      assertThat(env.sandbox.prometheusQueries()).contains(FIVE_XX);
    }
  }

  private static List<String> evicted(CallLog log) {
    return log.entries("CreateEviction").stream()
        .filter(e -> e.effect() == CallLog.Effect.CREATED)
        .map(CallLog.Entry::resourceId)
        .toList();
  }

}
