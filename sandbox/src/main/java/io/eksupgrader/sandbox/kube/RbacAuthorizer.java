package io.eksupgrader.sandbox.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RBAC authorization of one sandbox cluster's API server. It applies to the worker's
 * requests, never to the sandbox's own: the admin client and the tests authenticate with {@link
 * EksBearerToken#forCluster} (the identity that created the cluster, which EKS makes a cluster
 * admin), the worker with tokens it presigns with its own AWS credentials, which an access entry
 * maps to the groups of the policy.
 *
 * <p>Every refusal is kept ({@link #refusals}); when the policy only audits, the request is served
 * anyway, so one run lists everything a role lacks.
 */
final class RbacAuthorizer {

  private static final Logger log = LoggerFactory.getLogger(RbacAuthorizer.class);

  /** How the refusals name the worker; EKS would name its IAM role's session. */
  static final String WORKER_USER = "eks-upgrader-worker";

  private final String cluster;
  private final RbacPolicy policy;
  private final boolean enforce;
  private final List<RbacRefusal> refusals = new ArrayList<>();

  RbacAuthorizer(String cluster, RbacPolicy policy, boolean enforce) {
    this.cluster = cluster;
    this.policy = policy;
    this.enforce = enforce;
  }

  /**
   * The 403 to answer, or empty when the request may go on: the sandbox's own token, a request
   * the policy allows, or a refusal that is only audited.
   */
  Optional<Status> authorize(ApiRequest call, String authorizationHeader, Instant now) {
    if (isSandboxToken(authorizationHeader) || policy.allows(call)) {
      return Optional.empty();
    }
    String verb = RbacPolicy.verbOf(call);
    boolean isResource = call.resource() != null;
    RbacRefusal refusal =
        new RbacRefusal(
            now,
            verb,
            isResource ? call.group() : null,
            isResource ? RbacPolicy.resourceOf(call) : null,
            call.namespace(),
            call.name(),
            call.method() + " " + call.rawPath());
    synchronized (refusals) {
      refusals.add(refusal);
    }
    log.warn(
        "RBAC of sandbox cluster {} {} {}: {} lacks \"{}\"",
        cluster,
        enforce ? "refused" : "would refuse",
        refusal.request(),
        policy.clusterRoles(),
        refusal.rule());
    return enforce ? Optional.of(forbidden(call, verb)) : Optional.empty();
  }

  List<RbacRefusal> refusals() {
    synchronized (refusals) {
      return List.copyOf(refusals);
    }
  }

  private boolean isSandboxToken(String header) {
    return header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && header.substring(7).trim().equals(EksBearerToken.forCluster(cluster));
  }

  /** errors.NewForbidden with the authorizer's reason, worded as the real API server words it. */
  static Status forbidden(ApiRequest call, String verb) {
    if (call.resource() == null) {
      return ApiStatus.forbidden(
          "forbidden: User \"" + WORKER_USER + "\" cannot " + verb + " path \"" + call.path() + "\"");
    }
    String resource = RbacPolicy.resourceOf(call);
    String qualified = call.qualifiedResource();
    String scope =
        call.namespace() == null
            ? "at the cluster scope"
            : "in the namespace \"" + call.namespace() + "\"";
    String message =
        (call.name() == null ? qualified : qualified + " \"" + call.name() + "\"")
            + " is forbidden: User \""
            + WORKER_USER
            + "\" cannot "
            + verb
            + " resource \""
            + resource
            + "\" in API group \""
            + call.group()
            + "\" "
            + scope;
    Status status = ApiStatus.forbidden(message);
    status.setDetails(
        new StatusDetailsBuilder()
            .withName(call.name())
            .withGroup(call.group())
            .withKind(call.resource())
            .build());
    return status;
  }
}
