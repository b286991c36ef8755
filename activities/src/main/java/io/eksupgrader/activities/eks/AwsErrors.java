package io.eksupgrader.activities.eks;

import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.failure.ApplicationFailure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** AWS's own words for an error, for the messages operators read. */
public final class AwsErrors {

  private AwsErrors() {}

  /** The service's error message, or the SDK's whole message when the service sent none. */
  public static String message(AwsServiceException e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
        ? e.awsErrorDetails().errorMessage()
        : e.getMessage();
  }

  /** EKS answered ResourceNotFoundException for the cluster: no retry can fix that. */
  public static ApplicationFailure clusterNotFound(ClusterRef cluster, AwsServiceException e) {
    return ApplicationFailure.newNonRetryableFailure(cluster + ": " + message(e), FailureTypes.CLUSTER_NOT_FOUND);
  }
}
