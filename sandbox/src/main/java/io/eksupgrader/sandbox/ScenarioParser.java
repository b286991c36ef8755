package io.eksupgrader.sandbox;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.eksupgrader.sandbox.Scenario.ClusterSpec;
import io.eksupgrader.sandbox.Scenario.Durations;
import io.eksupgrader.sandbox.Scenario.Faults;
import io.eksupgrader.sandbox.Scenario.OfferedVersionSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads scenario YAML into a tree and checks it key by key, so that every refusal names the file,
 * the path of the key ({@code clusters[0].status}) and the offending value. Jackson's own data
 * binding would report Java types instead.
 */
final class ScenarioParser {

  static final Set<String> CLUSTER_STATUSES =
      Set.of("CREATING", "ACTIVE", "UPDATING", "DELETING", "FAILED", "PENDING");
  static final Set<String> VERSION_STATUSES =
      Set.of("STANDARD_SUPPORT", "EXTENDED_SUPPORT", "UNSUPPORTED");

  private static final Pattern VERSION = Pattern.compile("\\d{1,3}\\.\\d{1,3}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,99}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  // Exact decimals keep an unquoted version's text (1.30, not 1.3) for the refusal message.
  private static final ObjectMapper YAML =
      new ObjectMapper(
              YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  private final String source;

  private ScenarioParser(String source) {
    this.source = source;
  }

  static Scenario parse(String yaml, String sourceName) {
    String source = sourceName == null ? "scenario" : sourceName;
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ScenarioException(source + ": the scenario is empty");
    }
    return new ScenarioParser(source).scenario(root);
  }

  /** Parses "25m", "30s", "500ms", "1h" (and 0); durations in scenarios are simulated time. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (text.trim().equals("0")) {
      return Duration.ZERO;
    }
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use a whole number and a unit ms, s, m or h, e.g. 25m");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  private Scenario scenario(JsonNode root) {
    Obj top =
        obj(
            root,
            "",
            "name",
            "timeScale",
            "startTime",
            "clusters",
            "offeredVersions",
            "durations",
            "faults");
    String name = top.requiredText("name");
    double timeScale = top.has("timeScale") ? top.number("timeScale", 0, false, Double.MAX_VALUE) : 1.0;
    Instant startTime = top.has("startTime") ? top.instant("startTime") : null;
    Instant statusAt = startTime != null ? startTime : Instant.now();

    List<OfferedVersionSpec> offered =
        top.has("offeredVersions")
            ? offeredVersions(top.list("offeredVersions"), "offeredVersions", statusAt)
            : DefaultVersions.at(statusAt);

    List<ClusterSpec> clusters = new ArrayList<>();
    if (top.has("clusters")) {
      Set<String> seen = new HashSet<>();
      List<JsonNode> items = top.list("clusters");
      for (int i = 0; i < items.size(); i++) {
        ClusterSpec c = cluster(items.get(i), "clusters[" + i + "]", offered);
        if (!seen.add(c.region() + "/" + c.name())) {
          throw fail(
              "clusters[" + i + "]",
              "cluster '" + c.name() + "' in " + c.region() + " is listed twice");
        }
        clusters.add(c);
      }
    }

    Duration controlPlaneUpdate = Duration.ofMinutes(25);
    if (top.has("durations")) {
      Obj d = obj(top.node("durations"), "durations", "controlPlaneUpdate");
      if (d.has("controlPlaneUpdate")) {
        controlPlaneUpdate = d.duration("controlPlaneUpdate");
      }
    }

    Faults faults = Faults.none();
    if (top.has("faults")) {
      faults = faults(top.node("faults"));
    }
    return new Scenario(
        name,
        source,
        timeScale,
        startTime,
        clusters,
        offered,
        new Durations(
            controlPlaneUpdate,
            Durations.defaults().nodeGroupCreate(),
            Durations.defaults().nodeGroupDelete(),
            Durations.defaults().nodeJoin(),
            Durations.defaults().podStart()),
        faults);
  }

  private ClusterSpec cluster(JsonNode node, String path, List<OfferedVersionSpec> offered) {
    Obj c = obj(node, path, "name", "region", "version", "status", "platformVersion", "roleArn");
    String name = c.requiredText("name");
    if (!CLUSTER_NAME.matcher(name).matches()) {
      throw fail(path + ".name", "'" + name + "' is not a valid EKS cluster name");
    }
    String region = c.requiredText("region");
    if (!REGION.matcher(region).matches()) {
      throw fail(path + ".region", "'" + region + "' is not an AWS region name like us-east-1");
    }
    String version = c.version("version");
    String status = c.has("status") ? c.oneOf("status", CLUSTER_STATUSES) : "ACTIVE";
    String platformVersion =
        c.has("platformVersion")
            ? c.requiredText("platformVersion")
            : offered.stream()
                .filter(v -> v.version().equals(version) && v.defaultPlatformVersion() != null)
                .map(OfferedVersionSpec::defaultPlatformVersion)
                .findFirst()
                .orElse("eks.1");
    String roleArn =
        c.has("roleArn")
            ? c.requiredText("roleArn")
            : "arn:aws:iam::" + EksWorld.ACCOUNT_ID + ":role/" + name + "-cluster-role";
    return new ClusterSpec(name, region, version, status, platformVersion, roleArn);
  }

  private List<OfferedVersionSpec> offeredVersions(
      List<JsonNode> items, String path, Instant statusAt) {
    List<OfferedVersionSpec> result = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String p = path + "[" + i + "]";
      Obj v =
          obj(
              items.get(i),
              p,
              "version",
              "status",
              "releaseDate",
              "endOfStandardSupport",
              "endOfExtendedSupport",
              "defaultPlatformVersion",
              "default");
      String version = v.version("version");
      if (!seen.add(version)) {
        throw fail(p + ".version", "version '" + version + "' is listed twice");
      }
      Instant release = v.has("releaseDate") ? v.instant("releaseDate") : null;
      Instant endStandard = v.has("endOfStandardSupport") ? v.instant("endOfStandardSupport") : null;
      Instant endExtended = v.has("endOfExtendedSupport") ? v.instant("endOfExtendedSupport") : null;
      String status =
          v.has("status")
              ? v.oneOf("status", VERSION_STATUSES)
              : DefaultVersions.statusAt(statusAt, endStandard, endExtended);
      String platform = v.has("defaultPlatformVersion") ? v.requiredText("defaultPlatformVersion") : "eks.1";
      boolean isDefault = v.has("default") && v.bool("default");
      result.add(
          new OfferedVersionSpec(version, status, release, endStandard, endExtended, platform, isDefault));
    }
    return result;
  }

  private Faults faults(JsonNode node) {
    Obj f =
        obj(
            node,
            "faults",
            "seed",
            "throttlingRate",
            "serverErrorRate",
            "conflictAfterUpdate",
            "failUpdatesTo");
    long seed = f.has("seed") ? f.integer("seed") : 0;
    double throttling = f.has("throttlingRate") ? f.number("throttlingRate", 0, true, 1) : 0;
    double serverErrors = f.has("serverErrorRate") ? f.number("serverErrorRate", 0, true, 1) : 0;
    if (throttling + serverErrors > 1) {
      throw fail(
          "faults",
          "throttlingRate + serverErrorRate is "
              + (throttling + serverErrors)
              + "; together they cannot exceed 1");
    }
    Duration conflict = f.has("conflictAfterUpdate") ? f.duration("conflictAfterUpdate") : Duration.ZERO;
    List<String> failTo = new ArrayList<>();
    if (f.has("failUpdatesTo")) {
      List<JsonNode> items = f.list("failUpdatesTo");
      for (int i = 0; i < items.size(); i++) {
        failTo.add(versionText(items.get(i), "faults.failUpdatesTo[" + i + "]"));
      }
    }
    return new Faults(seed, throttling, serverErrors, conflict, failTo);
  }

  private String versionText(JsonNode node, String path) {
    if (node.isNumber()) {
      throw fail(
          path,
          node.asText()
              + " is a number to YAML, which drops trailing zeros (1.30 becomes 1.3): write the"
              + " version in quotes, \""
              + node.asText()
              + "\"");
    }
    if (!node.isTextual()) {
      throw fail(path, "expected a version like \"1.33\", found " + describe(node));
    }
    String text = node.textValue().trim();
    if (!VERSION.matcher(text).matches()) {
      throw fail(path, "'" + text + "' is not an EKS Kubernetes version: use MAJOR.MINOR, e.g. \"1.33\"");
    }
    return text;
  }

  private ScenarioException fail(String path, String problem) {
    return new ScenarioException(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
  }

  private static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNull()) {
      return "nothing (null)";
    }
    return "'" + node.asText() + "'";
  }

  private Obj obj(JsonNode node, String path, String... keys) {
    if (node == null || !node.isObject()) {
      throw fail(path, "expected a mapping, found " + (node == null ? "nothing" : describe(node)));
    }
    Set<String> allowed = Set.of(keys);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw fail(
            path,
            "unknown key '" + key + "' (known keys: " + String.join(", ", keys) + ")");
      }
    }
    return new Obj(node, path);
  }

  /** One YAML mapping with the path that leads to it, for messages. */
  private final class Obj {
    private final JsonNode node;
    private final String path;

    Obj(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    private String at(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return node.has(key) && !node.get(key).isNull();
    }

    JsonNode node(String key) {
      return node.get(key);
    }

    String requiredText(String key) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        throw fail(at(key), "is required");
      }
      if (!v.isValueNode() || v.asText().isBlank()) {
        throw fail(at(key), "expected a non-empty text, found " + describe(v));
      }
      return v.asText().trim();
    }

    String version(String key) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        throw fail(at(key), "is required");
      }
      return versionText(v, at(key));
    }

    String oneOf(String key, Set<String> values) {
      String text = requiredText(key);
      if (!values.contains(text)) {
        throw fail(
            at(key),
            "'" + text + "' is not one of " + String.join(", ", values.stream().sorted().toList()));
      }
      return text;
    }

    double number(String key, double min, boolean minInclusive, double max) {
      JsonNode v = node.get(key);
      if (!v.isNumber()) {
        throw fail(at(key), "expected a number, found " + describe(v));
      }
      double d = v.doubleValue();
      boolean tooLow = minInclusive ? d < min : d <= min;
      if (tooLow || d > max || Double.isNaN(d)) {
        throw fail(
            at(key),
            v.asText()
                + " is out of range: must be "
                + (minInclusive ? "at least " : "greater than ")
                + min
                + (max < Double.MAX_VALUE ? " and at most " + max : ""));
      }
      return d;
    }

    long integer(String key) {
      JsonNode v = node.get(key);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw fail(at(key), "expected a whole number, found " + describe(v));
      }
      return v.longValue();
    }

    boolean bool(String key) {
      JsonNode v = node.get(key);
      if (!v.isBoolean()) {
        throw fail(at(key), "expected true or false, found " + describe(v));
      }
      return v.booleanValue();
    }

    Duration duration(String key) {
      JsonNode v = node.get(key);
      if (v.isIntegralNumber() && v.longValue() == 0) {
        return Duration.ZERO;
      }
      if (!v.isTextual()) {
        throw fail(
            at(key),
            describe(v) + " is not a duration: use a whole number and a unit ms, s, m or h, e.g. 25m");
      }
      try {
        return parseDuration(v.textValue());
      } catch (IllegalArgumentException e) {
        throw fail(at(key), e.getMessage());
      }
    }

    Instant instant(String key) {
      JsonNode v = node.get(key);
      if (!v.isTextual()) {
        throw fail(at(key), "expected a date (2026-12-02) or an instant (2026-12-02T10:00:00Z), found " + describe(v));
      }
      String text = v.textValue().trim();
      try {
        return text.length() == 10
            ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
            : Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw fail(
            at(key),
            "'" + text + "' is not a date (2026-12-02) or an instant (2026-12-02T10:00:00Z)");
      }
    }

    List<JsonNode> list(String key) {
      JsonNode v = node.get(key);
      if (!v.isArray()) {
        throw fail(at(key), "expected a list, found " + describe(v));
      }
      List<JsonNode> items = new ArrayList<>();
      v.forEach(items::add);
      return items;
    }
  }
}
