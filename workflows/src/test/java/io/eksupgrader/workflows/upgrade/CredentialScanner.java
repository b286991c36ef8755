package io.eksupgrader.workflows.upgrade;

import com.google.protobuf.Message;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks for credentials in text a person may read: recorded histories (their payloads decoded from
 * base64) and logs. Each pattern is one kind of secret the worker handles somewhere. Shared with
 * the starter's end-to-end tests through this module's test-jar.
 */
public final class CredentialScanner {

  public static final Map<String, Pattern> PATTERNS =
      Map.of(
          "EKS bearer token", Pattern.compile("k8s-aws-v1\\.[A-Za-z0-9_-]{16,}"),
          "AWS access key id", Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"),
          "AWS secret key setting", Pattern.compile("(?i)aws_secret_access_key"),
          "PEM private key", Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
          "Authorization Bearer header", Pattern.compile("(?i)authorization\"?\\s*[:=]\\s*\"?bearer\\s+\\S{8,}"),
          "kubeconfig client-key-data", Pattern.compile("client-key-data\"?\\s*:\\s*\"?[A-Za-z0-9+/=]{8,}"),
          "kubeconfig token", Pattern.compile("(?m)^\\s*token:\\s*\\S{8,}"),
          "Slack webhook", Pattern.compile("hooks\\.slack\\.com/services/\\S+"));

  private CredentialScanner() {}

  /** Every finding in {@code text}, as "kind: the match, cut short" — never the whole secret. */
  public static List<String> scan(String where, String text) {
    List<String> findings = new ArrayList<>();
    PATTERNS.forEach(
        (kind, pattern) -> {
          Matcher m = pattern.matcher(text);
          while (m.find()) {
            String match = m.group();
            findings.add(where + ": " + kind + ": " + match.substring(0, Math.min(match.length(), 12)) + "…");
          }
        });
    return findings;
  }

  /** The history's JSON and the decoded text of each of its payloads. */
  public static List<String> scanHistory(String where, String json) {
    return scanHistory(where, WorkflowExecutionHistory.fromJson(json));
  }

  /** As {@link #scanHistory(String, String)}, for a history fetched from Temporal. */
  public static List<String> scanHistory(String where, WorkflowExecutionHistory history) {
    List<String> findings = new ArrayList<>(scan(where, history.toJson(true)));
    List<Payload> payloads = new ArrayList<>();
    collect(history.getHistory(), payloads);
    for (int i = 0; i < payloads.size(); i++) {
      Payload p = payloads.get(i);
      findings.addAll(scan(where + " payload " + i, p.getData().toString(StandardCharsets.UTF_8)));
      p.getMetadataMap().forEach((k, v) -> findings.addAll(scan(where + " payload " + k, v.toStringUtf8())));
    }
    return findings;
  }

  /** How many payloads a history holds: a scan over none proves nothing. */
  public static int payloadCount(String json) {
    return payloadCount(WorkflowExecutionHistory.fromJson(json));
  }

  public static int payloadCount(WorkflowExecutionHistory history) {
    List<Payload> payloads = new ArrayList<>();
    collect(history.getHistory(), payloads);
    return payloads.size();
  }

  private static void collect(Message message, List<Payload> out) {
    if (message instanceof Payload payload) {
      out.add(payload);
      return;
    }
    message.getAllFields()
        .forEach(
            (field, value) -> {
              if (value instanceof Message nested) {
                collect(nested, out);
              } else if (value instanceof List<?> list) {
                for (Object item : list) {
                  if (item instanceof Message nested) {
                    collect(nested, out);
                  }
                }
              }
            });
  }
}
