package io.eksupgrader.activities.metrics;

import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.CapableOf;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import com.uber.m3.tally.StatsReporter;
import com.uber.m3.util.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tally root scope for a Temporal test environment, and what it reported. Tally sends counters
 * as deltas on each report; {@link #finish} makes the last report, after which the sums are read.
 */
public final class RecordedMetrics implements StatsReporter {

  /** One reported value: a counter's delta, or a timer sample in nanoseconds. */
  public record Sample(String name, Map<String, String> tags, long value) {}

  private final List<Sample> counters = new ArrayList<>();
  private final List<Sample> timers = new ArrayList<>();
  private final Scope scope;

  public RecordedMetrics() {
    // Reported only on close, so that the totals a test reads are complete.
    scope = new RootScopeBuilder().reporter(this).reportEvery(Duration.ofHours(1));
  }

  public Scope scope() {
    return scope;
  }

  /** Reports what is left and stops the scope. */
  public void finish() {
    try {
      scope.close();
    } catch (ScopeCloseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sum of a counter over every tag set that includes {@code tags}. */
  public synchronized long counter(String name, Map<String, String> tags) {
    return sum(counters, name, tags);
  }

  /** How many timer samples were recorded over every tag set that includes {@code tags}. */
  public synchronized long timerSamples(String name, Map<String, String> tags) {
    return timers.stream().filter(s -> matches(s, name, tags)).count();
  }

  public synchronized List<Sample> counters() {
    return List.copyOf(counters);
  }

  private static long sum(List<Sample> samples, String name, Map<String, String> tags) {
    return samples.stream().filter(s -> matches(s, name, tags)).mapToLong(Sample::value).sum();
  }

  private static boolean matches(Sample s, String name, Map<String, String> tags) {
    return s.name().equals(name) && s.tags().entrySet().containsAll(tags.entrySet());
  }

  @Override
  public synchronized void reportCounter(String name, Map<String, String> tags, long value) {
    counters.add(new Sample(name, tags == null ? Map.of() : Map.copyOf(tags), value));
  }

  @Override
  public void reportGauge(String name, Map<String, String> tags, double value) {}

  @Override
  public synchronized void reportTimer(String name, Map<String, String> tags, Duration interval) {
    timers.add(new Sample(name, tags == null ? Map.of() : Map.copyOf(tags), interval.getNanos()));
  }

  @Override
  public void reportHistogramValueSamples(
      String name, Map<String, String> tags, Buckets buckets, double lower, double upper, long samples) {}

  @Override
  public void reportHistogramDurationSamples(
      String name, Map<String, String> tags, Buckets buckets, Duration lower, Duration upper, long samples) {}

  @Override
  public Capabilities capabilities() {
    return CapableOf.REPORTING_TAGGING;
  }

  @Override
  public void flush() {}

  /** Called by the scope as it closes. */
  @Override
  public void close() {}
}
