package io.eksupgrader.cli;

/** A text progress bar such as {@code [#####.....]}, the same in a terminal and in a log. */
final class ProgressBar {

  private ProgressBar() {}

  /** Full only when everything is done; an empty total gives an empty bar. */
  static String of(long done, long total, int width) {
    int filled;
    if (total <= 0) {
      filled = 0;
    } else {
      long clamped = Math.max(0, Math.min(done, total));
      filled = (int) (clamped * width / total);
    }
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }
}
