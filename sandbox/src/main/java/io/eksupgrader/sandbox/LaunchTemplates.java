package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.Scenario.LaunchTemplateSpec;
import io.eksupgrader.sandbox.SimLaunchTemplate.Version;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The EC2 launch templates of every region, with EC2's rules: a template is named by its id or
 * its name (not both), versions are numbered from 1 and never change, and a {@code ClientToken}
 * makes CreateLaunchTemplateVersion idempotent (the same token with other parameters is refused
 * with IdempotentParameterMismatch). Not thread safe: {@link EksWorld} calls it under its lock.
 */
final class LaunchTemplates {

  /** The template data members the sandbox keeps; any other is refused by name. */
  static final Set<String> DATA_MEMBERS = Set.of("ImageId", "InstanceType", "KeyName", "UserData");

  record VersionView(
      String templateId,
      String templateName,
      long number,
      Instant createdAt,
      boolean defaultVersion,
      String description,
      Map<String, String> data) {}

  record VersionResult(VersionView version, boolean replayed) {}

  /** What a ClientToken was first used for, to tell a retry from a different request. */
  private record TokenUse(Map<String, String> request, SimLaunchTemplate template, long version) {}

  private final Map<String, SimLaunchTemplate> byId = new LinkedHashMap<>();
  private final Map<String, TokenUse> tokens = new HashMap<>();

  /** A scenario's template: versions 1 to {@code spec.version()}, the last one the default. */
  void add(String region, LaunchTemplateSpec spec, Instant createdAt) {
    add(region, spec, createdAt, Map.of());
  }

  /** A scenario's template whose versions carry {@code moreData} (e.g. UserData) beside the image. */
  void add(String region, LaunchTemplateSpec spec, Instant createdAt, Map<String, String> moreData) {
    if (byId.containsKey(key(region, spec.id()))) {
      return;
    }
    SimLaunchTemplate t = new SimLaunchTemplate(spec.id(), spec.name(), region, createdAt);
    Map<String, String> data = new LinkedHashMap<>();
    if (spec.imageId() != null) {
      data.put("ImageId", spec.imageId());
    }
    data.putAll(moreData);
    for (long v = 1; v <= spec.version(); v++) {
      t.versions.add(new Version(v, createdAt, null, data));
    }
    t.defaultVersion = spec.version();
    byId.put(key(region, t.id), t);
  }

  /** The template by id or by name, with EC2's errors. */
  SimLaunchTemplate find(String region, String id, String name) {
    if (id != null && name != null) {
      throw ec2(
          "InvalidParameterCombination",
          "Specify either the launch template ID or the launch template name, not both.");
    }
    if (id == null && name == null) {
      throw ec2(
          "MissingParameter", "The request must contain the parameter LaunchTemplateName or LaunchTemplateId.");
    }
    if (id != null) {
      if (!id.matches("lt-[0-9a-f]{1,17}")) {
        throw ec2(
            "InvalidLaunchTemplateId.Malformed",
            "The specified ID for the launch template '" + id + "' is not valid.");
      }
      SimLaunchTemplate t = byId.get(key(region, id));
      if (t == null) {
        throw ec2(
            "InvalidLaunchTemplateId.NotFound",
            "The specified launch template, with template ID " + id + ", does not exist.");
      }
      return t;
    }
    return byId.values().stream()
        .filter(t -> t.region.equals(region) && t.name.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                ec2(
                    "InvalidLaunchTemplateName.NotFoundException",
                    "The specified launch template, with template name " + name + ", does not exist."));
  }

  /**
   * Versions of one template: the listed ones ("3", "$Latest", "$Default") in that order, or else
   * all within min and max, oldest first.
   */
  List<VersionView> describeVersions(
      String region, String id, String name, List<String> wanted, Long min, Long max) {
    SimLaunchTemplate t = find(region, id, name);
    List<VersionView> result = new ArrayList<>();
    if (!wanted.isEmpty()) {
      for (String w : wanted) {
        long number = resolve(t, w);
        Version v = t.version(number);
        if (v == null) {
          throw ec2(
              "InvalidLaunchTemplateId.VersionNotFound",
              "Could not find launch template version " + w + " for launch template " + t.id + ".");
        }
        result.add(view(t, v));
      }
      return result;
    }
    for (Version v : t.versions) {
      if ((min == null || v.number() >= min) && (max == null || v.number() <= max)) {
        result.add(view(t, v));
      }
    }
    return result;
  }

