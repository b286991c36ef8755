package io.eksupgrader.activities.helm;

/** Helm refused or failed; the message is Helm's own. */
public final class HelmException extends RuntimeException {

  public HelmException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether a retry may succeed: the API server or a registry could not be reached, or answered
   * that it is busy. Anything else (a chart or version that does not exist, a template or
   * validation error, a release another operation holds) fails the same way again.
   */
  public boolean transientFailure() {
    String m = String.valueOf(getMessage()).toLowerCase(java.util.Locale.ROOT);
    return m.contains("connection refused")
        || m.contains("connection reset")
        || m.contains("i/o timeout")
        || m.contains("context deadline exceeded")
        || m.contains("tls handshake timeout")
        || m.contains("unexpected eof")
        || m.endsWith(": eof")
        || m.contains("too many requests")
        || m.contains("the server is currently unable")
        || m.contains("service unavailable")
        || m.contains("etcdserver: request timed out");
  }
}
