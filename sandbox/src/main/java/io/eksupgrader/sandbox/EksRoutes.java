package io.eksupgrader.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every EKS operation's method and URI template, as the AWS SDK's EKS marshallers send them, so
 * that a request for an operation the sandbox does not implement is answered with the
 * operation's name instead of a bare 404.
 */
final class EksRoutes {

  /** POSTs that only read; every other non-GET operation changes something. */
  private static final Set<String> READ_ONLY_POSTS =
      Set.of("ListInsights", "DescribeIdentityProviderConfig");

  record Route(String method, String template, String operation, List<String> segments) {
    boolean mutating() {
      return !method.equals("GET") && !READ_ONLY_POSTS.contains(operation);
    }
  }

  record Match(Route route, Map<String, String> params) {
    String operation() {
      return route.operation();
    }

    String param(String name) {
      return params.get(name);
    }
  }

  private static final List<Route> ROUTES =
      List.of(
          route("DELETE", "/cluster-registrations/{name}", "DeregisterCluster"),
          route("DELETE", "/clusters/{name}", "DeleteCluster"),
          route("DELETE", "/clusters/{name}/access-entries/{principalArn}", "DeleteAccessEntry"),
          route("DELETE", "/clusters/{name}/access-entries/{principalArn}/access-policies/{policyArn}", "DisassociateAccessPolicy"),
          route("DELETE", "/clusters/{name}/addons/{addonName}", "DeleteAddon"),
          route("DELETE", "/clusters/{name}/capabilities/{capabilityName}", "DeleteCapability"),
          route("DELETE", "/clusters/{name}/fargate-profiles/{fargateProfileName}", "DeleteFargateProfile"),
          route("DELETE", "/clusters/{name}/node-groups/{nodegroupName}", "DeleteNodegroup"),
          route("DELETE", "/clusters/{name}/pod-identity-associations/{associationId}", "DeletePodIdentityAssociation"),
          route("DELETE", "/eks-anywhere-subscriptions/{id}", "DeleteEksAnywhereSubscription"),
          route("DELETE", "/tags/{resourceArn}", "UntagResource"),
          route("GET", "/access-policies", "ListAccessPolicies"),
          route("GET", "/addons/configuration-schemas", "DescribeAddonConfiguration"),
          route("GET", "/addons/supported-versions", "DescribeAddonVersions"),
          route("GET", "/cluster-versions", "DescribeClusterVersions"),
          route("GET", "/clusters", "ListClusters"),
          route("GET", "/clusters/{name}", "DescribeCluster"),
          route("GET", "/clusters/{name}/access-entries", "ListAccessEntries"),
          route("GET", "/clusters/{name}/access-entries/{principalArn}", "DescribeAccessEntry"),
          route("GET", "/clusters/{name}/access-entries/{principalArn}/access-policies", "ListAssociatedAccessPolicies"),
          route("GET", "/clusters/{name}/addons", "ListAddons"),
          route("GET", "/clusters/{name}/addons/{addonName}", "DescribeAddon"),
          route("GET", "/clusters/{name}/capabilities", "ListCapabilities"),
          route("GET", "/clusters/{name}/capabilities/{capabilityName}", "DescribeCapability"),
          route("GET", "/clusters/{name}/fargate-profiles", "ListFargateProfiles"),
          route("GET", "/clusters/{name}/fargate-profiles/{fargateProfileName}", "DescribeFargateProfile"),
          route("GET", "/clusters/{name}/identity-provider-configs", "ListIdentityProviderConfigs"),
          route("GET", "/clusters/{name}/insights-refresh", "DescribeInsightsRefresh"),
          route("GET", "/clusters/{name}/insights/{id}", "DescribeInsight"),
          route("GET", "/clusters/{name}/node-groups", "ListNodegroups"),
          route("GET", "/clusters/{name}/node-groups/{nodegroupName}", "DescribeNodegroup"),
          route("GET", "/clusters/{name}/pod-identity-associations", "ListPodIdentityAssociations"),
          route("GET", "/clusters/{name}/pod-identity-associations/{associationId}", "DescribePodIdentityAssociation"),
          route("GET", "/clusters/{name}/updates", "ListUpdates"),
          route("GET", "/clusters/{name}/updates/{updateId}", "DescribeUpdate"),
          route("GET", "/eks-anywhere-subscriptions", "ListEksAnywhereSubscriptions"),
          route("GET", "/eks-anywhere-subscriptions/{id}", "DescribeEksAnywhereSubscription"),
          route("GET", "/tags/{resourceArn}", "ListTagsForResource"),
          route("POST", "/cluster-registrations", "RegisterCluster"),
          route("POST", "/clusters", "CreateCluster"),
          route("POST", "/clusters/{name}/access-entries", "CreateAccessEntry"),
          route("POST", "/clusters/{name}/access-entries/{principalArn}", "UpdateAccessEntry"),
          route("POST", "/clusters/{name}/access-entries/{principalArn}/access-policies", "AssociateAccessPolicy"),
          route("POST", "/clusters/{name}/addons", "CreateAddon"),
          route("POST", "/clusters/{name}/addons/{addonName}/update", "UpdateAddon"),
          route("POST", "/clusters/{name}/capabilities", "CreateCapability"),
          route("POST", "/clusters/{name}/capabilities/{capabilityName}", "UpdateCapability"),
          route("POST", "/clusters/{name}/encryption-config/associate", "AssociateEncryptionConfig"),
          route("POST", "/clusters/{name}/fargate-profiles", "CreateFargateProfile"),
          route("POST", "/clusters/{name}/identity-provider-configs/associate", "AssociateIdentityProviderConfig"),
          route("POST", "/clusters/{name}/identity-provider-configs/describe", "DescribeIdentityProviderConfig"),
          route("POST", "/clusters/{name}/identity-provider-configs/disassociate", "DisassociateIdentityProviderConfig"),
          route("POST", "/clusters/{name}/insights", "ListInsights"),
          route("POST", "/clusters/{name}/insights-refresh", "StartInsightsRefresh"),
          route("POST", "/clusters/{name}/node-groups", "CreateNodegroup"),
          route("POST", "/clusters/{name}/node-groups/{nodegroupName}/update-config", "UpdateNodegroupConfig"),
          route("POST", "/clusters/{name}/node-groups/{nodegroupName}/update-version", "UpdateNodegroupVersion"),
          route("POST", "/clusters/{name}/pod-identity-associations", "CreatePodIdentityAssociation"),
          route("POST", "/clusters/{name}/pod-identity-associations/{associationId}", "UpdatePodIdentityAssociation"),
          route("POST", "/clusters/{name}/update-config", "UpdateClusterConfig"),
          route("POST", "/clusters/{name}/updates", "UpdateClusterVersion"),
          route("POST", "/eks-anywhere-subscriptions", "CreateEksAnywhereSubscription"),
          route("POST", "/eks-anywhere-subscriptions/{id}", "UpdateEksAnywhereSubscription"),
          route("POST", "/tags/{resourceArn}", "TagResource"));

