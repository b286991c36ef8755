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
 * nodeGroupConcurrency: 1        # node groups replaced at once
 * drain:                         # kubectl drain's flags, same names and meaning
 *   ignore-daemonsets: true
 *   delete-emptydir-data: false
 *   force: false                 # pods without a controller; never bypasses a PDB
 *   grace-period: -1             # seconds; -1 = each pod's own
 *   timeout: 15m                 # per node: how long a PDB may refuse evictions
 *   concurrency: 1               # nodes of one group drained at once
 * addons:                        # EKS add-ons, moved with each minor
 *   resolveConflicts: PRESERVE   # or OVERWRITE, NONE
 *   versions:                    # pinned for the target minor; others get EKS's default
 *     coredns: v1.12.1-eksbuild.2
 * karpenter:                     # Karpenter, moved before the control plane
 *   strategy: helm               # helm (the worker runs Helm), external (GitOps; the upgrade verifies), skip
 *   version: "1.6.3"             # default: the compatibility table's for the target
 *   chartSource: oci://public.ecr.aws/karpenter   # or a chart repository URL, or a local directory
 * istio:                         # Istio, one canary revision per minor
 *   strategy: helm
 *   version: "1.28.3"            # the last minor's version; default: the table's
 *   chartSource: https://istio-release.storage.googleapis.com/charts
 *   restartBatch: 5              # workloads of a namespace restarted at once
 * backup:                        # a Velero backup before the first change (seeds 000, 002)
 *   velero: true
 *   namespace: velero
 *   storageLocation: default     # a BackupStorageLocation; default: Velero's
 *   ttl: 720h0m0s
 * </pre>
 */
