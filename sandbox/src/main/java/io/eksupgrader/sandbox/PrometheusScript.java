package io.eksupgrader.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the sandbox's Prometheus answers. It evaluates no PromQL: each scripted query has an answer
 * (series, a scalar, or a {@code bad_data} error) that can change while the run goes on, in windows
 * that open and close on simulated time or on the calls in the {@link CallLog}. A query nobody
 * scripted answers an empty vector, as Prometheus does for a metric nobody exports.
 *
 * <p>Queries are matched on their text with whitespace normalised (see {@link #normalize}), so a
 * gate written over two lines finds the query scripted on one.
 *
 * @param queries the scripted queries, each normalised text once
 * @param outages windows in which every request is answered 503, as a Prometheus that is down
 *     behind its load balancer
 * @param bearerToken when set, a request without {@code Authorization: Bearer <token>} is answered
 *     401, as a Prometheus behind an authenticating proxy; null: no authentication
 */
public record PrometheusScript(List<ScriptedQuery> queries, List<Window> outages, String bearerToken) {

  public PrometheusScript {
    queries = List.copyOf(queries);
    outages = List.copyOf(outages);
  }

  /** Nothing scripted: every query answers an empty vector. */
  public static PrometheusScript none() {
    return new PrometheusScript(List.of(), List.of(), null);
  }

  /**
   * One query and what it answers.
   *
   * @param query the query as the scenario writes it
   * @param answer what it answers while no change applies
   * @param changes other answers in windows; of the open ones the last listed applies
   */
  public record ScriptedQuery(String query, Answer answer, List<Change> changes) {

    public ScriptedQuery {
      changes = List.copyOf(changes);
    }

    /** The answer at {@code at}: that of the last change whose window is open, else the default. */
    public Answer answerAt(Instant at, Instant runStart, List<CallLog.Entry> calls) {
      Answer result = answer;
      for (Change change : changes) {
        if (change.window().isOpen(at, runStart, calls)) {
          result = change.answer();
        }
      }
      return result;
    }
  }

  /** An answer that applies while its window is open. */
  public record Change(Window window, Answer answer) {}

  /**
   * What a query answers: a vector of series (empty: no data), a scalar, or a {@code bad_data}
   * error. Exactly one of {@code series} and {@code scalar} is set unless {@code error} is.
   */
  public record Answer(List<Series> series, Double scalar, String error) {

    public Answer {
      series = series == null ? null : List.copyOf(series);
    }

    public static Answer noData() {
      return new Answer(List.of(), null, null);
    }

    public static Answer vector(List<Series> series) {
      return new Answer(series, null, null);
    }

    public static Answer scalarValue(double value) {
      return new Answer(null, value, null);
    }

    public static Answer badData(String error) {
      return new Answer(null, null, error);
    }
  }

  /**
   * One series of a vector.
   *
   * @param labels its labels, {@code __name__} included when the scenario names it
   * @param value NaN and ±Infinity are answered as Prometheus writes them
   */
  public record Series(Map<String, String> labels, double value) {

    public Series {
      labels = Map.copyOf(labels);
    }
  }

  /**
   * A stretch of the run: open from the moment {@code from} has happened until the moment {@code
   * until} has happened. A window whose {@code until} happens first never opens.
   *
   * @param from null: from the start of the run
   * @param until null: to the end of the run
   */
  public record Window(Trigger from, Trigger until) {

    public boolean isOpen(Instant at, Instant runStart, List<CallLog.Entry> calls) {
      Instant opens = from == null ? Instant.MIN : from.happenedAt(runStart, calls);
      if (opens == null || at.isBefore(opens)) {
        return false;
      }
      Instant closes = until == null ? null : until.happenedAt(runStart, calls);
      return closes == null || at.isBefore(closes);
    }
  }

  /**
   * A moment of the run: a simulated time after its start, or the {@code count}-th call of an
   * operation in the call log that changed something (effect CREATED; calls refused, faults
   * included, and replays of an earlier call do not count).
   *
   * @param after the simulated time after the start, or null for a call trigger
   * @param call the call log's operation name, e.g. CreateEviction, DeleteNodegroup,
   *     UpdateClusterVersion; null for a time trigger
   * @param count which call of that operation, 1 for the first
   */
  public record Trigger(Duration after, String call, int count) {

    public static Trigger afterTime(Duration after) {
      return new Trigger(after, null, 0);
    }

    public static Trigger afterCall(String call, int count) {
      return new Trigger(null, call, count);
    }

    /** When it happened, or null while it has not. */
    public Instant happenedAt(Instant runStart, List<CallLog.Entry> calls) {
      if (after != null) {
        return runStart.plus(after);
      }
      int seen = 0;
      for (CallLog.Entry e : calls) {
        if (e.operation().equals(call) && e.effect() == CallLog.Effect.CREATED && ++seen == count) {
          return e.simulatedTime();
        }
      }
      return null;
    }
  }

  /** The scripted query whose text, normalised, is that of {@code query}; null if none. */
  public ScriptedQuery find(String query) {
    String wanted = normalize(query);
    for (ScriptedQuery q : queries) {
      if (normalize(q.query()).equals(wanted)) {
        return q;
      }
    }
    return null;
  }

  /**
   * A query's text with whitespace normalised: outside quoted strings a run of whitespace becomes
   * one space between two characters of names or numbers ({@code a or b}) and disappears
   * elsewhere ({@code by (le, verb)} is {@code by(le,verb)}); quoted strings stay as written.
   */
  public static String normalize(String query) {
    StringBuilder out = new StringBuilder(query.length());
    char quote = 0;
    boolean pendingSpace = false;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && quote != '`' && i + 1 < query.length()) {
          out.append(query.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (Character.isWhitespace(c)) {
        pendingSpace = out.length() > 0;
        continue;
      }
      if (pendingSpace && isWordChar(out.charAt(out.length() - 1)) && isWordChar(c)) {
        out.append(' ');
      }
      pendingSpace = false;
      if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':' || c == '.';
  }
}