  private EksRoutes() {}

  private static Route route(String method, String template, String operation) {
    return new Route(method, template, operation, segments(template));
  }

  /** The route of a request, preferring literal segments over parameters; null if none. */
  static Match match(String method, String rawPath) {
    List<String> actual = segments(rawPath);
    Match best = null;
    int bestLiterals = -1;
    for (Route r : ROUTES) {
      if (!r.method().equals(method) || r.segments().size() != actual.size()) {
        continue;
      }
      Map<String, String> params = new HashMap<>();
      int literals = 0;
      boolean ok = true;
      for (int i = 0; i < actual.size() && ok; i++) {
        String t = r.segments().get(i);
        if (t.startsWith("{")) {
          params.put(t.substring(1, t.length() - 1), decode(actual.get(i)));
        } else if (t.equals(actual.get(i))) {
          literals++;
        } else {
          ok = false;
        }
      }
      if (ok && literals > bestLiterals) {
        best = new Match(r, params);
        bestLiterals = literals;
      }
    }
    return best;
  }

  /** The operations whose URI template fits this path, under any method, for error messages. */
  static List<String> operationsAt(String rawPath) {
    List<String> actual = segments(rawPath);
    return ROUTES.stream()
        .filter(r -> r.segments().size() == actual.size())
        .filter(
            r -> {
              for (int i = 0; i < actual.size(); i++) {
                String t = r.segments().get(i);
                if (!t.startsWith("{") && !t.equals(actual.get(i))) {
                  return false;
                }
              }
              return true;
            })
        .map(r -> r.method() + " " + r.operation())
        .toList();
  }

  private static List<String> segments(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
  }

  static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
