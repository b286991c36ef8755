package io.eksupgrader.cli;

/**
 * What one heartbeat says, in words, and how far the work is when it can be counted.
 *
 * @param text e.g. "drain ip-10-0-1-23: 14/31 pods evicted, 3 evictions refused"
 * @param steadyText the same without counters that move while nothing else does (refused
 *     evictions retried every few seconds), for a log that prints only what changed
 * @param done what is done, or null when the heartbeat does not count anything
 * @param total out of how many, or null
 * @param unit what is counted, e.g. "pods"
 */
record HeartbeatReading(String text, String steadyText, Integer done, Integer total, String unit) {

  static HeartbeatReading of(String text) {
    return new HeartbeatReading(text, text, null, null, null);
  }

  static HeartbeatReading counted(String text, String steadyText, int done, int total, String unit) {
    return new HeartbeatReading(text, steadyText, done, total, unit);
  }

  boolean counted() {
    return total != null && total > 0;
  }

  /** {@code [#####.....]}: ten cells, a cell filled per tenth done (rounded down). */
  String bar(int width) {
    if (!counted()) {
      return "";
    }
    return ProgressBar.of(done, total, width);
  }
}
