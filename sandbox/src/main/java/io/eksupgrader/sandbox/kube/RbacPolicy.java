package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The ClusterRoles an RBAC file grants to some groups, and the Kubernetes RBAC authorizer's
 * decision for one request (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac): a request is
 * allowed when one rule of one bound ClusterRole matches its verb and either its API group,
 * resource (with subresource, {@code pods/eviction}) and name, or its non-resource path.
 *
 * <p>Only ClusterRoles and ClusterRoleBindings are read; other documents of the file are ignored.
 * Every authenticated user also holds what Kubernetes grants to {@code system:authenticated} by
 * default (system:discovery, system:basic-user, system:public-info-viewer): discovery, OpenAPI,
 * {@code /version} and the health paths, and self subject reviews.
 */
public final class RbacPolicy {

  /** A PolicyRule; empty sets mean "none" except resourceNames, where empty means "any". */
  record Rule(
      Set<String> verbs,
      Set<String> apiGroups,
      Set<String> resources,
      Set<String> resourceNames,
      Set<String> nonResourceURLs) {

    boolean allows(String verb, String group, String resource, String name) {
      return matches(verbs, verb)
          && matches(apiGroups, group)
          && matchesResource(resource)
          && (resourceNames.isEmpty() || (name != null && resourceNames.contains(name)));
    }

    boolean allowsPath(String verb, String path) {
      if (!matches(verbs, verb)) {
        return false;
      }
      for (String url : nonResourceURLs) {
        if (url.equals("*")
            || url.equals(path)
            || (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1)))) {
          return true;
        }
      }
      return false;
    }

    private boolean matchesResource(String resource) {
      if (resources.contains("*") || resources.contains(resource)) {
        return true;
      }
      int slash = resource.indexOf('/');
      return slash > 0 && resources.contains("*" + resource.substring(slash));
    }

    private static boolean matches(Set<String> values, String value) {
      return values.contains("*") || values.contains(value);
    }
  }

  private static final List<Rule> AUTHENTICATED_DEFAULTS =
      List.of(
          new Rule(
              Set.of("get"),
              Set.of(),
              Set.of(),
              Set.of(),
              Set.of(
                  "/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/version",
                  "/version/", "/healthz", "/livez", "/readyz")),
          new Rule(
              Set.of("create"),
              Set.of("authorization.k8s.io"),
              Set.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"),
              Set.of(),
              Set.of()));

  private final Path file;
  private final Set<String> groups;
  private final Map<String, List<Rule>> roles;

  private RbacPolicy(Path file, Set<String> groups, Map<String, List<Rule>> roles) {
    this.file = file;
    this.groups = groups;
    this.roles = roles;
  }

  /**
   * The ClusterRoles that the file's ClusterRoleBindings bind to any of the groups.
   *
   * @throws IllegalArgumentException when the file cannot be read, a role or binding is malformed,
   *     a binding names a ClusterRole the file lacks, or a group is bound to nothing
   */
  public static RbacPolicy load(Path file, List<String> groups) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(Files.readString(file))) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          documents.add(doc);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read RBAC file " + file + ": " + e.getMessage(), e);
    }
    Map<String, List<Rule>> clusterRoles = new LinkedHashMap<>();
    for (JsonNode doc : documents) {
      if (isKind(doc, "ClusterRole")) {
        String name = text(doc.path("metadata"), "name", "a ClusterRole");
        if (clusterRoles.put(name, rules(doc, name)) != null) {
          throw new IllegalArgumentException("ClusterRole " + name + " is defined twice in " + file);
        }
      }
    }
    Map<String, List<Rule>> bound = new LinkedHashMap<>();
    Set<String> boundGroups = new LinkedHashSet<>();
    for (JsonNode doc : documents) {
      if (!isKind(doc, "ClusterRoleBinding")) {
        continue;
      }
      String binding = text(doc.path("metadata"), "name", "a ClusterRoleBinding");
      JsonNode roleRef = doc.path("roleRef");
      if (!"ClusterRole".equals(roleRef.path("kind").asText())) {
        throw new IllegalArgumentException(
            "ClusterRoleBinding " + binding + " must refer to a ClusterRole");
      }
      String role = text(roleRef, "name", "ClusterRoleBinding " + binding + " roleRef");
      if (!clusterRoles.containsKey(role)) {
        throw new IllegalArgumentException(
            "ClusterRoleBinding " + binding + " refers to ClusterRole " + role + ", which " + file
                + " does not define");
      }
      for (JsonNode subject : doc.path("subjects")) {
        String group = subject.path("name").asText();
        if ("Group".equals(subject.path("kind").asText()) && groups.contains(group)) {
          bound.put(role, clusterRoles.get(role));
          boundGroups.add(group);
        }
      }
    }
    for (String group : groups) {
      if (!boundGroups.contains(group)) {
        throw new IllegalArgumentException(
            "no ClusterRoleBinding of " + file + " binds the group " + group);
      }
    }
    return new RbacPolicy(file, Set.copyOf(new LinkedHashSet<>(groups)), bound);
  }

  private static boolean isKind(JsonNode doc, String kind) {
    return kind.equals(doc.path("kind").asText())
        && "rbac.authorization.k8s.io/v1".equals(doc.path("apiVersion").asText());
  }

  private static String text(JsonNode node, String field, String what) {
    String value = node.path(field).asText("");
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " lacks " + field);
    }
    return value;
  }

  private static List<Rule> rules(JsonNode role, String name) {
    List<Rule> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      Set<String> verbs = strings(rule, "verbs");
      Set<String> urls = strings(rule, "nonResourceURLs");
      Set<String> resources = strings(rule, "resources");
      if (verbs.isEmpty() || (urls.isEmpty() == resources.isEmpty())) {
        throw new IllegalArgumentException(
            "ClusterRole " + name + " has a rule that needs verbs and either resources or"
                + " nonResourceURLs: " + rule);
      }
      if (!resources.isEmpty() && !rule.has("apiGroups")) {
        throw new IllegalArgumentException(
            "ClusterRole " + name + " has a resource rule without apiGroups: " + rule);
      }
      rules.add(
          new Rule(verbs, strings(rule, "apiGroups"), resources, strings(rule, "resourceNames"), urls));
    }
    return List.copyOf(rules);
  }

  private static Set<String> strings(JsonNode rule, String field) {
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode v : rule.path(field)) {
      values.add(v.asText());
    }
    return Set.copyOf(values);
  }

  /** The names of the ClusterRoles in force, in file order. */
  public List<String> clusterRoles() {
    return List.copyOf(roles.keySet());
  }

  public Set<String> groups() {
    return groups;
  }

  public Path file() {
    return file;
  }

  /**
   * The verb the API server authorizes a request as (k8s.io/apiserver RequestInfoFactory): GET of
   * one object is get, of a collection list, with {@code watch=true} watch; POST create, PUT update,
   * PATCH patch, DELETE of one object delete, of a collection deletecollection.
   */
  static String verbOf(ApiRequest call) {
    boolean resource = call.resource() != null;
    return switch (call.method()) {
      case "GET", "HEAD" -> {
        if (!resource) {
          yield "get";
        }
        if (call.isWatch()) {
          yield "watch";
        }
        yield call.name() == null ? "list" : "get";
      }
      case "POST" -> resource ? "create" : "post";
      case "PUT" -> resource ? "update" : "put";
      case "PATCH" -> "patch";
      case "DELETE" -> resource && call.name() == null ? "deletecollection" : "delete";
      default -> call.method().toLowerCase(Locale.ROOT);
    };
  }

  /** The resource as RBAC rules name it: {@code pods}, or with its subresource {@code pods/eviction}. */
  static String resourceOf(ApiRequest call) {
    return call.subresource() == null ? call.resource() : call.resource() + "/" + call.subresource();
  }

  /** Whether the bound ClusterRoles, or the defaults every authenticated user has, allow the call. */
  boolean allows(ApiRequest call) {
    String verb = verbOf(call);
    if (call.resource() == null) {
      return anyRule(rule -> rule.allowsPath(verb, call.path()));
    }
    String resource = resourceOf(call);
    return anyRule(rule -> rule.allows(verb, call.group(), resource, call.name()));
  }

  private boolean anyRule(Predicate<Rule> test) {
    if (AUTHENTICATED_DEFAULTS.stream().anyMatch(test)) {
      return true;
    }
    return roles.values().stream().flatMap(List::stream).anyMatch(test);
  }
}
