package io.eksupgrader.cli;

import java.util.Map;

/**
 * What the output can do: ANSI colours and redrawing in place only on a terminal, never in a pipe
 * or CI log, and never when {@code NO_COLOR} is set (https://no-color.org) or {@code TERM=dumb}.
 */
final class Terminal {

  /** How the operator asked for colours: {@code --color auto|always|never}. */
  enum ColorMode {
    AUTO,
    ALWAYS,
    NEVER
  }

  enum Colour {
    RED("31"),
    GREEN("32"),
    YELLOW("33"),
    BLUE("34"),
    CYAN("36"),
    DIM("2"),
    BOLD("1");

    final String code;

    Colour(String code) {
      this.code = code;
    }
  }

  static final String ESC = "\u001b[";

  /** When the width is not known: {@code COLUMNS} is rarely exported to programs. */
  static final int DEFAULT_WIDTH = 120;

  private final boolean ansi;
  private final int width;

  private Terminal(boolean ansi, int width) {
    this.ansi = ansi;
    this.width = width;
  }

  static Terminal plain() {
    return new Terminal(false, DEFAULT_WIDTH);
  }

  static Terminal ansi() {
    return ansi(DEFAULT_WIDTH);
  }

  static Terminal ansi(int width) {
    return new Terminal(true, width);
  }

  int width() {
    return width;
  }

  /** {@code COLUMNS} when it is a number, else {@link #DEFAULT_WIDTH}. */
  static int width(Map<String, String> env) {
    try {
      int columns = Integer.parseInt(env.getOrDefault("COLUMNS", ""));
      return columns >= 20 ? columns : DEFAULT_WIDTH;
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }

  /**
   * Cuts a line to {@code width} visible characters (ANSI sequences take none), ending a cut one
   * with "…" and a colour reset.
   */
  static String fit(String line, int width) {
    if (strip(line).codePointCount(0, strip(line).length()) <= width) {
      return line;
    }
    StringBuilder out = new StringBuilder();
    int visible = 0;
    int i = 0;
    while (i < line.length() && visible < width - 1) {
      if (line.startsWith(ESC, i)) {
        int end = i + ESC.length();
        while (end < line.length() && !Character.isLetter(line.charAt(end))) {
          end++;
        }
        out.append(line, i, Math.min(end + 1, line.length()));
        i = end + 1;
        continue;
      }
      int cp = line.codePointAt(i);
      out.appendCodePoint(cp);
      i += Character.charCount(cp);
      visible++;
    }
    return out.append('…').append(line.contains(ESC) ? ESC + "0m" : "").toString();
  }

  /**
   * Whether to use ANSI sequences. {@code NO_COLOR} (any non-empty value) and {@code TERM=dumb}
   * win over {@code auto}; {@code always} and {@code never} win over both.
   *
   * @param interactive whether stdout is a terminal
   */
  static boolean usesAnsi(ColorMode mode, boolean interactive, Map<String, String> env) {
    return switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> {
        String noColor = env.get("NO_COLOR");
        yield interactive && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
      }
    };
  }

  /** The terminal of this process's stdout, as far as Java can tell. */
  static Terminal detect(ColorMode mode) {
    // Java 17 gives a console only when both stdin and stdout are terminals: a pipe gets none.
    Map<String, String> env = System.getenv();
    return new Terminal(usesAnsi(mode, System.console() != null, env), width(env));
  }

  boolean isAnsi() {
    return ansi;
  }

  String paint(String text, Colour colour) {
    return ansi ? ESC + colour.code + "m" + text + ESC + "0m" : text;
  }

  /** Moves the cursor up over the {@code lines} printed last and clears them to the end. */
  String erase(int lines) {
    if (!ansi || lines <= 0) {
      return "";
    }
    return ESC + lines + "F" + ESC + "J";
  }

  /** Removes every ANSI sequence: for measuring and for tests. */
  static String strip(String text) {
    return text.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
  }
}
