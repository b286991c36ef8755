package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads what the worker's activities heartbeat, without depending on their classes: the details
 * arrive as JSON and are recognised by their field names, so a field added later is ignored and a
 * shape not known here is still shown, field by field.
 *
 * <p>Known shapes (records of the activities module): {@code DrainProgress} (a node's drain),
 * {@code DriftProgress} (Karpenter's drift), {@code RecycleProgress} (Fargate), {@code
 * MoveProgress} (Istio's namespaces), {@code DeletionProgress} and {@code ReadyWaitProgress} (node
 * group waits); waits that heartbeat a poll count (a number) or a text are shown as such.
 */
final class HeartbeatDetails {

  private HeartbeatDetails() {}

  static HeartbeatReading read(String activityType, JsonNode details) {
    if (details == null || details.isNull() || details.isMissingNode()) {
      return HeartbeatReading.of(activityType + ": no progress reported yet");
    }
    if (details.isNumber()) {
      // Waits heartbeat their poll count: each poll is not news to a log.
      return new HeartbeatReading(activityType + ": poll " + details.asLong(), activityType + ": waiting", null, null, null);
    }
    if (details.isTextual()) {
      return HeartbeatReading.of(activityType + ": " + details.asText());
    }
    if (details.isArray()) {
      List<String> items = texts(details);
      return HeartbeatReading.of(
          activityType + ": " + (items.isEmpty() ? "nothing left" : items.size() + " left: " + String.join("; ", items)));
    }
    if (!details.isObject()) {
      return HeartbeatReading.of(activityType + ": " + details);
    }
    if (details.has("evictedUids") || (details.has("node") && details.has("pending"))) {
      return drain(details);
    }
    if (details.has("oldNodes") && details.has("atTarget") && details.has("left")) {
      return drift(details);
    }
    if (details.has("rolling") && details.has("oldPods")) {
      return recycle(details);
    }
    if (details.has("podsAtRevision")) {
      return move(details);
    }
    if (details.has("deleteRequested")) {
      return deletion(activityType, details);
    }
    if (details.has("nodesAwaitedSinceMillis")) {
      return readyWait(activityType, details);
    }
    return HeartbeatReading.of(activityType + ": " + fields(details));
  }

  /** {@code drain ip-10-0-1-23: 14/31 pods evicted, 1 force-deleted, 3 evictions refused (shop/web-1: …)}. */
  private static HeartbeatReading drain(JsonNode d) {
    int evicted = size(d, "evictedUids");
    int forced = size(d, "forceDeletedUids");
    int gone = size(d, "alreadyGoneUids");
    int pending = d.path("pending").asInt(0);
    int done = evicted + forced + gone;
    // The heartbeat has no total: pods whose eviction was accepted and that still terminate count
    // in evicted and in pending. A "total" field, if the drain ever sends one, is taken instead.
    int total = d.hasNonNull("total") ? d.get("total").asInt() : done + pending;
    StringBuilder text = new StringBuilder("drain ").append(d.path("node").asText("?")).append(": ");
    if (total == 0) {
      text.append("listing pods");
    } else {
      text.append(done).append('/').append(total).append(" pods evicted");
    }
    if (forced > 0) {
      text.append(", ").append(forced).append(" force-deleted");
    }
    if (gone > 0) {
      text.append(", ").append(gone).append(" already gone");
    }
    StringBuilder steady = new StringBuilder(text);
    int refused = d.path("refusedEvictions").asInt(0);
    // "namespace/name: when" → the pod; the time of each retry is not news.
    List<String> recent = texts(d.path("recentRefusals")).stream().map(r -> r.replaceFirst(": .*$", "")).toList();
    if (refused > 0) {
      text.append(", ").append(refused).append(refused == 1 ? " eviction" : " evictions").append(" refused");
      steady.append(", evictions refused");
    }
    if (!recent.isEmpty()) {
      String pods = " (still refused: " + String.join(", ", recent) + ")";
      text.append(pods);
      steady.append(pods);
    }
    int daemonSets = d.path("skippedDaemonSet").asInt(0);
    if (daemonSets > 0) {
      text.append(", ").append(daemonSets).append(" DaemonSet pods left");
      steady.append(", ").append(daemonSets).append(" DaemonSet pods left");
    }
    return total == 0
        ? new HeartbeatReading(text.toString(), steady.toString(), null, null, null)
        : HeartbeatReading.counted(text.toString(), steady.toString(), done, total, "pods");
  }

  private static HeartbeatReading drift(JsonNode d) {
    int atTarget = d.path("atTarget").asInt(0);
    int left = d.path("left").asInt(0);
    StringBuilder text =
        new StringBuilder("karpenter drift: ").append(atTarget).append('/').append(atTarget + left).append(" nodes at the target");
    int failures = size(d, "launchFailures");
    if (failures > 0) {
      text.append(", ").append(failures).append(" failed launches (").append(String.join("; ", texts(d.path("launchFailures")))).append(')');
    }
    return HeartbeatReading.counted(text.toString(), text.toString(), atTarget, atTarget + left, "nodes");
  }

  private static HeartbeatReading recycle(JsonNode d) {
    int atTarget = d.path("atTarget").asInt(0);
    int old = d.path("oldPods").asInt(0);
    StringBuilder text =
        new StringBuilder("fargate: ").append(atTarget).append('/').append(atTarget + old).append(" pods at the target");
    List<String> rolling = texts(d.path("rolling"));
    if (!rolling.isEmpty()) {
      text.append(", rolling out: ").append(String.join(", ", rolling));
    }
    return HeartbeatReading.counted(text.toString(), text.toString(), atTarget, atTarget + old, "pods");
  }

  private static HeartbeatReading move(JsonNode d) {
    String namespace = d.path("namespace").asText("");
    return HeartbeatReading.of(
        "istio"
            + (namespace.isEmpty() ? "" : " " + namespace)
            + ": "
            + d.path("podsAtRevision").asInt(0)
            + " pods at the new revision, "
            + size(d, "restarted")
            + " workloads restarted");
  }

  private static HeartbeatReading deletion(String activityType, JsonNode d) {
    StringBuilder text = new StringBuilder(activityType).append(": ");
    String asg = d.path("autoScalingGroup").asText("");
    if (!asg.isEmpty()) {
      text.append("ASG ").append(asg).append(", ");
    }
    text.append(d.path("deleteRequested").asBoolean() ? "deletion requested" : "deletion not requested yet");
    int released = size(d, "protectedInstancesReleased");
    if (released > 0 || d.path("groupProtectionReleased").asBoolean()) {
      text.append(", scale-in protection removed from ").append(released).append(" instances");
    }
    String steady = text.toString();
    return new HeartbeatReading(text.append(", poll ").append(d.path("polls").asInt(0)).toString(), steady, null, null, null);
  }

  private static HeartbeatReading readyWait(String activityType, JsonNode d) {
    long since = d.path("nodesAwaitedSinceMillis").asLong(0);
    String waiting = since > 0 ? ", group ACTIVE, waiting for Ready nodes since " + java.time.Instant.ofEpochMilli(since) : "";
    return new HeartbeatReading(
        activityType + ": poll " + d.path("polls").asInt(0) + waiting,
        activityType + ": waiting" + waiting,
        null,
        null,
        null);
  }

  /** Scalars as {@code name=value}, lists by their size: any shape, readable. */
  private static String fields(JsonNode d) {
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (value.isArray()) {
        parts.add(field.getKey() + "=" + value.size());
      } else if (value.isValueNode()) {
        parts.add(field.getKey() + "=" + value.asText());
      }
    }
    return String.join(", ", parts);
  }

  private static int size(JsonNode d, String field) {
    JsonNode list = d.path(field);
    return list.isArray() ? list.size() : 0;
  }

  private static List<String> texts(JsonNode list) {
    List<String> items = new ArrayList<>();
    if (list.isArray()) {
      list.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
    }
    return items;
  }
}