  /**
   * A new version: the source version's data (if any) overlaid with {@code data}. The same token
   * with the same parameters returns the version it made.
   */
  VersionResult createVersion(
      String region,
      String id,
      String name,
      String sourceVersion,
      String description,
      Map<String, String> data,
      String token,
      Instant now) {
    Map<String, String> request = new LinkedHashMap<>();
    request.put("LaunchTemplateId", id);
    request.put("LaunchTemplateName", name);
    request.put("SourceVersion", sourceVersion);
    request.put("VersionDescription", description);
    data.forEach((k, v) -> request.put("LaunchTemplateData." + k, v));
    if (token != null) {
      TokenUse earlier = tokens.get(region + "/" + token);
      if (earlier != null) {
        if (!earlier.request().equals(request)) {
          throw ec2(
              "IdempotentParameterMismatch",
              "The client token " + token + " was already used with different parameters.");
        }
        return new VersionResult(view(earlier.template(), earlier.template().version(earlier.version())), true);
      }
    }
    SimLaunchTemplate t = find(region, id, name);
    Set<String> unknown = new TreeSet<>(data.keySet());
    unknown.removeAll(DATA_MEMBERS);
    if (!unknown.isEmpty()) {
      throw ec2(
          "InvalidParameterValue",
          "The sandbox keeps only the launch template data "
              + String.join(", ", new TreeSet<>(DATA_MEMBERS))
              + "; it cannot take "
              + String.join(", ", unknown)
              + ".");
    }
    Map<String, String> merged = new LinkedHashMap<>();
    if (sourceVersion != null) {
      Version source = t.version(resolve(t, sourceVersion));
      if (source == null) {
        throw ec2(
            "InvalidLaunchTemplateId.VersionNotFound",
            "Could not find launch template version " + sourceVersion + " for launch template " + t.id + ".");
      }
      merged.putAll(source.data());
    }
    merged.putAll(data);
    if (merged.containsKey("ImageId") && !merged.get("ImageId").matches("ami-[0-9a-f]{8,17}")) {
      throw ec2("InvalidAMIID.Malformed", "Invalid id: \"" + merged.get("ImageId") + "\" (expecting \"ami-...\")");
    }
    Version v = new Version(t.latestVersion() + 1, now, description, merged);
    t.versions.add(v);
    if (token != null) {
      tokens.put(region + "/" + token, new TokenUse(request, t, v.number()));
    }
    return new VersionResult(view(t, v), false);
  }

  /** A version number, "$Latest" or "$Default" as a number; 0 when it names none. */
  static long resolve(SimLaunchTemplate t, String version) {
    if (version == null || version.equals("$Default")) {
      return t.defaultVersion;
    }
    if (version.equals("$Latest")) {
      return t.latestVersion();
    }
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw ec2(
          "InvalidParameterValue",
          "The launch template version '" + version + "' is not a number, $Latest or $Default.");
    }
  }

  /** A deterministic template id for a template name, for scenarios that give none. */
  static String idFor(String name) {
    return "lt-0"
        + UUID.nameUUIDFromBytes(("launch-template/" + name).getBytes(StandardCharsets.UTF_8))
            .toString()
            .replace("-", "")
            .substring(0, 16);
  }

  private static VersionView view(SimLaunchTemplate t, Version v) {
    return new VersionView(
        t.id, t.name, v.number(), v.createdAt(), v.number() == t.defaultVersion, v.description(), v.data());
  }

  private static String key(String region, String id) {
    return region + "/" + id;
  }

  private static AwsError ec2(String code, String message) {
    return new AwsError(400, code, message, Map.of());
  }
}
