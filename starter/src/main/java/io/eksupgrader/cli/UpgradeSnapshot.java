package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksupgrader.workflows.model.UpgradeStatus;
import java.util.List;

/**
 * What {@code status} shows at one moment: the workflow's status query and what its activities
 * heartbeat.
 */
record UpgradeSnapshot(UpgradeStatus status, List<ActivityProgress> activities) {

  UpgradeSnapshot {
    activities = activities == null ? List.of() : List.copyOf(activities);
  }

  /**
   * The status's JSON with a {@code progress} array. Without the clock (the status's updatedAt,
   * heartbeat times), two snapshots of the same state give the same document.
   */
  ObjectNode toJson(boolean withClock) {
    ObjectNode doc = (ObjectNode) CliJson.tree(status);
    if (!withClock) {
      doc.putNull("updatedAt");
    }
    ArrayNode progress = doc.putArray("progress");
    activities.forEach(a -> progress.add(a.toJson(withClock)));
    return doc;
  }
}
