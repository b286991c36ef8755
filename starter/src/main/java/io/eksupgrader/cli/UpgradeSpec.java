package io.eksupgrader.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.eksupgrader.workflows.activities.HealthGateActivities;
import io.eksupgrader.workflows.activities.NotificationActivities;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.HealthGateOptions;
import io.eksupgrader.workflows.model.NotificationOptions;
import io.eksupgrader.workflows.model.PhaseSelection;
import io.eksupgrader.workflows.planning.ApprovalRules;
import io.eksupgrader.workflows.planning.HealthGates;
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
 * approvals:                     # who may answer which gate (the worker's policy is the floor)
 *   fourEyes: true               # the person who started it may not approve its gates
 *   approvers:                   # per gate type; "*" for the others; decide = decisions on failed steps
 *     "*": [alice, bob]
 *     control-plane: [alice]
 *   autoApprove: [karpenter]     # gate types approved without a human
 * healthGates:                   # seed 003's Prometheus queries, asked before each gate and during waits
 *   prometheus: http://prometheus.monitoring:9090
 *   interval: 2m                 # how often during control-plane updates and drains
 *   thresholds: {istio-5xx: 0.5} # a default gate's maximum
 *   disabled: [node-join-latency]
 *   custom:                      # gates of your own
 *     - {name: queue-depth, query: "max(queue_depth)", max: 100, unit: msgs}
 * phases:                        # which phases run (Karpenter and Istio: their strategy, skip)
 *   addons: true                 # EKS add-ons with each minor
 *   dataPlane: true              # node groups, Karpenter drift, Fargate after the control plane
 * notifications:                 # webhooks configured in the worker (never here: a URL is a secret)
 *   enabled: true
 *   channel: payments-oncall     # a webhook name in the worker's eks-upgrader.notifications.webhooks
 *   events: [gate-opened, gate-reminder, step-failed, health-breach, upgrade-ended]
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
    BackupSpec backup,
    ApprovalPolicy approvals,
    HealthGateOptions healthGates,
    NotificationOptions notifications,
    PhaseSelection phases) {

  static final Set<String> PHASE_KEYS = Set.of("addons", "dataPlane");
  static final List<String> KEY_ORDER =
      List.of(
          "cluster", "region", "targetVersion", "autoApprove", "gateReminderMinutes", "nodeGroupConcurrency", "drain",
          "addons", "karpenter", "istio", "backup", "approvals", "healthGates", "notifications", "phases");
  static final Set<String> KEYS = Set.copyOf(KEY_ORDER);
  static final Set<String> APPROVAL_KEYS = Set.of("fourEyes", "approvers", "autoApprove");
  static final Set<String> HEALTH_KEYS = Set.of("prometheus", "interval", "thresholds", "disabled", "custom");
  static final Set<String> CUSTOM_GATE_KEYS = Set.of("name", "query", "max", "unit");
  static final Set<String> NOTIFICATION_KEYS = Set.of("enabled", "channel", "events");
  static final List<String> EVENTS =
      List.of(
          NotificationActivities.Events.GATE_OPENED,
          NotificationActivities.Events.GATE_REMINDER,
          NotificationActivities.Events.STEP_FAILED,
          NotificationActivities.Events.HEALTH_BREACH,
          NotificationActivities.Events.UPGRADE_ENDED);
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
        BackupSpec.none(),
        null,
        null,
        null,
        null);
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
        problems.add("unknown key '" + key + "'; known keys: " + String.join(", ", KEY_ORDER));
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
    ApprovalPolicy approvals = approvals(map.get("approvals"), problems);
    HealthGateOptions health = health(map.get("healthGates"), problems);
    NotificationOptions notifications = notifications(map.get("notifications"), problems);
    PhaseSelection phases = null;
    if (map.get("phases") != null) {
      Map<?, ?> p = section("phases", PHASE_KEYS, map.get("phases"), problems);
      if (p != null) {
        Boolean addonsPhase = bool(p, "addons", "phases", problems);
        Boolean dataPlane = bool(p, "dataPlane", "phases", problems);
        phases = new PhaseSelection(!Boolean.FALSE.equals(addonsPhase), !Boolean.FALSE.equals(dataPlane));
      }
    }
    if (problems.isEmpty()) {
      problems.addAll(ApprovalRules.problems(approvals, "approvals"));
      problems.addAll(HealthGates.problems(health));
    }
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, source + ":\n  - " + String.join("\n  - ", problems));
    }
    return new UpgradeSpec(
        cluster, region, targetVersion, autoApprove, reminder, nodeGroupConcurrency, drain, addons, karpenter, istio, backup,
        approvals, health, notifications, phases);
  }

  /** A mapping with only the known keys, or null after saying why not. */
  private static Map<?, ?> section(String name, Set<String> keys, Object value, List<String> problems) {
    String known = String.join(", ", new java.util.TreeSet<>(keys));
    if (!(value instanceof Map<?, ?> map)) {
      problems.add(name + ": expected a mapping with keys " + known);
      return null;
    }
    for (Object key : map.keySet()) {
      if (!keys.contains(String.valueOf(key))) {
        problems.add(name + ": unknown key '" + key + "'; known keys: " + known);
      }
    }
    return map;
  }

  /** A list of texts, e.g. [karpenter, istio]; null after saying why not. */
  private static List<String> texts(Object value, String key, List<String> problems) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list) || list.stream().anyMatch(v -> !(v instanceof String t) || t.isBlank())) {
      problems.add(key + ": expected a list of names, e.g. [alice, bob], found " + value);
      return List.of();
    }
    return list.stream().map(String::valueOf).toList();
  }

  private static Boolean bool(Map<?, ?> map, String key, String where, List<String> problems) {
    Object value = map.get(key);
    if (value != null && !(value instanceof Boolean)) {
      problems.add(where + "." + key + ": '" + value + "' is not true or false");
      return null;
    }
    return (Boolean) value;
  }

  private static ApprovalPolicy approvals(Object value, List<String> problems) {
    if (value == null) {
      return null;
    }
    Map<?, ?> map = section("approvals", APPROVAL_KEYS, value, problems);
    if (map == null) {
      return null;
    }
    Map<String, List<String>> approvers = new java.util.LinkedHashMap<>();
    Object a = map.get("approvers");
    if (a != null && !(a instanceof Map<?, ?>)) {
      problems.add("approvals.approvers: expected a mapping of gate type to names, e.g. control-plane: [alice, bob]");
    } else if (a != null) {
      ((Map<?, ?>) a).forEach((type, names) -> approvers.put(String.valueOf(type), texts(names, "approvals.approvers." + type, problems)));
    }
    Boolean fourEyes = bool(map, "fourEyes", "approvals", problems);
    return new ApprovalPolicy(
        approvers, Boolean.TRUE.equals(fourEyes), texts(map.get("autoApprove"), "approvals.autoApprove", problems), List.of());
  }

  private static HealthGateOptions health(Object value, List<String> problems) {
    if (value == null) {
      return null;
    }
    Map<?, ?> map = section("healthGates", HEALTH_KEYS, value, problems);
    if (map == null) {
      return null;
    }
    Object url = map.get("prometheus");
    if (url != null && !(url instanceof String)) {
      problems.add("healthGates.prometheus: expected a URL such as http://prometheus.monitoring:9090, found " + url);
      url = null;
    }
    int interval = 0;
    Object i = map.get("interval");
    if (i != null) {
      Integer seconds = seconds(i);
      if (seconds == null || seconds < 1) {
        problems.add("healthGates.interval: '" + i + "' is not a duration such as 30s, 2m or 1h");
      } else {
        interval = seconds;
      }
    }
    Map<String, Double> thresholds = new java.util.LinkedHashMap<>();
    Object t = map.get("thresholds");
    if (t != null && !(t instanceof Map<?, ?>)) {
      problems.add("healthGates.thresholds: expected a mapping of gate name to maximum, e.g. istio-5xx: 0.5");
    } else if (t != null) {
      ((Map<?, ?>) t).forEach(
          (name, max) -> {
            if (!(max instanceof Number n)) {
              problems.add("healthGates.thresholds." + name + ": '" + max + "' is not a number");
            } else {
              thresholds.put(String.valueOf(name), n.doubleValue());
            }
          });
    }
    List<HealthGateActivities.HealthGate> custom = new ArrayList<>();
    Object c = map.get("custom");
    if (c != null && !(c instanceof List<?>)) {
      problems.add("healthGates.custom: expected a list of {name, query, max, unit}");
    } else if (c != null) {
      for (Object entry : (List<?>) c) {
        Map<?, ?> gate = section("healthGates.custom[]", CUSTOM_GATE_KEYS, entry, problems);
        if (gate == null) {
          continue;
        }
        Object max = gate.get("max");
        if (!(max instanceof Number)) {
          problems.add("healthGates.custom: gate '" + gate.get("name") + "' needs a number as max, found " + max);
          continue;
        }
        custom.add(
            new HealthGateActivities.HealthGate(
                gate.get("name") == null ? null : String.valueOf(gate.get("name")),
                gate.get("query") == null ? null : String.valueOf(gate.get("query")),
                ((Number) max).doubleValue(),
                gate.get("unit") == null ? null : String.valueOf(gate.get("unit"))));
      }
    }
    return new HealthGateOptions(
        (String) url, interval, thresholds, texts(map.get("disabled"), "healthGates.disabled", problems), custom);
  }

  private static NotificationOptions notifications(Object value, List<String> problems) {
    if (value == null) {
      return null;
    }
    Map<?, ?> map = section("notifications", NOTIFICATION_KEYS, value, problems);
    if (map == null) {
      return null;
    }
    Boolean enabled = bool(map, "enabled", "notifications", problems);
    Object channel = map.get("channel");
    if (channel != null && (!(channel instanceof String text) || !text.matches("[A-Za-z0-9][A-Za-z0-9_-]*"))) {
      problems.add("notifications.channel: '" + channel + "' is not a webhook name such as payments-oncall");
      channel = null;
    }
    List<String> events = texts(map.get("events"), "notifications.events", problems);
    for (String event : events) {
      if (!EVENTS.contains(event)) {
        problems.add("notifications.events: '" + event + "' is not one of " + String.join(", ", EVENTS));
      }
    }
    return new NotificationOptions(Boolean.FALSE.equals(enabled), (String) channel, events);
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
