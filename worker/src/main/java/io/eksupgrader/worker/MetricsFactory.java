package io.eksupgrader.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.eksupgrader.workflows.upgrade.UpgradeMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The Temporal SDK's metrics in Micronaut's Micrometer registry, which {@code /metrics} serves.
 *
 * <p>The SDK records into a tally scope; the one made here reports into Micrometer and is set on
 * the service stubs ({@link ClientFactory}). Every scope the SDK derives from the stubs' comes out
 * the same way: the worker's and its pollers', each activity's
 * ({@code Activity.getExecutionContext().getMetricsScope()}, where the activities record their own
 * {@code eks_upgrader_*} metrics) and each workflow's ({@code Workflow.getMetricsScope()}).
 */
@Factory
@Requires(beans = MeterRegistry.class)
public class MetricsFactory {

  /** Temporal's latencies and the AWS calls': milliseconds to minutes. */
  private static final Duration[] TASK_BUCKETS =
      Stream.of("PT0.005S", "PT0.01S", "PT0.025S", "PT0.05S", "PT0.1S", "PT0.25S", "PT0.5S", "PT1S",
              "PT2.5S", "PT5S", "PT10S", "PT30S", "PT1M", "PT5M", "PT15M", "PT1H")
          .map(Duration::parse)
          .toArray(Duration[]::new);

  /** How long an approval gate stays open: minutes to days. */
  private static final Duration[] GATE_BUCKETS =
      Stream.of("PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT2H", "PT4H", "PT8H", "PT24H", "PT72H", "PT168H")
          .map(Duration::parse)
          .toArray(Duration[]::new);

  @Singleton
  @Bean(preDestroy = "close")
  Scope temporalMetricsScope(MeterRegistry registry, MetricsSettings settings) {
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofNanos(settings.getReportInterval().toNanos()));
  }

  /**
   * Histogram buckets for the SDK's and the project's timers, so that dashboards can take
   * quantiles ({@code histogram_quantile} over {@code _seconds_bucket}). Explicit, few buckets
   * rather than Micrometer's percentile histogram of about seventy, since the SDK tags its timers
   * per activity and workflow type.
   */
  @Singleton
  MeterFilter temporalTimerBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER) {
          return config;
        }
        Duration[] buckets;
        if (id.getName().equals(UpgradeMetrics.GATE_WAIT)) {
          buckets = GATE_BUCKETS;
        } else if (id.getName().startsWith("temporal_") || id.getName().startsWith("eks_upgrader_")) {
          buckets = TASK_BUCKETS;
        } else {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(Stream.of(buckets).mapToDouble(Duration::toNanos).toArray())
            .build()
            .merge(config);
      }
    };
  }
}
