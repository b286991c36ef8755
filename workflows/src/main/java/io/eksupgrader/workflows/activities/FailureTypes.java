package io.eksupgrader.workflows.activities;

import java.util.List;

/**
 * Application failure types that retrying cannot fix. Activities throw them as non-retryable;
 * the worker also lists them in every retry policy so that an exception of this type is never
 * retried by accident.
 */
public final class FailureTypes {

  /** EKS answered ResourceNotFoundException for the cluster or the update. */
  public static final String CLUSTER_NOT_FOUND = "ClusterNotFound";
  /** The control-plane update ended Failed or Cancelled; the message carries EKS's errors. */
  public static final String EKS_UPDATE_FAILED = "EksUpdateFailed";
  /** EKS refused the request as invalid (InvalidParameterException, InvalidRequestException). */
  public static final String EKS_INVALID_REQUEST = "EksInvalidRequest";
  /** An update to a different version is in progress: an operator must look. */
  public static final String CONFLICTING_UPDATE = "ConflictingUpdate";

  public static final List<String> NON_RETRYABLE =
      List.of(CLUSTER_NOT_FOUND, EKS_UPDATE_FAILED, EKS_INVALID_REQUEST, CONFLICTING_UPDATE);

  private FailureTypes() {}
}
