package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.Scenario.Faults;
import java.util.Random;

/**
 * Decides which requests get an injected throttling or server error. One draw per request from a
 * seeded {@link Random}, so the same sequence of requests meets the same faults on every run.
 */
final class FaultInjector {

  enum Fault {
    NONE,
    THROTTLING,
    SERVER_ERROR
  }

  private final Random random;
  private final double throttlingRate;
  private final double serverErrorRate;
  private long requests;
  private long throttled;
  private long serverErrors;

  FaultInjector(Faults faults) {
    this.random = new Random(faults.seed());
    this.throttlingRate = faults.throttlingRate();
    this.serverErrorRate = faults.serverErrorRate();
  }

  synchronized Fault draw() {
    requests++;
    double d = random.nextDouble();
    if (d < throttlingRate) {
      throttled++;
      return Fault.THROTTLING;
    }
    if (d < throttlingRate + serverErrorRate) {
      serverErrors++;
      return Fault.SERVER_ERROR;
    }
    return Fault.NONE;
  }

  synchronized SandboxServer.Stats stats() {
    return new SandboxServer.Stats(requests, throttled, serverErrors);
  }
}
