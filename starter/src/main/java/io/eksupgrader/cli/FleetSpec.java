package io.eksupgrader.cli;

import io.eksupgrader.workflows.fleet.FailureMode;
import io.eksupgrader.workflows.fleet.FleetRequest;
import io.eksupgrader.workflows.fleet.FleetWave;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.UpgradeRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A fleet upgrade written down: clusters in waves. Strict like {@link UpgradeSpec}: an unknown key,
 * a wrong type or an impossible value is refused with the file and the key, before anything is
 * sent. Each cluster entry is an upgrade spec of its own (the same keys as {@code start --spec}),
 * laid over {@code defaults}; both are read by {@link UpgradeSpec}, so a fleet takes exactly the
 * options a single upgrade takes.
 *
 * <pre>
 * name: platform-1-34            # the fleet's workflow id is eks-fleet/&lt;name&gt;
 * targetVersion: "1.34"          # every cluster's, unless its entry says otherwise
 * region: eu-west-1              # every cluster's, unless its entry says otherwise
 * onFailure: stop-wave           # or continue
 * maxFailures: 0                 # with continue: stop after this many failed clusters; 0 = no limit
 * autoApprove: false             # wave gates approve themselves
 * gateReminderMinutes: 30        # an open wave gate re-announces itself this often
 * approvals:                     # who may approve wave gates (the worker's policy is the floor)
 *   fourEyes: true
 *   approvers: [alice, bob]
 * defaults:                      # upgrade spec keys every cluster gets
 *   autoApprove: true            # the clusters' own gates
 *   drain: {timeout: 10m}
 * waves:
 *   - name: dev
 *     concurrency: 2             # clusters upgraded at once
 *     soak: 30m                  # wait after this wave before the next one
 *     clusters: [dev-1, dev-2]
 *   - name: prod
 *     gate: true                 # default: false for the first wave, true for the others
 *     clusters:
 *       - prod-1
 *       - {cluster: prod-2, region: us-east-1, nodeGroupConcurrency: 2}
 * </pre>
 */
final class FleetSpec {

  static final List<String> KEY_ORDER =
      List.of("name", "targetVersion", "region", "onFailure", "maxFailures", "autoApprove", "gateReminderMinutes",
          "approvals", "defaults", "waves");
  static final Set<String> KEYS = Set.copyOf(KEY_ORDER);
  static final List<String> WAVE_KEY_ORDER = List.of("name", "concurrency", "soak", "gate", "clusters");
  static final Set<String> WAVE_KEYS = Set.copyOf(WAVE_KEY_ORDER);
  static final Set<String> APPROVAL_KEYS = Set.of("fourEyes", "approvers");

  private FleetSpec() {}

