package io.eksupgrader.worker;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import java.util.Map;

/** Starts the eks-upgrader worker: configuration, AWS and Temporal clients, and the Temporal worker. */
public final class WorkerApplication {

  private WorkerApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args).mainClass(WorkerApplication.class).banner(false).start();
  }

  /**
   * Starts a worker inside another process (the CLI's demo and dev modes), with properties that
   * override application.yml, e.g. the Temporal target and the sandbox's endpoint.
   */
  public static ApplicationContext start(Map<String, Object> properties) {
    return Micronaut.build(new String[0])
        .mainClass(WorkerApplication.class)
        .banner(false)
        .properties(properties)
        .start();
  }
}
