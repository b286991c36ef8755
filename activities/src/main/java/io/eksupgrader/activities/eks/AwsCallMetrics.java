package io.eksupgrader.activities.eks;

import com.uber.m3.tally.Scope;
import io.eksupgrader.activities.metrics.ActivityMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.http.HttpMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Counts AWS API calls by service, operation and outcome, and throttled attempts, into the running
 * activity's metrics scope ({@link ActivityMetrics}).
 *
 * <p>This is the SDK's metric publisher rather than an {@code ExecutionInterceptor}: an interceptor
 * sees a call's final exception only, so a throttled attempt that the {@code standard} retry mode
 * then got through would never be counted, and that is the early warning worth having. The SDK
 * classifies every attempt's error itself ({@code ERROR_TYPE} {@code Throttling} is its own
 * throttling test, {@code RetryUtils.isThrottlingException}: HTTP 429 or a throttling error code
 * such as {@code ThrottlingException}, {@code Throttling}, {@code RequestLimitExceeded}), so no
 * protocol's error body is parsed here. Sync clients publish on the calling thread, at the end of
 * the call, which is the activity's thread.
 */
public final class AwsCallMetrics implements MetricPublisher {

  /** Stateless; every client shares it. */
  public static final AwsCallMetrics INSTANCE = new AwsCallMetrics();

  private static final String ATTEMPT = "ApiCallAttempt";
  private static final String THROTTLING = "Throttling";

  private AwsCallMetrics() {}

  @Override
  public void publish(MetricCollection call) {
    record(ActivityMetrics.scope(), call);
  }

  /** Records one API call's metrics in {@code scope}. */
  private static void record(Scope scope, MetricCollection call) {
    String service = first(call.metricValues(CoreMetric.SERVICE_ID), "unknown");
    String operation = first(call.metricValues(CoreMetric.OPERATION_NAME), "unknown");
    List<MetricCollection> attempts = call.childrenWithName(ATTEMPT).toList();
    long throttled =
        attempts.stream().filter(a -> a.metricValues(CoreMetric.ERROR_TYPE).contains(THROTTLING)).count();
    Scope tagged = scope.tagged(Map.of(ActivityMetrics.SERVICE, service, ActivityMetrics.OPERATION, operation));
    if (throttled > 0) {
      tagged.counter(ActivityMetrics.AWS_THROTTLES).inc(throttled);
    }
    scope
        .tagged(
            Map.of(
                ActivityMetrics.SERVICE, service,
                ActivityMetrics.OPERATION, operation,
                ActivityMetrics.OUTCOME, outcome(call, attempts)))
        .counter(ActivityMetrics.AWS_CALLS)
        .inc(1);
    List<Duration> duration = call.metricValues(CoreMetric.API_CALL_DURATION);
    if (!duration.isEmpty()) {
      tagged
          .timer(ActivityMetrics.AWS_CALL_LATENCY)
          .record(com.uber.m3.util.Duration.ofNanos(duration.get(0).toNanos()));
    }
  }

  private static String outcome(MetricCollection call, List<MetricCollection> attempts) {
    if (call.metricValues(CoreMetric.API_CALL_SUCCESSFUL).contains(Boolean.TRUE)) {
      return ActivityMetrics.SUCCESS;
    }
    if (attempts.isEmpty()) {
      return ActivityMetrics.ERROR;
    }
    MetricCollection last = attempts.get(attempts.size() - 1);
    if (last.metricValues(CoreMetric.ERROR_TYPE).contains(THROTTLING)) {
      return ActivityMetrics.THROTTLED;
    }
    // The SDK's ServerError means any error the service answered, a 404 as much as a 503: the status tells.
    if (last.metricValues(HttpMetric.HTTP_STATUS_CODE).stream().anyMatch(code -> code != null && code >= 500)) {
      return ActivityMetrics.SERVER_ERROR;
    }
    return ActivityMetrics.ERROR;
  }

  private static String first(List<String> values, String otherwise) {
    return values.isEmpty() || values.get(0) == null ? otherwise : values.get(0);
  }

  @Override
  public void close() {}
}