  static FleetRequest load(Path file, boolean autoApprove, String requestedBy) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "cannot read the fleet spec " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString(), autoApprove, requestedBy);
  }

  /**
   * The fleet request, or a CliFailure naming the file and every problem found.
   *
   * @param autoApprove {@code --auto-approve}: wave gates and every cluster's gates approve themselves
   */
  static FleetRequest parse(String yaml, String source, boolean autoApprove, String requestedBy) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (YAMLException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ": not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ": expected a mapping with keys " + String.join(", ", KEY_ORDER));
    }
    List<String> problems = new ArrayList<>();
    unknownKeys(map, KEYS, KEY_ORDER, "", problems);
    String name = text(map, "name", "name", problems);
    if (name == null) {
      problems.add("name: missing; the fleet's workflow id is eks-fleet/<name>");
    }
    Object target = map.get("targetVersion");
    if (target instanceof Number) {
      problems.add("targetVersion: " + target + " is a number; quote it (\"1.30\"), or YAML reads 1.30 as 1.3");
    }
    String targetVersion = target instanceof Number ? null : text(map, "targetVersion", "targetVersion", problems);
    String region = text(map, "region", "region", problems);
    FailureMode onFailure = FailureMode.STOP_WAVE;
    if (map.get("onFailure") != null) {
      onFailure = FailureMode.parse(String.valueOf(map.get("onFailure")));
      if (onFailure == null) {
        problems.add("onFailure: '" + map.get("onFailure") + "' is not stop-wave or continue");
      }
    }
    int maxFailures = whole(map.get("maxFailures"), "maxFailures", 0, 0, problems);
    boolean autoApproveGates = autoApprove || Boolean.TRUE.equals(bool(map.get("autoApprove"), "autoApprove", problems));
    int reminder = whole(map.get("gateReminderMinutes"), "gateReminderMinutes", 0, 1, problems);
    ApprovalPolicy approvals = approvals(map.get("approvals"), problems);
    Map<String, Object> defaults = new LinkedHashMap<>();
    if (map.get("defaults") != null) {
      if (map.get("defaults") instanceof Map<?, ?> d) {
        d.forEach((k, v) -> defaults.put(String.valueOf(k), v));
        if (defaults.containsKey("cluster")) {
          problems.add("defaults.cluster: a default cannot name a cluster; list clusters under waves[].clusters");
        }
      } else {
        problems.add("defaults: expected a mapping of upgrade spec keys, found " + map.get("defaults"));
      }
    }
    if (region != null) {
      defaults.putIfAbsent("region", region);
    }
    if (targetVersion != null) {
      defaults.putIfAbsent("targetVersion", targetVersion);
    }
    List<FleetWave> waves = new ArrayList<>();
    Object waveList = map.get("waves");
    if (!(waveList instanceof List<?> list) || list.isEmpty()) {
      problems.add("waves: expected a list of waves, each with a name and its clusters");
    } else {
      for (int i = 0; i < list.size(); i++) {
        FleetWave wave = wave(list.get(i), i, defaults, source, autoApprove, requestedBy, problems);
        if (wave != null) {
          waves.add(wave);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ":\n  - " + String.join("\n  - ", problems));
    }
    return new FleetRequest(name, waves, onFailure, maxFailures, autoApproveGates, approvals, reminder, requestedBy);
  }

  private static FleetWave wave(
      Object value, int index, Map<String, Object> defaults, String source, boolean autoApprove, String requestedBy,
      List<String> problems) {
    String where = "waves[" + index + "]";
    if (!(value instanceof Map<?, ?> map)) {
      problems.add(where + ": expected a mapping with keys " + String.join(", ", WAVE_KEY_ORDER));
      return null;
    }
    unknownKeys(map, WAVE_KEYS, WAVE_KEY_ORDER, where + ".", problems);
    String name = text(map, "name", where + ".name", problems);
    if (name == null) {
      problems.add(where + ".name: missing; name each wave, e.g. dev, staging, prod");
    } else {
      where = where + " (" + name + ")";
    }
    int concurrency = whole(map.get("concurrency"), where + ".concurrency", 1, 1, problems);
    long soak = 0;
    if (map.get("soak") != null) {
      Integer seconds = UpgradeSpec.seconds(map.get("soak"));
      if (seconds == null || seconds < 0) {
        problems.add(where + ".soak: '" + map.get("soak") + "' is not a duration such as 30m, 2h or 0");
      } else {
        soak = seconds;
      }
    }
    Boolean gate = bool(map.get("gate"), where + ".gate", problems);
    List<UpgradeRequest> clusters = new ArrayList<>();
    if (!(map.get("clusters") instanceof List<?> entries) || entries.isEmpty()) {
      problems.add(where + ".clusters: expected a list of clusters (names, or upgrade spec mappings with 'cluster')");
    } else {
      for (int j = 0; j < entries.size(); j++) {
        UpgradeRequest cluster = cluster(entries.get(j), where + ".clusters[" + j + "]", defaults, source, autoApprove, requestedBy, problems);
        if (cluster != null) {
          clusters.add(cluster);
        }
      }
    }
    return new FleetWave(name, concurrency, soak, gate != null ? gate : index > 0, clusters);
  }

  /** One cluster entry laid over the defaults, read as an upgrade spec of its own. */
  private static UpgradeRequest cluster(
      Object entry, String where, Map<String, Object> defaults, String source, boolean autoApprove, String requestedBy,
      List<String> problems) {
    Map<String, Object> merged = new LinkedHashMap<>(defaults);
    if (entry instanceof String name) {
      merged.put("cluster", name);
    } else if (entry instanceof Map<?, ?> map) {
      map.forEach((k, v) -> merged.merge(String.valueOf(k), v, FleetSpec::overlay));
      if (map.get("cluster") == null) {
        problems.add(where + ".cluster: missing; each entry names its cluster");
        return null;
      }
    } else {
      problems.add(where + ": expected a cluster name or an upgrade spec mapping, found " + entry);
      return null;
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    String text = new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options).dump(merged);
    try {
      UpgradeSpec spec = UpgradeSpec.parse(text, where);
      UpgradeRequestOptions flags = new UpgradeRequestOptions();
      if (autoApprove) {
        flags.autoApprove = true;
      }
      return flags.request(spec, requestedBy);
    } catch (CliFailure failure) {
      problems.add(failure.getMessage().replace("\n  - ", "\n    - "));
      return null;
    }
  }

  /** A cluster's section over the default's: mappings merge key by key, anything else replaces. */
  @SuppressWarnings("unchecked")
  private static Object overlay(Object defaults, Object entry) {
    if (defaults instanceof Map<?, ?> d && entry instanceof Map<?, ?> e) {
      Map<Object, Object> merged = new LinkedHashMap<>((Map<Object, Object>) d);
      e.forEach((k, v) -> merged.merge(k, v, FleetSpec::overlay));
      return merged;
    }
    return entry;
  }

  private static ApprovalPolicy approvals(Object value, List<String> problems) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      problems.add("approvals: expected a mapping with keys approvers, fourEyes");
      return null;
    }
    unknownKeys(map, APPROVAL_KEYS, List.of("approvers", "fourEyes"), "approvals.", problems);
    Boolean fourEyes = bool(map.get("fourEyes"), "approvals.fourEyes", problems);
    Map<String, List<String>> approvers = Map.of();
    if (map.get("approvers") != null) {
      if (map.get("approvers") instanceof List<?> names && !names.isEmpty() && names.stream().allMatch(n -> n instanceof String s && !s.isBlank())) {
        // A fleet's gates are all wave gates, so its list is the policy's list for every type.
        approvers = Map.of("*", names.stream().map(String::valueOf).toList());
      } else {
        problems.add("approvals.approvers: expected a list of names, e.g. [alice, bob]");
      }
    }
    return new ApprovalPolicy(approvers, Boolean.TRUE.equals(fourEyes), List.of(), List.of());
  }

  private static void unknownKeys(Map<?, ?> map, Set<String> keys, List<String> order, String prefix, List<String> problems) {
    for (Object key : map.keySet()) {
      if (!keys.contains(String.valueOf(key))) {
        problems.add("unknown key '" + prefix + key + "'; known keys: " + String.join(", ", order));
      }
    }
  }

  private static String text(Map<?, ?> map, String key, String where, List<String> problems) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      problems.add(where + ": expected text, found " + value);
      return null;
    }
    return s;
  }

  private static Boolean bool(Object value, String where, List<String> problems) {
    if (value != null && !(value instanceof Boolean)) {
      problems.add(where + ": '" + value + "' is not true or false");
      return null;
    }
    return (Boolean) value;
  }

  private static int whole(Object value, String where, int absent, int least, List<String> problems) {
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Integer i) || i < least) {
      problems.add(where + ": '" + value + "' is not a whole number, " + least + " or more");
      return absent;
    }
    return i;
  }
}
