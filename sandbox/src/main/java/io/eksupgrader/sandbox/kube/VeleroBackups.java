package io.eksupgrader.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A simulated Velero server: it runs the {@code velero.io/v1} Backups created in its own namespace
 * (Velero watches no other), on every tick:
 *
 * <ol>
 *   <li>A Backup without a phase (New) turns {@code InProgress} with {@code startTimestamp} now and
 *       {@code expiration} its TTL later (720h when {@code spec.ttl} is left out). With the fault
 *       {@code veleroBackupFails} it turns {@code Failed} at once instead, as Velero fails a backup
 *       whose storage location it cannot reach before it starts.
 *   <li>An InProgress Backup whose {@code veleroBackup} duration has passed turns {@code
 *       Completed} with {@code completionTimestamp} and {@code progress.itemsBackedUp =
 *       totalItems} = the stored objects of the backed-up namespaces: {@code
 *       spec.includedNamespaces} ({@code *} or left out: all) minus {@code
 *       spec.excludedNamespaces}. Events and Velero's own objects are not counted, as Velero leaves
 *       them out of every backup.
 * </ol>
 */
final class VeleroBackups {

  static final String FAILURE_REASON =
      "error getting backup store: BackupStorageLocation \"default\" is unavailable";

  private static final Pattern GO_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  /** Velero's default TTL of a backup. */
  private static final Duration DEFAULT_TTL = Duration.ofHours(720);

  @Group("velero.io")
  @Version("v1")
  @Kind("Backup")
  @Plural("backups")
  static final class Backup extends GenericKubernetesResource implements Namespaced {}

  private final ObjectStore store;
  private final String namespace;
  private final Duration duration;
  private final boolean fails;

  VeleroBackups(ObjectStore store, String namespace, Duration duration, boolean fails) {
    this.store = store;
    this.namespace = namespace;
    this.duration = duration;
    this.fails = fails;
  }

  /** Runs one round; call under the store's lock. */
  void tick(Instant now) {
    for (Backup backup : store.list(Backup.class, namespace)) {
      Map<String, Object> status = KarpenterResources.section(backup, "status");
      String phase = KarpenterResources.text(status, "phase");
      if (phase == null || phase.isEmpty() || phase.equals("New")) {
        start(backup, status, now);
        store.update(backup);
      } else if (phase.equals("InProgress")) {
        Instant started = ObjectStore.instant(KarpenterResources.text(status, "startTimestamp"));
        if (started != null && !now.isBefore(started.plus(duration))) {
          int items = itemsOf(backup);
          status.put("phase", "Completed");
          status.put("completionTimestamp", ObjectStore.timestamp(now));
          status.put("progress", Map.of("itemsBackedUp", items, "totalItems", items));
          store.update(backup);
        }
      }
    }
  }

  private void start(Backup backup, Map<String, Object> status, Instant now) {
    status.put("version", 1);
    status.put("formatVersion", "1.1.0");
    status.put("startTimestamp", ObjectStore.timestamp(now));
    status.put("expiration", ObjectStore.timestamp(now.plus(ttlOf(backup))));
    if (fails) {
      status.put("phase", "Failed");
      status.put("failureReason", FAILURE_REASON);
      status.put("completionTimestamp", ObjectStore.timestamp(now));
      return;
    }
    status.put("phase", "InProgress");
    status.put("progress", new LinkedHashMap<>());
  }

  /** The TTL of a backup, from Go's duration text (720h0m0s); the default when unreadable. */
  private static Duration ttlOf(Backup backup) {
    String ttl = KarpenterResources.text(KarpenterResources.section(backup, "spec"), "ttl");
    if (ttl == null) {
      return DEFAULT_TTL;
    }
    Matcher m = GO_DURATION.matcher(ttl);
    if (!m.matches() || ttl.isEmpty()) {
      return DEFAULT_TTL;
    }
    Duration d = Duration.ZERO;
    if (m.group(1) != null) {
      d = d.plusHours(Long.parseLong(m.group(1)));
    }
    if (m.group(2) != null) {
      d = d.plusMinutes(Long.parseLong(m.group(2)));
    }
    if (m.group(3) != null) {
      d = d.plusSeconds(Long.parseLong(m.group(3)));
    }
    return d;
  }

  private int itemsOf(Backup backup) {
    Map<String, Object> spec = KarpenterResources.section(backup, "spec");
    Set<String> included = namespaces(spec.get("includedNamespaces"));
    Set<String> excluded = namespaces(spec.get("excludedNamespaces"));
    boolean all = included.isEmpty() || included.contains("*");
    int items = 0;
    for (JsonNode object : store.all()) {
      String ns = object.path("metadata").path("namespace").asText("");
      String apiVersion = object.path("apiVersion").asText("");
      String kind = object.path("kind").asText("");
      boolean skipped =
          ns.isEmpty()
              || kind.equals("Event")
              || apiVersion.startsWith("velero.io/")
              || excluded.contains(ns)
              || (!all && !included.contains(ns));
      if (!skipped) {
        items++;
      }
    }
    return items;
  }

  private static Set<String> namespaces(Object list) {
    if (!(list instanceof List<?> values)) {
      return Set.of();
    }
    return values.stream().map(String::valueOf).collect(Collectors.toSet());
  }
}
