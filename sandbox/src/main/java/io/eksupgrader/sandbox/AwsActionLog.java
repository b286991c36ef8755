package io.eksupgrader.sandbox;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every AWS action the sandbox was asked to perform, reads included, named as IAM names it
 * ({@code eks:DescribeCluster}, {@code autoscaling:DescribeAutoScalingGroups}), so that a test can
 * hold the worker's IAM policy against what the code really calls. An action counts when a signed
 * request names it, whatever the answer: a throttled or refused call still needed the permission.
 * Unlike the {@link CallLog} it keeps no order, count or arguments. Thread safe.
 */
public final class AwsActionLog {

  private final Set<String> actions = ConcurrentHashMap.newKeySet();

  /** Records one request; {@code service} is the IAM service prefix, {@code action} the API operation. */
  void record(String service, String action) {
    if (action != null && !action.isEmpty()) {
      actions.add(service + ":" + action);
    }
  }

  /** The actions seen so far, sorted. */
  public SortedSet<String> actions() {
    return new TreeSet<>(actions);
  }
}
