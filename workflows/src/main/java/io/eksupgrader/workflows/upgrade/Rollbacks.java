package io.eksupgrader.workflows.upgrade;

import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * One part of a component's rollback. A rollback runs after the operator aborted, so it must not
 * fail in turn: a part that cannot be done is reported with the command that does it by hand.
 */
final class Rollbacks {

  private static final Logger log = Workflow.getLogger(Rollbacks.class);

  private Rollbacks() {}

  static String attempt(String what, Supplier<String> action, String byHand) {
    try {
      return action.get();
    } catch (ActivityFailure e) {
      String message = "could not " + what + " (" + ClusterUpgradeWorkflowImpl.describe(e) + "): " + byHand;
      log.error(message);
      return message;
    }
  }
}
