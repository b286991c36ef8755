package io.eksupgrader.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every mutating request the sandbox answered, in the order it answered them, so that tests can
 * assert "exactly once" and "nothing mutated". Reads are not recorded. Thread safe.
 */
public final class CallLog {

  /** What a mutating request did. */
  public enum Effect {
    /** A new resource or update was made. */
    CREATED,
    /** The request repeated an earlier one (same clientRequestToken); the earlier result was returned. */
    REPLAYED,
    /** An error was answered and nothing changed, including injected faults. */
    REJECTED
  }

  /**
   * One mutating request.
   *
   * @param sequence 1, 2, 3… in the order the sandbox answered
   * @param operation the EKS operation name, e.g. UpdateClusterVersion
   * @param version the requested Kubernetes version, if the operation carries one
   * @param status the HTTP status answered
   * @param resourceId the update the request made or replayed; null when rejected
   * @param errorCode the x-amzn-ErrorType answered; null on success
   */
  public record Entry(
      long sequence,
      Instant realTime,
      Instant simulatedTime,
      String service,
      String operation,
      String region,
      String cluster,
      String clientRequestToken,
      String version,
      int status,
      Effect effect,
      String resourceId,
      String errorCode) {}

  private final List<Entry> entries = new ArrayList<>();

  /**
   * Records one mutating request. Services other than EKS use the same fields: {@code service}
   * names the API ("kubernetes", "autoscaling", "ec2"), {@code resourceId} what it touched (for
   * a pod "namespace/name@uid", for a node its name).
   */
  public synchronized Entry append(
      Instant simulatedTime,
      String service,
      String operation,
      String region,
      String cluster,
      String clientRequestToken,
      String version,
      int status,
      Effect effect,
      String resourceId,
      String errorCode) {
    Entry entry =
        new Entry(
            entries.size() + 1L,
            Instant.now(),
            simulatedTime,
            service,
            operation,
            region,
            cluster,
            clientRequestToken,
            version,
            status,
            effect,
            resourceId,
            errorCode);
    entries.add(entry);
    return entry;
  }

  /** A copy of all entries, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Entries of one operation, oldest first. */
  public synchronized List<Entry> entries(String operation) {
    return entries.stream().filter(e -> e.operation().equals(operation)).toList();
  }

  public synchronized long count(String operation, Effect effect) {
    return entries.stream()
        .filter(e -> e.operation().equals(operation) && e.effect() == effect)
        .count();
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized boolean isEmpty() {
    return entries.isEmpty();
  }
}
