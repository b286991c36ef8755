package io.eksupgrader.sandbox;

import static io.eksupgrader.sandbox.AwsJsonResponses.error;
import static io.eksupgrader.sandbox.AwsJsonResponses.write;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.eksupgrader.sandbox.Scenario.EncryptionKeySpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks KMS's JSON 1.1 protocol ({@code X-Amz-Target: TrentService.DescribeKey}) for the keys
 * that encrypt the clusters' secrets: DescribeKey by key id or key ARN, in the key's own region
 * (KMS is regional). Errors carry {@code __type} in the body, as KMS sends them. Reads only, so
 * nothing is recorded in the call log.
 */
final class KmsHttpHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(KmsHttpHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long before the run a key scheduled for deletion was scheduled, and its waiting period. */
  private static final Duration PENDING_WINDOW = Duration.ofDays(30);

  private final EksWorld world;
  private final SimulatedClock clock;
  private final FaultInjector faults;
  private final AwsActionLog actions;

  KmsHttpHandler(EksWorld world, SimulatedClock clock, FaultInjector faults, AwsActionLog actions) {
    this.world = world;
    this.clock = clock;
    this.faults = faults;
    this.actions = actions;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String region = ServiceRouter.Scope.of(exchange).region();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation =
          target != null && target.startsWith("TrentService.") ? target.substring("TrentService.".length()) : "";
      actions.record("kms", operation);
      try {
        switch (faults.draw()) {
          case THROTTLING -> throw new AwsError(
              400, "ThrottlingException", "Rate exceeded (sandbox fault faults.throttlingRate)", Map.of());
          case SERVER_ERROR -> throw new AwsError(
              500, "KMSInternalException", "Internal failure (sandbox fault faults.serverErrorRate)", Map.of());
          default -> {}
        }
        JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        if (!operation.equals("DescribeKey")) {
          throw new AwsError(
              400,
              "UnknownOperationException",
              "The sandbox's KMS does not answer " + target + " (it answers TrentService.DescribeKey).",
              Map.of());
        }
        write(exchange, 200, describeKey(region, request), null);
      } catch (IOException e) {
        write(exchange, 400, error("SerializationException", "The request body is not valid JSON."), "SerializationException");
      } catch (AwsError e) {
        write(exchange, e.status(), error(e.code(), e.getMessage()), e.code());
        log.debug("{} kms {} -> {} {}", region, operation, e.status(), e.code());
      } catch (RuntimeException e) {
        log.error("sandbox failed to answer kms {}", operation, e);
        write(exchange, 500, error("KMSInternalException", "sandbox failure: " + e), "KMSInternalException");
      }
    }
  }

  private ObjectNode describeKey(String region, JsonNode request) {
    String keyId = request.path("KeyId").asText(null);
    if (keyId == null || keyId.isEmpty()) {
      throw new AwsError(
          400,
          "ValidationException",
          "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
          Map.of());
    }
    EncryptionKeySpec key =
        world
            .encryptionKey(region, keyId)
            .orElseThrow(
                () ->
                    new AwsError(
                        400,
                        "NotFoundException",
                        keyId.startsWith("alias/") || keyId.contains(":alias/")
                            ? "Alias " + keyId + " is not found."
                            : "Key '" + keyId + "' does not exist",
                        Map.of()));
    Instant created = clock.start().minus(Duration.ofDays(400));
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("AWSAccountId", key.arn().split(":")[4]);
    metadata.put("KeyId", key.keyId());
    metadata.put("Arn", key.arn());
    metadata.put("CreationDate", BigDecimal.valueOf(created.toEpochMilli(), 3));
    metadata.put("Enabled", key.state().equals("Enabled"));
    metadata.put("Description", "EKS secrets encryption");
    metadata.put("KeyUsage", "ENCRYPT_DECRYPT");
    metadata.put("KeyState", key.state());
    if (key.state().equals("PendingDeletion")) {
      Instant scheduled = clock.start().minus(Duration.ofDays(1));
      metadata.put("DeletionDate", BigDecimal.valueOf(scheduled.plus(PENDING_WINDOW).toEpochMilli(), 3));
      metadata.put("PendingDeletionWindowInDays", PENDING_WINDOW.toDays());
    }
    metadata.put("Origin", "AWS_KMS");
    metadata.put("KeyManager", "CUSTOMER");
    metadata.put("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT");
    metadata.put("KeySpec", "SYMMETRIC_DEFAULT");
    metadata.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
    metadata.put("MultiRegion", key.keyId().startsWith("mrk-"));
    ObjectNode out = JSON.createObjectNode();
    out.set("KeyMetadata", metadata);
    return out;
  }
}
