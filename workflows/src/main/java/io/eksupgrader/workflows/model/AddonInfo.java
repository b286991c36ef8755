package io.eksupgrader.workflows.model;

/**
 * An installed EKS add-on as {@code DescribeAddon} reports it.
 *
 * @param status ACTIVE, CREATING, UPDATING, DEGRADED, UPDATE_FAILED, ...
 */
public record AddonInfo(String name, String version, String status) {}
