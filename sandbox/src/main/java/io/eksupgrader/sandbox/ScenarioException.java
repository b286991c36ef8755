package io.eksupgrader.sandbox;

/** A scenario that cannot be used; the message names the source, the key and the bad value. */
public class ScenarioException extends IllegalArgumentException {

  public ScenarioException(String message) {
    super(message);
  }

  public ScenarioException(String message, Throwable cause) {
    super(message, cause);
  }
}
