package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.cli.Terminal.ColorMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the CLI may colour and redraw: only on a terminal that wants it. */
class TerminalTest {

  @Test
  void autoUsesAnsiOnlyOnATerminalWithoutNoColorOrADumbTerm() {
    assertThat(Terminal.usesAnsi(ColorMode.AUTO, true, Map.of("TERM", "xterm-256color"))).isTrue();
    assertThat(Terminal.usesAnsi(ColorMode.AUTO, false, Map.of("TERM", "xterm-256color"))).as("a pipe or CI").isFalse();
    assertThat(Terminal.usesAnsi(ColorMode.AUTO, true, Map.of("NO_COLOR", "1"))).isFalse();
    assertThat(Terminal.usesAnsi(ColorMode.AUTO, true, Map.of("NO_COLOR", ""))).as("an empty NO_COLOR is unset").isTrue();
    assertThat(Terminal.usesAnsi(ColorMode.AUTO, true, Map.of("TERM", "dumb"))).isFalse();
  }

  @Test
  void alwaysAndNeverWinOverTheTerminalAndTheEnvironment() {
    assertThat(Terminal.usesAnsi(ColorMode.ALWAYS, false, Map.of("NO_COLOR", "1"))).isTrue();
    assertThat(Terminal.usesAnsi(ColorMode.NEVER, true, Map.of())).isFalse();
  }

  @Test
  void aPlainTerminalPrintsTextAsItIs() {
    assertThat(Terminal.plain().paint("FAILED", Terminal.Colour.RED)).isEqualTo("FAILED");
    assertThat(Terminal.plain().erase(5)).isEmpty();
    String red = Terminal.ansi().paint("FAILED", Terminal.Colour.RED);
    assertThat(red).isEqualTo("\u001b[31mFAILED\u001b[0m");
    assertThat(Terminal.strip(red)).isEqualTo("FAILED");
    assertThat(Terminal.ansi().erase(3)).isEqualTo("\u001b[3F\u001b[J");
  }

  @Test
  void aLineWiderThanTheTerminalIsCutSoThatTheRedrawErasesWhatItDrew() {
    assertThat(Terminal.fit("short", 10)).isEqualTo("short");
    assertThat(Terminal.fit("0123456789abc", 10)).isEqualTo("012345678…");
    String coloured = Terminal.ansi().paint("0123456789abc", Terminal.Colour.RED);
    String cut = Terminal.fit(coloured, 10);
    assertThat(Terminal.strip(cut)).isEqualTo("012345678…");
    assertThat(cut).startsWith("\u001b[31m").endsWith("\u001b[0m");
    assertThat(Terminal.width(Map.of("COLUMNS", "80"))).isEqualTo(80);
    assertThat(Terminal.width(Map.of("COLUMNS", "wide"))).isEqualTo(Terminal.DEFAULT_WIDTH);
    assertThat(Terminal.width(Map.of())).isEqualTo(Terminal.DEFAULT_WIDTH);
  }
}
