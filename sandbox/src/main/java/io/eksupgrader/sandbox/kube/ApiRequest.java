package io.eksupgrader.sandbox.kube;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request to the API server, its path taken apart the way the API server routes it: {@code
 * /api/v1/namespaces/shop/pods/web-1/eviction} is group "" (core), version v1, namespace shop,
 * resource pods, name web-1, subresource eviction. Paths that are not resource paths ({@code
 * /version}, {@code /healthz}) have a null resource.
 *
 * @param method GET, POST, PUT, PATCH or DELETE
 * @param rawPath the path and query exactly as received
 * @param path the decoded path without the query
 * @param query decoded query parameters, in order
 */
record ApiRequest(
    String method,
    String rawPath,
    String path,
    Map<String, List<String>> query,
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    byte[] body) {

  static ApiRequest of(String method, String rawPath, byte[] body) {
    URI uri = URI.create(rawPath.startsWith("/") ? rawPath : "/" + rawPath);
    String path = uri.getPath();
    Map<String, List<String>> query = parseQuery(uri.getRawQuery());
    List<String> segments =
        new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
    String group = null;
    String version = null;
    if (segments.size() >= 2 && segments.get(0).equals("api")) {
      group = "";
      version = segments.get(1);
      segments = segments.subList(2, segments.size());
    } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      version = segments.get(2);
      segments = segments.subList(3, segments.size());
    } else {
      segments = List.of();
    }
    String namespace = null;
    if (segments.size() >= 3 && segments.get(0).equals("namespaces")) {
      namespace = segments.get(1);
      segments = segments.subList(2, segments.size());
    }
    String resource = segments.size() >= 1 ? segments.get(0) : null;
    String name = segments.size() >= 2 ? segments.get(1) : null;
    String subresource =
        segments.size() >= 3 ? String.join("/", segments.subList(2, segments.size())) : null;
    return new ApiRequest(
        method,
        rawPath,
        path,
        query,
        group,
        version,
        namespace,
        resource,
        name,
        subresource,
        body == null ? new byte[0] : body);
  }

  private static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  boolean isCore() {
    return "".equals(group);
  }

  boolean is(String method, String resource) {
    return this.method.equals(method) && isCore() && resource.equals(this.resource);
  }

  boolean isMutation() {
    return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
  }

  /** The first value of a query parameter, or null. */
  String param(String key) {
    List<String> values = query.get(key);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  boolean isDryRun() {
    return "All".equals(param("dryRun"));
  }

  boolean isWatch() {
    return "true".equals(param("watch")) || "1".equals(param("watch"));
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The path with one query parameter left out, encoded again. */
  String rawPathWithout(String parameter) {
    StringBuilder out = new StringBuilder(path);
    char separator = '?';
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      if (e.getKey().equals(parameter)) {
        continue;
      }
      for (String value : e.getValue()) {
        out.append(separator)
            .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        separator = '&';
      }
    }
    return out.toString();
  }

  /** The resource as the API server names it in messages, e.g. "pods" or "deployments.apps". */
  String qualifiedResource() {
    return group == null || group.isEmpty() ? resource : resource + "." + group;
  }

  @Override
  public String toString() {
    return method + " " + rawPath;
  }
}
