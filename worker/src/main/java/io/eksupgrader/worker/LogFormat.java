package io.eksupgrader.worker;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * Which console format logback.xml includes: {@code json} ({@code logback-console-json.xml},
 * logback's own JsonEncoder, one object per line) when {@code EKS_UPGRADER_LOG_FORMAT=json} is in the
 * environment or {@code -Deks-upgrader.log-format=json} on the command line (which wins), {@code
 * text} ({@code logback-console-text.xml}, the pattern) otherwise.
 *
 * <p>Logback reads its configuration when the first logger is made, before Micronaut has read
 * application.yml, so the switch cannot be a Micronaut key; the environment is there from the first
 * line on. Choosing the file here, rather than with logback's {@code <if>}, needs no Janino, and a
 * value that is neither {@code json} nor {@code text} falls back to text with a warning in logback's
 * status instead of leaving the root logger without an appender. (Two appenders in one file with a
 * substituted {@code appender-ref} would work too, but logback warns at every start about the one
 * not referenced, and prints its whole status with the warning.)
 */
public class LogFormat extends PropertyDefinerBase {

  static final String PROPERTY = "eks-upgrader.log-format";
  static final String ENVIRONMENT = "EKS_UPGRADER_LOG_FORMAT";
  static final String JSON = "json";
  static final String TEXT = "text";

  @Override
  public String getPropertyValue() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(ENVIRONMENT);
    }
    String format = formatFor(configured);
    if (format == null) {
      addWarn(
          ENVIRONMENT + "/" + PROPERTY + "=" + configured + " is neither json nor text; logging text");
      return TEXT;
    }
    return format;
  }

  /** The format for a configured value; null for one that is neither json nor text. */
  static String formatFor(String configured) {
    if (configured == null || configured.isBlank()) {
      return TEXT;
    }
    return switch (configured.trim().toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "text" -> TEXT;
      default -> null;
    };
  }
}
