package io.eksupgrader.workflows.activities;

import java.util.List;

/** Activity type names; the worker sets timeouts and retries per type from configuration. */
public final class ActivityTypes {

  public static final String INSPECT_CLUSTER = "InspectCluster";
  public static final String START_VERSION_UPDATE = "StartVersionUpdate";
  public static final String AWAIT_VERSION_UPDATE = "AwaitVersionUpdate";

  public static final List<String> ALL =
      List.of(INSPECT_CLUSTER, START_VERSION_UPDATE, AWAIT_VERSION_UPDATE);

  private ActivityTypes() {}
}
