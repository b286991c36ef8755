package io.eksupgrader.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.UUID;

/** Answers in the AWS JSON 1.1 protocol (SSM, KMS): the body, a request id, and the error type. */
final class AwsJsonResponses {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AwsJsonResponses() {}

  /** An error body as the SDK reads it: {@code __type} names the exception. */
  static ObjectNode error(String code, String message) {
    return JSON.createObjectNode().put("__type", code).put("message", message);
  }

  static void write(HttpExchange exchange, int status, ObjectNode body, String errorType) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (errorType != null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
