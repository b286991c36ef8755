package io.eksupgrader.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One cluster's upgrade, written down like eksctl's cluster.yaml so that it can be reviewed and
 * kept in git. Strict: an unknown key, a wrong type or an impossible value is refused with the
 * file and the key, before anything is sent.
 *
 * <pre>
 * cluster: prod-1
 * region: eu-west-1
 * targetVersion: "1.34"
 * autoApprove: false
 * gateReminderMinutes: 30
 * </pre>
 */
record UpgradeSpec(
    String cluster, String region, String targetVersion, Boolean autoApprove, Integer gateReminderMinutes) {

  static final Set<String> KEYS = Set.of("cluster", "region", "targetVersion", "autoApprove", "gateReminderMinutes");

  static UpgradeSpec load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "cannot read the upgrade spec " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  static UpgradeSpec parse(String yaml, String source) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (YAMLException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ": not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ": expected a mapping with keys " + KEYS);
    }
    List<String> problems = new ArrayList<>();
    for (Object key : map.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        problems.add("unknown key '" + key + "'; known keys: cluster, region, targetVersion, autoApprove, gateReminderMinutes");
      }
    }
    String cluster = text(map, "cluster", problems);
    String region = text(map, "region", problems);
    Object target = map.get("targetVersion");
    if (target instanceof Double || target instanceof Integer) {
      problems.add("targetVersion: " + target + " is a number; quote it (\"1.30\"), or YAML reads 1.30 as 1.3");
    }
    String targetVersion = text(map, "targetVersion", problems);
    Boolean autoApprove = null;
    Object auto = map.get("autoApprove");
    if (auto != null && !(auto instanceof Boolean)) {
      problems.add("autoApprove: '" + auto + "' is not true or false");
    } else {
      autoApprove = (Boolean) auto;
    }
    Integer reminder = null;
    Object minutes = map.get("gateReminderMinutes");
    if (minutes != null && (!(minutes instanceof Integer) || (Integer) minutes < 1)) {
      problems.add("gateReminderMinutes: '" + minutes + "' is not a whole number of minutes, 1 or more");
    } else {
      reminder = (Integer) minutes;
    }
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ":\n  - " + String.join("\n  - ", problems));
    }
    return new UpgradeSpec(cluster, region, targetVersion, autoApprove, reminder);
  }

  private static String text(Map<?, ?> map, String key, List<String> problems) {
    Object value = map.get(key);
    if (value == null || value instanceof Double || value instanceof Integer) {
      return null;
    }
    if (!(value instanceof String s)) {
      problems.add(key + ": expected text, found " + value);
      return null;
    }
    return s;
  }
}
