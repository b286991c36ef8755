package io.eksupgrader.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends each request to the AWS service its SigV4 signature names: the credential scope {@code
 * Credential=AKID/20250101/us-east-1/<service>/aws4_request} carries the signing name (eks,
 * autoscaling, ec2, ssm, iam, kms), which is how one endpoint override can serve every client. A request
 * without a signature goes to EKS, which refuses it as AWS does; a service the sandbox does not
 * serve is answered with an error naming it, in the protocol the request used.
 */
final class ServiceRouter implements HttpHandler {

  private static final Pattern CREDENTIAL_SCOPE =
      Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([^/,\\s]+)/([^/,\\s]+)/aws4_request");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpHandler unsigned;
  private final Map<String, HttpHandler> services = new LinkedHashMap<>();

  ServiceRouter(
      EksHttpHandler eks, EksWorld world, SimulatedClock clock, CallLog callLog, AwsActionLog actions) {
    FaultInjector faults = eks.faults();
    this.unsigned = eks;
    services.put("eks", eks);
    services.put("autoscaling", new AutoScalingHttpHandler(world, clock, callLog, faults, actions));
    services.put("ec2", new Ec2HttpHandler(world, clock, callLog, faults, actions));
    services.put("ssm", new SsmHttpHandler(world, faults, actions));
    services.put("iam", new IamHttpHandler(world, clock, callLog, faults, actions));
    services.put("kms", new KmsHttpHandler(world, clock, faults, actions));
  }

  /** The region and the signing name of a request's credential scope; null when unsigned. */
  record Scope(String region, String service) {
    static Scope of(HttpExchange exchange) {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null) {
        return null;
      }
      Matcher m = CREDENTIAL_SCOPE.matcher(auth);
      return m.find() ? new Scope(m.group(1), m.group(2)) : null;
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Scope scope = Scope.of(exchange);
    if (scope == null) {
      unsigned.handle(exchange);
      return;
    }
    HttpHandler handler = services.get(scope.service());
    if (handler != null) {
      handler.handle(exchange);
      return;
    }
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String message =
          "The sandbox does not serve the AWS service '"
              + scope.service()
              + "' (it serves "
              + String.join(", ", services.keySet())
              + ")";
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      byte[] bytes;
      if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
        // Query-protocol clients (IAM, STS, Auto Scaling) read errors as XML.
        bytes =
            ("<ErrorResponse><Error><Type>Sender</Type><Code>UnknownService</Code><Message>"
                    + message
                    + "</Message></Error><RequestId>"
                    + UUID.randomUUID()
                    + "</RequestId></ErrorResponse>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
      } else {
        bytes =
            JSON.writeValueAsBytes(
                JSON.createObjectNode().put("__type", "UnknownService").put("message", message));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", "UnknownService");
      }
      exchange.sendResponseHeaders(400, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }
}
