package io.eksupgrader.activities.eks;

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
}
