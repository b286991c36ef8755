package io.eksupgrader.workflows.model;

/**
 * How a control-plane update ended, as EKS reports it.
 *
 * @param status Successful (Failed and Cancelled end the activity with a non-retryable failure)
 * @param clusterVersion the cluster's version after the update
 * @param updateCreatedAt when EKS says the update was created (ISO-8601)
 * @param polls how many times the activity asked EKS, across attempts
 */
public record VersionUpdateOutcome(
    String updateId, String status, String clusterVersion, String updateCreatedAt, int polls) {}
