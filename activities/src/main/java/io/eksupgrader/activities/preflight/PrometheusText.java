package io.eksupgrader.activities.preflight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one metric in Prometheus' text exposition format (version 0.0.4), as the API
 * server's {@code /metrics} answers: one sample a line, {@code name{label="value",…} value
 * [timestamp]}; {@code #} lines (HELP, TYPE) and blank lines carry no sample. Label values escape
 * backslash, double quote and newline with a backslash. A line that does not parse is skipped, so
 * one odd metric does not hide the others. Pure.
 */
final class PrometheusText {

  /** One sample: its labels and value. */
  record Sample(Map<String, String> labels, double value) {

    Sample {
      labels = Map.copyOf(labels);
    }

    String label(String name) {
      return labels.getOrDefault(name, "");
    }
  }

  private PrometheusText() {}

  /** The samples of the metric named {@code metric}, in the order of the text. */
  static List<Sample> samples(String text, String metric) {
    List<Sample> samples = new ArrayList<>();
    if (text == null) {
      return samples;
    }
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || !line.startsWith(metric)) {
        continue;
      }
      Sample sample = parse(line, metric);
      if (sample != null) {
        samples.add(sample);
      }
    }
    return samples;
  }

  private static Sample parse(String line, String metric) {
    int i = metric.length();
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        i = skipSpaces(line, i);
        if (i >= line.length()) {
          return null;
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          return null;
        }
        String name = line.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        boolean closed = false;
        for (; j < line.length(); j++) {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < line.length()) {
            char next = line.charAt(++j);
            value.append(next == 'n' ? '\n' : next);
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          return null;
        }
        labels.put(name, value.toString());
        i = skipSpaces(line, j + 1);
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
    } else if (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      // Another metric whose name starts with this one's, e.g. metric_total.
      return null;
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (rest.length == 0 || rest[0].isEmpty()) {
      return null;
    }
    try {
      return new Sample(labels, Double.parseDouble(rest[0].replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int skipSpaces(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
