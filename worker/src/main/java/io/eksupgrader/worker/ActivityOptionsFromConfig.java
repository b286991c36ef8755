package io.eksupgrader.worker;

import io.eksupgrader.workflows.activities.ActivityTypes;
import io.eksupgrader.workflows.upgrade.UpgradeActivityOptions;
import io.temporal.activity.ActivityOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code eks-upgrader.activities.*} into per-type activity options, refusing at startup a
 * configuration that misses a type, names an unknown one, or sets impossible values. Micronaut
 * hands the keys over in kebab-case ({@code await-version-update}), so names are compared without
 * dashes and case.
 */
final class ActivityOptionsFromConfig {

  private ActivityOptionsFromConfig() {}

  static Map<String, ActivityOptions> build(Collection<ActivitySettings> settings) {
    List<String> problems = new ArrayList<>();
    Map<String, ActivityOptions> options = new LinkedHashMap<>();
    for (ActivitySettings s : settings) {
      String key = "eks-upgrader.activities." + s.getActivityType();
      String type = activityType(s.getActivityType());
      if (type == null) {
        problems.add(key + ": unknown activity type; known types: "
            + ActivityTypes.ALL.stream().map(ActivityOptionsFromConfig::kebab).toList());
        continue;
      }
      if (s.getStartToCloseTimeout() == null || s.getStartToCloseTimeout().isNegative() || s.getStartToCloseTimeout().isZero()) {
        problems.add(key + ".start-to-close-timeout must be set to a positive duration, e.g. 5m");
        continue;
      }
      if (s.getMaximumAttempts() < 0 || s.getBackoffCoefficient() < 1.0) {
        problems.add(key + ": maximum-attempts must be >= 0 (0 = unlimited) and backoff-coefficient >= 1.0");
        continue;
      }
      options.put(
          type,
          UpgradeActivityOptions.options(
              s.getStartToCloseTimeout(),
              s.getHeartbeatTimeout(),
              s.getInitialInterval(),
              s.getBackoffCoefficient(),
              s.getMaximumInterval(),
              s.getMaximumAttempts()));
    }
    for (String type : ActivityTypes.ALL) {
      if (!options.containsKey(type) && settings.stream().noneMatch(s -> type.equals(activityType(s.getActivityType())))) {
        problems.add(
            "eks-upgrader.activities." + kebab(type) + " is missing: every activity type needs a timeout and retry policy");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("invalid activity configuration:\n  " + String.join("\n  ", problems));
    }
    return options;
  }

  /** The activity type a configuration key names, or null: "await-version-update" → "AwaitVersionUpdate". */
  static String activityType(String key) {
    String wanted = key.replace("-", "").toLowerCase(Locale.ROOT);
    return ActivityTypes.ALL.stream()
        .filter(t -> t.toLowerCase(Locale.ROOT).equals(wanted))
        .findFirst()
        .orElse(null);
  }

  static String kebab(String type) {
    return type.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