record UpgradeSpec(
    String cluster,
    String region,
    String targetVersion,
    Boolean autoApprove,
    Integer gateReminderMinutes,
    Integer nodeGroupConcurrency,
    DrainSpec drain,
    AddonsSpec addons,
    ComponentSpec karpenter,
    ComponentSpec istio,
    BackupSpec backup) {

  static final Set<String> KEYS =
      Set.of(
          "cluster", "region", "targetVersion", "autoApprove", "gateReminderMinutes", "nodeGroupConcurrency", "drain",
          "addons", "karpenter", "istio", "backup");
  static final Set<String> BACKUP_KEYS = Set.of("velero", "namespace", "storageLocation", "ttl");
  static final Set<String> KARPENTER_KEYS = Set.of("strategy", "version", "chartSource");
  static final Set<String> ISTIO_KEYS = Set.of("strategy", "version", "chartSource", "restartBatch");
  static final List<String> STRATEGIES = List.of("helm", "external", "skip");
  static final Set<String> ADDON_KEYS = Set.of("resolveConflicts", "versions");
  static final List<String> RESOLVE_CONFLICTS = List.of("PRESERVE", "OVERWRITE", "NONE");
  static final Set<String> DRAIN_KEYS =
      Set.of("ignore-daemonsets", "delete-emptydir-data", "force", "grace-period", "timeout", "concurrency");

  static UpgradeSpec empty() {
    return new UpgradeSpec(
        null,
        null,
        null,
        null,
        null,
        null,
        new DrainSpec(null, null, null, null, null, null),
        new AddonsSpec(null, Map.of()),
        ComponentSpec.none(),
        ComponentSpec.none(),
        BackupSpec.none());
  }

  /** The {@code backup:} section; null fields were not given. */
  record BackupSpec(Boolean velero, String namespace, String storageLocation, String ttl) {
    static BackupSpec none() {
      return new BackupSpec(null, null, null, null);
    }
  }

  /** The {@code karpenter:} or {@code istio:} section; null fields were not given. */
  record ComponentSpec(String strategy, String version, String chartSource, Integer restartBatch) {
    static ComponentSpec none() {
      return new ComponentSpec(null, null, null, null);
    }
  }

  /** The {@code addons:} section; null or empty when not given. */
  record AddonsSpec(String resolveConflicts, Map<String, String> versions) {}

  /** The {@code drain:} section; null fields were not given. */
  record DrainSpec(
      Boolean ignoreDaemonSets,
      Boolean deleteEmptyDirData,
      Boolean force,
      Integer gracePeriodSeconds,
      Integer timeoutSeconds,
      Integer concurrency) {}

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
        problems.add(
            "unknown key '"
                + key
                + "'; known keys: cluster, region, targetVersion, autoApprove, gateReminderMinutes, nodeGroupConcurrency, drain,"
                + " addons, karpenter, istio, backup");
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
    Integer nodeGroupConcurrency = positive(map.get("nodeGroupConcurrency"), "nodeGroupConcurrency", problems);
    DrainSpec drain = drain(map.get("drain"), problems);
    AddonsSpec addons = addons(map.get("addons"), problems);
    ComponentSpec karpenter = component("karpenter", KARPENTER_KEYS, map.get("karpenter"), problems);
    ComponentSpec istio = component("istio", ISTIO_KEYS, map.get("istio"), problems);
    BackupSpec backup = backup(map.get("backup"), problems);
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ":\n  - " + String.join("\n  - ", problems));
    }
    return new UpgradeSpec(
        cluster, region, targetVersion, autoApprove, reminder, nodeGroupConcurrency, drain, addons, karpenter, istio, backup);
  }

  private static BackupSpec backup(Object value, List<String> problems) {
    if (value == null) {
      return BackupSpec.none();
    }
    String known = String.join(", ", new java.util.TreeSet<>(BACKUP_KEYS));
    if (!(value instanceof Map<?, ?> map)) {
      problems.add("backup: expected a mapping with keys " + known);
      return BackupSpec.none();
    }
    for (Object key : map.keySet()) {
      if (!BACKUP_KEYS.contains(String.valueOf(key))) {
        problems.add("backup: unknown key '" + key + "'; known keys: " + known);
      }
    }
    Object velero = map.get("velero");
    if (velero != null && !(velero instanceof Boolean)) {
      problems.add("backup.velero: '" + velero + "' is not true or false");
      velero = null;
    }
    List<String> texts = new ArrayList<>();
    for (String key : List.of("namespace", "storageLocation", "ttl")) {
      Object v = map.get(key);
      if (v != null && (!(v instanceof String t) || t.isBlank())) {
        problems.add("backup." + key + ": expected text, found " + v);
        v = null;
      }
      texts.add((String) v);
    }
    String ttl = texts.get(2);
    if (ttl != null && !isGoDuration(ttl)) {
      problems.add("backup.ttl: '" + ttl + "' is not a Go duration such as 720h0m0s");
    }
    return new BackupSpec((Boolean) velero, texts.get(0), texts.get(1), ttl);
  }

  /** A duration as Velero reads it (Go's time.ParseDuration in hours, minutes and seconds), e.g. 720h0m0s. */
  static boolean isGoDuration(String text) {
    return !text.isEmpty() && text.matches("(\\d+h)?(\\d+m)?(\\d+s)?");
  }

  private static ComponentSpec component(String section, Set<String> keys, Object value, List<String> problems) {
    if (value == null) {
      return ComponentSpec.none();
    }
    String known = String.join(", ", new java.util.TreeSet<>(keys));
    if (!(value instanceof Map<?, ?> map)) {
      problems.add(section + ": expected a mapping with keys " + known);
      return ComponentSpec.none();
    }
    for (Object key : map.keySet()) {
      if (!keys.contains(String.valueOf(key))) {
        problems.add(section + ": unknown key '" + key + "'; known keys: " + known);
      }
    }
    String strategy = null;
    Object s = map.get("strategy");
    if (s != null && !STRATEGIES.contains(String.valueOf(s))) {
      problems.add(section + ".strategy: '" + s + "' is not one of helm (default), external, skip");
    } else if (s != null) {
      strategy = String.valueOf(s);
    }
    String version = null;
    Object v = map.get("version");
    if (v instanceof Double || v instanceof Integer) {
      problems.add(section + ".version: " + v + " is a number; quote it (\"1.6.3\")");
    } else if (v != null && !String.valueOf(v).matches("v?\\d+\\.\\d+\\.\\d+")) {
      problems.add(section + ".version: '" + v + "' is not a release such as 1.6.3");
    } else if (v != null) {
      version = String.valueOf(v);
    }
    Object c = map.get("chartSource");
    String chartSource = null;
    if (c != null && (!(c instanceof String text) || text.isBlank())) {
      problems.add(section + ".chartSource: expected oci://…, https://… or a directory, found " + c);
    } else {
      chartSource = (String) c;
    }
    Integer batch = positive(map.get("restartBatch"), section + ".restartBatch", problems);
    return new ComponentSpec(strategy, version, chartSource, batch);
  }

  private static AddonsSpec addons(Object value, List<String> problems) {
    if (value == null) {
      return new AddonsSpec(null, Map.of());
    }
    if (!(value instanceof Map<?, ?> map)) {
      problems.add("addons: expected a mapping with keys resolveConflicts, versions");
      return new AddonsSpec(null, Map.of());
    }
    for (Object key : map.keySet()) {
      if (!ADDON_KEYS.contains(String.valueOf(key))) {
        problems.add("addons: unknown key '" + key + "'; known keys: resolveConflicts, versions");
      }
    }
    String resolve = null;
    Object r = map.get("resolveConflicts");
    if (r != null && !RESOLVE_CONFLICTS.contains(String.valueOf(r))) {
      problems.add("addons.resolveConflicts: '" + r + "' is not one of PRESERVE, OVERWRITE, NONE");
    } else if (r != null) {
      resolve = String.valueOf(r);
    }
    Map<String, String> versions = new java.util.LinkedHashMap<>();
    Object v = map.get("versions");
    if (v != null && !(v instanceof Map<?, ?>)) {
      problems.add("addons.versions: expected a mapping of add-on name to version, e.g. coredns: v1.12.1-eksbuild.2");
    } else if (v != null) {
      ((Map<?, ?>) v).forEach(
          (name, version) -> {
            if (!(version instanceof String text) || text.isBlank()) {
              problems.add("addons.versions." + name + ": '" + version + "' is not a version such as v1.12.1-eksbuild.2");
            } else {
              versions.put(String.valueOf(name), text);
            }
          });
    }
    return new AddonsSpec(resolve, versions);
  }

  private static DrainSpec drain(Object value, List<String> problems) {
    if (value == null) {
      return new DrainSpec(null, null, null, null, null, null);
    }
    if (!(value instanceof Map<?, ?> map)) {
      problems.add("drain: expected a mapping with keys " + String.join(", ", new java.util.TreeSet<>(DRAIN_KEYS)));
      return null;
    }
    for (Object key : map.keySet()) {
      if (!DRAIN_KEYS.contains(String.valueOf(key))) {
        problems.add(
            "drain: unknown key '"
                + key
                + "'; known keys (kubectl drain's flags): "
                + String.join(", ", new java.util.TreeSet<>(DRAIN_KEYS)));
      }
    }
    Integer grace = null;
    Object g = map.get("grace-period");
    if (g != null && (!(g instanceof Integer) || (Integer) g < -1)) {
      problems.add("drain.grace-period: '" + g + "' is not a whole number of seconds, -1 or more");
    } else {
      grace = (Integer) g;
    }
    Integer timeout = null;
    Object t = map.get("timeout");
    if (t != null) {
      timeout = seconds(t);
      if (timeout == null || timeout < 1) {
        problems.add("drain.timeout: '" + t + "' is not a duration such as 900s, 15m or 1h");
        timeout = null;
      }
    }
    return new DrainSpec(
        flag(map, "ignore-daemonsets", problems),
        flag(map, "delete-emptydir-data", problems),
        flag(map, "force", problems),
        grace,
        timeout,
        positive(map.get("concurrency"), "drain.concurrency", problems));
  }

  /** Seconds from 900, "900s", "15m" or "1h"; null when the text is none of these. */
  static Integer seconds(Object value) {
    if (value instanceof Integer i) {
      return i;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smh])").matcher(String.valueOf(value).trim());
    if (!m.matches()) {
      return null;
    }
    int amount = Integer.parseInt(m.group(1));
    return switch (m.group(2)) {
      case "s" -> amount;
      case "m" -> amount * 60;
      default -> amount * 3600;
    };
  }

  private static Boolean flag(Map<?, ?> map, String key, List<String> problems) {
    Object value = map.get(key);
    if (value != null && !(value instanceof Boolean)) {
      problems.add("drain." + key + ": '" + value + "' is not true or false");
      return null;
    }
    return (Boolean) value;
  }

  private static Integer positive(Object value, String key, List<String> problems) {
    if (value != null && (!(value instanceof Integer) || (Integer) value < 1)) {
      problems.add(key + ": '" + value + "' is not a whole number, 1 or more");
      return null;
    }
    return (Integer) value;
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
