package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.ClusterRef;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Workflow ids and EKS request tokens, derived so that the same step always gets the same one. */
public final class WorkflowIds {

  private WorkflowIds() {}

  /** One upgrade per cluster at a time: Temporal refuses a second start with the same id. */
  public static String clusterUpgrade(ClusterRef cluster) {
    return "eks-upgrade/" + cluster.region() + "/" + cluster.name();
  }

  public static String step(String upgradeWorkflowId, String stepId) {
    return upgradeWorkflowId + "/" + stepId;
  }

  /**
   * An EKS {@code clientRequestToken} for one attempt of one step. A Temporal retry of the same
   * attempt reuses it, so EKS returns the update it already made; an operator's retry after a
   * failed update is a new attempt and needs a new token, or EKS would answer with the failed one.
   */
  public static String requestToken(
      String upgradeWorkflowId, String upgradeRunId, String stepId, int attempt) {
    // The run id keeps a later upgrade of the same cluster from replaying an old, failed update.
    String key = upgradeWorkflowId + "|" + upgradeRunId + "|" + stepId + "|" + attempt;
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
