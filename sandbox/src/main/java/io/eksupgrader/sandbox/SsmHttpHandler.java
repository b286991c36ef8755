package io.eksupgrader.sandbox;

import static io.eksupgrader.sandbox.AwsJsonResponses.error;
import static io.eksupgrader.sandbox.AwsJsonResponses.write;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks SSM's JSON 1.1 protocol ({@code X-Amz-Target: AmazonSSM.GetParameter}) for the public
 * parameters of the EKS-optimized AMIs, e.g. {@code
 * /aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id}.
 * Each (region, Kubernetes version, image family) has a fixed fake AMI id, so that a run repeats;
 * a version the scenario does not offer, or Amazon Linux 2 past 1.32, has no parameter. Reads
 * only, so nothing is recorded in the call log.
 */
final class SsmHttpHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(SsmHttpHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EKS_AMI =
      Pattern.compile(
          "/aws/service/eks/optimized-ami/(\\d{1,3}\\.\\d{1,3})/"
              + "(amazon-linux-2023/(?:x86_64|arm64)/(?:standard|nvidia|neuron)|amazon-linux-2|amazon-linux-2-arm64|amazon-linux-2-gpu)"
              + "/recommended/(image_id|release_version)");

  private final EksWorld world;
  private final FaultInjector faults;
  private final AwsActionLog actions;

  SsmHttpHandler(EksWorld world, FaultInjector faults, AwsActionLog actions) {
    this.world = world;
    this.faults = faults;
    this.actions = actions;
  }

  /** One parameter's value, or null when there is no such parameter. */
  String value(String region, String name) {
    Matcher m = EKS_AMI.matcher(name);
    if (!m.matches()) {
      return null;
    }
    String version = m.group(1);
    String family = m.group(2);
    if (world.scenario().offered(version).isEmpty()) {
      return null;
    }
    if (family.startsWith("amazon-linux-2") && !family.startsWith("amazon-linux-2023")
        && EksWorld.compareVersions(version, "1.32") > 0) {
      // Amazon Linux 2 images end with Kubernetes 1.32.
      return null;
    }
    if (m.group(3).equals("release_version")) {
      return EksWorld.releaseVersionFor(version);
    }
    return imageId(region, version, family);
  }

  /**
   * The fake AMI id of an EKS-optimized image, e.g. family {@code amazon-linux-2023/x86_64/standard}
   * or {@code amazon-linux-2}; {@link EksWorld} maps it back to the Kubernetes version of the
   * nodes that boot from it.
   */
  static String imageId(String region, String version, String family) {
    return "ami-0"
        + UUID.nameUUIDFromBytes((region + "/" + version + "/" + family).getBytes(StandardCharsets.UTF_8))
            .toString()
            .replace("-", "")
            .substring(0, 16);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String region = ServiceRouter.Scope.of(exchange).region();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation = target != null && target.startsWith("AmazonSSM.") ? target.substring(10) : target;
      if (target != null && target.startsWith("AmazonSSM.")) {
        actions.record("ssm", operation);
      }
      try {
        switch (faults.draw()) {
          case THROTTLING -> throw new AwsError(
              400, "ThrottlingException", "Rate exceeded (sandbox fault faults.throttlingRate)", Map.of());
          case SERVER_ERROR -> throw new AwsError(
              500, "InternalServerError", "Internal failure (sandbox fault faults.serverErrorRate)", Map.of());
          default -> {}
        }
        JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        ObjectNode answer =
            switch (operation == null ? "" : operation) {
              case "GetParameter" -> getParameter(region, request);
              case "GetParameters" -> getParameters(region, request);
              default -> throw new AwsError(
                  400,
                  "InvalidAction",
                  "The sandbox's SSM does not answer "
                      + target
                      + " (it answers AmazonSSM.GetParameter and AmazonSSM.GetParameters).",
                  Map.of());
            };
        write(exchange, 200, answer, null);
      } catch (IOException e) {
        write(exchange, 400, error("SerializationException", "The request body is not valid JSON."), "SerializationException");
      } catch (AwsError e) {
        write(exchange, e.status(), error(e.code(), e.getMessage()), e.code());
        log.debug("{} ssm {} -> {} {}", region, operation, e.status(), e.code());
      } catch (RuntimeException e) {
        log.error("sandbox failed to answer ssm {}", operation, e);
        write(exchange, 500, error("InternalServerError", "sandbox failure: " + e), "InternalServerError");
      }
    }
  }

  private ObjectNode getParameter(String region, JsonNode request) {
    String name = request.path("Name").asText(null);
    if (name == null) {
      throw new AwsError(400, "ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null", Map.of());
    }
    String value = value(region, name);
    if (value == null) {
      throw new AwsError(400, "ParameterNotFound", "Parameter " + name + " not found.", Map.of());
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("Parameter", parameter(region, name, value));
    return out;
  }

  private ObjectNode getParameters(String region, JsonNode request) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode found = out.putArray("Parameters");
    ArrayNode invalid = out.putArray("InvalidParameters");
    for (JsonNode n : request.path("Names")) {
      String value = value(region, n.asText());
      if (value == null) {
        invalid.add(n.asText());
      } else {
        found.add(parameter(region, n.asText(), value));
      }
    }
    return out;
  }

  private ObjectNode parameter(String region, String name, String value) {
    ObjectNode p = JSON.createObjectNode();
    p.put("Name", name);
    p.put("Type", "String");
    p.put("Value", value);
    p.put("Version", 1);
    p.put("LastModifiedDate", BigDecimal.valueOf(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli(), 3));
    p.put("ARN", "arn:aws:ssm:" + region + "::parameter" + name);
    p.put("DataType", value.startsWith("ami-") ? "aws:ec2:image" : "text");
    return p;
  }
}
