package io.eksupgrader.sandbox;

import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every AWS action the sandbox was asked to perform, reads included, named as IAM names it
 * ({@code eks:DescribeCluster}, {@code autoscaling:DescribeAutoScalingGroups}), so that a test can
 * hold the worker's IAM policy against what the code really calls. An action counts when a signed
 * request names it, whatever the answer: a throttled or refused call still needed the permission.
 * Unlike the {@link CallLog} it keeps no order or arguments; it counts requests per action for
 * the benchmark's "AWS calls per upgrade". Thread safe.
 */
public final class AwsActionLog {

  private final Map<String, LongAdder> actions = new ConcurrentHashMap<>();

  /** Records one request; {@code service} is the IAM service prefix, {@code action} the API operation. */
  void record(String service, String action) {
    if (action != null && !action.isEmpty()) {
      actions.computeIfAbsent(service + ":" + action, k -> new LongAdder()).increment();
    }
  }

  /** The actions seen so far, sorted. */
  public SortedSet<String> actions() {
    return new TreeSet<>(actions.keySet());
  }

  /** How many requests named each action so far, throttled and refused ones included, sorted. */
  public SortedMap<String, Long> counts() {
    SortedMap<String, Long> counts = new TreeMap<>();
    actions.forEach((action, count) -> counts.put(action, count.sum()));
    return counts;
  }
}
