package io.eksupgrader.activities.metrics;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import io.temporal.activity.Activity;

/**
 * The metrics the activities record, and the scope they record them in.
 *
 * <p>They go through the running activity's Temporal metrics scope (tally): the worker sets one
 * root scope on its service stubs and exports it to Prometheus, so these metrics come out of
 * {@code /metrics} next to the SDK's own, tagged like them ({@code activity_type},
 * {@code workflow_type}, {@code namespace}, {@code task_queue}), and this module needs no metrics
 * library of its own. Outside an activity (a unit test calling a client directly, the CLI) there
 * is no such scope and nothing is recorded.
 *
 * <p>Names are as recorded; Prometheus shows counters with {@code _total} appended and timers in
 * seconds ({@code _seconds_count}, {@code _seconds_sum}, {@code _seconds_bucket}).
 */
public final class ActivityMetrics {

  /** Counter: pods whose policy/v1 eviction the API server accepted during a drain. */
  public static final String DRAIN_EVICTIONS = "eks_upgrader_drain_evictions";

  /** Counter: evictions the API server refused with 429 because a PodDisruptionBudget allowed none. */
  public static final String DRAIN_EVICTION_REFUSALS = "eks_upgrader_drain_eviction_refusals";

  /** Counter: pods deleted around their disruption budget because an operator decided so. */
  public static final String DRAIN_FORCE_DELETIONS = "eks_upgrader_drain_force_deletions";

  /** Counter: AWS API calls (one per call, however many attempts), tagged service, operation, outcome. */
  public static final String AWS_CALLS = "eks_upgrader_aws_calls";

  /** Counter: attempts of AWS API calls that were throttled, including those a retry then got through. */
  public static final String AWS_THROTTLES = "eks_upgrader_aws_throttles";

  /** Timer: how long an AWS API call took, its retries and backoff included; tagged service, operation. */
  public static final String AWS_CALL_LATENCY = "eks_upgrader_aws_call_latency";

  /** Tag: the AWS SDK's service id, e.g. {@code EKS}, {@code EC2}, {@code Auto Scaling}. */
  public static final String SERVICE = "service";

  /** Tag: the AWS operation, e.g. {@code DescribeCluster}. */
  public static final String OPERATION = "operation";

  /** Tag: how an AWS call ended: one of {@link #SUCCESS}, {@link #THROTTLED}, {@link #SERVER_ERROR}, {@link #ERROR}. */
  public static final String OUTCOME = "outcome";

  public static final String SUCCESS = "success";
  /** The last attempt was throttled (the SDK's throttling error codes or HTTP 429). */
  public static final String THROTTLED = "throttled";
  /** The last attempt got a 5xx that is no throttle (EC2's 503 RequestLimitExceeded is one). */
  public static final String SERVER_ERROR = "server_error";
  /** Anything else: a 4xx such as ResourceNotFoundException (often expected), an I/O error, a timeout. */
  public static final String ERROR = "error";

  private static final Scope NONE = new NoopScope();

  private ActivityMetrics() {}

  /** The metrics scope of the activity running on this thread, or one that records nothing. */
  public static Scope scope() {
    try {
      return Activity.getExecutionContext().getMetricsScope();
    } catch (IllegalStateException notInAnActivity) {
      return NONE;
    }
  }
}
