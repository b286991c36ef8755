package io.eksupgrader.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of a query-protocol request ({@code Action=…&Version=…&Name.member.1=…}), as the
 * AWS SDK sends them form-encoded. Auto Scaling numbers list members {@code Name.member.N}; EC2
 * numbers them {@code Name.N}.
 */
record FormParams(Map<String, String> values) {

  static FormParams parse(String body) {
    Map<String, String> values = new LinkedHashMap<>();
    if (body != null && !body.isEmpty()) {
      for (String pair : body.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        values.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return new FormParams(values);
  }

  String get(String key) {
    return values.get(key);
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  /** A required parameter; refused as AWS's validation does when it is missing. */
  String required(String key) {
    String v = values.get(key);
    if (v == null || v.isEmpty()) {
      throw new AwsError(
          400,
          "ValidationError",
          "1 validation error detected: Value null at '"
              + Character.toLowerCase(key.charAt(0))
              + key.substring(1)
              + "' failed to satisfy constraint: Member must not be null",
          Map.of());
    }
    return v;
  }

  Boolean bool(String key) {
    String v = values.get(key);
    if (v == null) {
      return null;
    }
    if (!v.equals("true") && !v.equals("false")) {
      throw new AwsError(400, "ValidationError", "Value " + v + " at '" + key + "' is not a boolean.", Map.of());
    }
    return Boolean.valueOf(v);
  }

  Integer integer(String key) {
    String v = values.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Integer.valueOf(v);
    } catch (NumberFormatException e) {
      throw new AwsError(400, "ValidationError", "Value " + v + " at '" + key + "' is not an integer.", Map.of());
    }
  }

  /** {@code prefix.1}, {@code prefix.2}, … in numeric order (EC2's lists). */
  List<String> indexed(String prefix) {
    return numbered(prefix + ".");
  }

  /** {@code prefix.member.1}, … in numeric order (Auto Scaling's lists). */
  List<String> members(String prefix) {
    return numbered(prefix + ".member.");
  }

  /** The parameters under {@code prefix.}, with the prefix taken off, e.g. LaunchTemplateData. */
  Map<String, String> under(String prefix) {
    Map<String, String> result = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix + ".")) {
            result.put(k.substring(prefix.length() + 1), v);
          }
        });
    return result;
  }

  private List<String> numbered(String start) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(start) && k.substring(start.length()).matches("\\d{1,6}")) {
            byIndex.put(Integer.parseInt(k.substring(start.length())), v);
          }
        });
    return new ArrayList<>(byIndex.values());
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
