package io.eksupgrader.sandbox.kube;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds every request to a cluster's API server that arrives after the first mutating call naming
 * {@code operation} and a resource starting with {@code resourcePrefix} (as the call log names
 * them), until released. A test uses it to stop a client between two of its calls, e.g. Helm right
 * after it recorded a release as pending-upgrade, and to kill that client there.
 */
public final class RequestHold implements AutoCloseable {

  /** A held request is answered after this at the latest, so that a test that forgets cannot hang. */
  private static final Duration LONGEST = Duration.ofMinutes(5);

  private final String operation;
  private final String resourcePrefix;
  private final CountDownLatch matched = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  RequestHold(String operation, String resourcePrefix) {
    this.operation = operation;
    this.resourcePrefix = resourcePrefix;
  }

  /** Called for every recorded call; the first that matches starts the hold. */
  void recorded(String callOperation, String resourceId) {
    if (operation.equals(callOperation) && resourceId != null && resourceId.startsWith(resourcePrefix)) {
      matched.countDown();
    }
  }

  /** Called before a request is handled: waits while the hold is on. */
  void awaitTurn() {
    if (matched.getCount() == 0) {
      try {
        released.await(LONGEST.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether the matching call came within {@code timeout}; requests after it are held from then on. */
  public boolean awaitHolding(Duration timeout) throws InterruptedException {
    return matched.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Answers the held requests and every later one. */
  @Override
  public void close() {
    released.countDown();
  }
}
