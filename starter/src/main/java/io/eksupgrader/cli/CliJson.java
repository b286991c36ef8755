package io.eksupgrader.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.UncheckedIOException;

/**
 * The CLI's JSON documents: the same mapper as Temporal's payloads (so records and instants look
 * as the workflow sends them), pretty-printed, one document per answer.
 */
final class CliJson {

  static final ObjectMapper MAPPER =
      JacksonJsonPayloadConverter.newDefaultObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CliJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** {@code {"error": "...", "exitCode": 3}}, with what the failure carries besides. */
  static String error(int exitCode, String message, Object details) {
    ObjectNode doc = object();
    doc.put("error", message);
    doc.put("exitCode", exitCode);
    if (details != null) {
      doc.set("details", tree(details));
    }
    return write(doc);
  }
}
