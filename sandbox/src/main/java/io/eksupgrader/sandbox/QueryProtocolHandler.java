package io.eksupgrader.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.eksupgrader.sandbox.CallLog.Effect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the query protocols (Auto Scaling's awsQuery, EC2's ec2 query) that both services
 * share. Per request: the form parameters are read, the region comes from the signature, a fault
 * may be injected before anything is read or changed, then the service's operation runs. Mutating
 * requests are recorded in the {@link CallLog} with what they did, errors included. Subclasses
 * render answers and errors in their service's XML.
 */
abstract class QueryProtocolHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(QueryProtocolHandler.class);

  /** A successful answer and, for mutating calls, what it did. */
  record Reply(XmlBuilder body, Effect effect, String resourceId, String cluster) {
    static Reply read(XmlBuilder body) {
      return new Reply(body, null, null, null);
    }
  }

  private final String service;
  private final Set<String> operations;
  private final SimulatedClock clock;
  private final CallLog callLog;
  private final FaultInjector faults;
  private final AwsActionLog actions;

  QueryProtocolHandler(
      String service,
      Set<String> operations,
      SimulatedClock clock,
      CallLog callLog,
      FaultInjector faults,
      AwsActionLog actions) {
    this.service = service;
    this.operations = new TreeSet<>(operations);
    this.clock = clock;
    this.callLog = callLog;
    this.faults = faults;
    this.actions = actions;
  }

  /** Runs one operation the service knows. */
  abstract Reply dispatch(String action, String region, FormParams params, String requestId);

  /** The error for an injected throttling fault, as the service answers it. */
  abstract AwsError throttling();

  /** The error for an injected server fault. */
  abstract AwsError serverError();

  abstract byte[] errorBody(AwsError error, String requestId);

  /** The query protocol's usual error (Auto Scaling, IAM): EC2 alone answers in its own shape. */
  static byte[] errorResponse(String namespace, AwsError e, String requestId) {
    return new XmlBuilder("ErrorResponse", namespace)
        .open("Error")
        .text("Type", e.status() >= 500 ? "Receiver" : "Sender")
        .text("Code", e.code())
        .text("Message", e.getMessage())
        .close()
        .text("RequestId", requestId)
        .toBytes();
  }

  /** Reads change nothing; every other operation is recorded, known or not. */
  boolean mutating(String action) {
    return !action.startsWith("Describe") && !action.startsWith("Get") && !action.startsWith("List");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String query = exchange.getRequestURI().getRawQuery();
      FormParams params = FormParams.parse(query != null && body.isEmpty() ? query : body);
      ServiceRouter.Scope scope = ServiceRouter.Scope.of(exchange);
      String region = scope.region();
      String action = params.get("Action");
      boolean mutating = action != null && mutating(action);
      String requestId = UUID.randomUUID().toString();
      try {
        if (action == null) {
          throw new AwsError(400, "MissingAction", "The request must contain the parameter Action.", Map.of());
        }
        actions.record(service, action);
        switch (faults.draw()) {
          case THROTTLING -> throw throttling();
          case SERVER_ERROR -> throw serverError();
          default -> {}
        }
        if (!operations.contains(action)) {
          throw new AwsError(
              400,
              "InvalidAction",
              "The action "
                  + action
                  + " is not valid for this web service (the sandbox's "
                  + service
                  + " answers "
                  + String.join(", ", operations)
                  + ").",
              Map.of());
        }
        Reply reply = dispatch(action, region, params, requestId);
        if (mutating) {
          record(action, region, reply.cluster(), params, 200, reply.effect(), reply.resourceId(), null);
        }
        write(exchange, 200, reply.body().toBytes());
        log.debug("{} {} {} -> 200", region, service, action);
      } catch (RuntimeException failure) {
        AwsError e;
        if (failure instanceof AwsError aws) {
          e = aws;
        } else {
          log.error("sandbox failed to answer {} {}", service, action, failure);
          e = serverError();
        }
        if (mutating) {
          record(action, region, null, params, e.status(), Effect.REJECTED, null, e.code());
        }
        write(exchange, e.status(), errorBody(e, requestId));
        log.debug("{} {} {} -> {} {}", region, service, action, e.status(), e.code());
      }
    }
  }

  private void record(
      String action,
      String region,
      String cluster,
      FormParams params,
      int status,
      Effect effect,
      String resourceId,
      String errorCode) {
    CallLog.Entry e =
        callLog.append(
            clock.instant(),
            service,
            action,
            region,
            cluster,
            params.get("ClientToken"),
            null,
            status,
            effect,
            resourceId,
            errorCode);
    log.info(
        "call #{} {} {} {} -> {} {} {}",
        e.sequence(),
        service,
        action,
        region,
        status,
        effect,
        resourceId != null ? resourceId : errorCode);
  }

  private static void write(HttpExchange exchange, int status, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
