package io.eksupgrader.sandbox.kube;

import java.time.Instant;

/**
 * A request the cluster's RBAC refused (or, when the policy only audits, would have refused).
 *
 * @param verb the verb it was authorized as, e.g. "patch"
 * @param apiGroup "" for the core group; null for a non-resource path
 * @param resource the resource with its subresource, e.g. "pods/eviction"; null for a path
 * @param namespace null at the cluster scope
 * @param name null for a collection
 * @param request the method and path as received
 */
public record RbacRefusal(
    Instant at,
    String verb,
    String apiGroup,
    String resource,
    String namespace,
    String name,
    String request) {

  /** The rule it lacked, as a short line: "patch nodes", "create pods/eviction", "get /metrics". */
  public String rule() {
    if (resource == null) {
      return verb + " " + request.substring(request.indexOf(' ') + 1).replaceAll("\\?.*", "");
    }
    return verb + " " + (apiGroup == null || apiGroup.isEmpty() ? "" : apiGroup + "/") + resource;
  }
}
