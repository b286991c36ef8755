package io.eksupgrader.workflows.upgrade;

import io.temporal.common.converter.EncodedValues;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a signal's payload by hand. The SDK silently drops a signal whose payload it cannot
 * deserialize into the handler's type, so the upgrade and the fleet take signals raw, as a JSON
 * object, and refuse (and record) anything else with a message that shows what to send.
 */
public final class SignalPayloads {

  /** Either the payload's fields or why it was refused. */
  public record Decoded(Map<?, ?> fields, String refusal) {}

  private SignalPayloads() {}

  /** A JSON object with only {@code fields}, all strings or null. */
  public static Decoded object(EncodedValues args, Set<String> fields, String example) {
    Map<?, ?> payload;
    try {
      payload = args.get(0, Map.class);
    } catch (RuntimeException e) {
      payload = null;
    }
    if (payload == null) {
      return refused("malformed payload: expected a JSON object like " + example);
    }
    for (Object key : payload.keySet()) {
      if (!fields.contains(String.valueOf(key))) {
        return refused("malformed payload: unknown field '" + key + "'; expected " + example);
      }
    }
    for (Map.Entry<?, ?> entry : payload.entrySet()) {
      if (entry.getValue() != null && !(entry.getValue() instanceof String)) {
        return refused("malformed payload: field '" + entry.getKey() + "' must be a string; expected " + example);
      }
    }
    return new Decoded(payload, null);
  }

  public static String text(Map<?, ?> payload, String field) {
    Object value = payload.get(field);
    return value == null ? null : value.toString();
  }

  private static Decoded refused(String why) {
    return new Decoded(null, why);
  }
}
