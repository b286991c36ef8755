package io.eksupgrader.workflows.model;

/**
 * A Kubernetes version that EKS offers in a region ({@code DescribeClusterVersions}).
 *
 * @param status STANDARD_SUPPORT, EXTENDED_SUPPORT or UNSUPPORTED, as EKS reports it
 * @param endOfStandardSupport ISO-8601 instant or null
 * @param endOfExtendedSupport ISO-8601 instant or null
 */
public record OfferedVersion(
    String version, String status, String endOfStandardSupport, String endOfExtendedSupport) {}
