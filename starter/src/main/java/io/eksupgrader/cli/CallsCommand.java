package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the sandbox's log of mutating calls, to see that nothing ran twice. */
@Command(
    name = "calls",
    description = "Print the sandbox's log of mutating AWS calls (dev mode prints the sandbox URL).",
    mixinStandardHelpOptions = true)
public class CallsCommand implements Callable<Integer>, JsonOutput {

  @Spec CommandSpec spec;

  @Option(
      names = "--sandbox",
      defaultValue = "${EKS_UPGRADER_SANDBOX:-http://127.0.0.1:4566}",
      description = "The sandbox's URL (env EKS_UPGRADER_SANDBOX; default ${DEFAULT-VALUE}).")
  URI sandbox;

  @Option(names = "--json", description = "Print the log as the sandbox serves it (one JSON document).")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  /** "2026-11-24T00:45:46.385833186Z" → "2026-11-24T00:45:46Z"; anything else as it is. */
  static String seconds(String instant) {
    try {
      return java.time.Instant.parse(instant).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    } catch (java.time.format.DateTimeParseException e) {
      return instant;
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String body;
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
              .send(
                  HttpRequest.newBuilder(sandbox.resolve("/_sandbox/calls")).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new CliFailure(ExitCodes.UNREACHABLE, sandbox + " answered " + response.statusCode() + ": is it the sandbox?");
      }
      body = response.body();
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "cannot reach the sandbox at " + sandbox + ": " + e.getMessage());
    }
    if (json) {
      out.println(body);
      return ExitCodes.OK;
    }
    try {
      JsonNode root = new ObjectMapper().readTree(body);
      JsonNode entries = root.isArray() ? root : root.path("calls");
      out.printf("%-4s %-24s %-20s %-24s %-8s %-6s %s%n", "#", "SIMULATED TIME", "OPERATION", "CLUSTER", "VERSION", "HTTP", "EFFECT");
      for (JsonNode e : entries) {
        out.printf(
            "%-4s %-24s %-20s %-24s %-8s %-6s %s%n",
            e.path("sequence").asText(),
            seconds(e.path("simulatedTime").asText()),
            e.path("operation").asText(),
            e.path("region").asText() + "/" + e.path("cluster").asText(),
            e.path("version").asText(),
            e.path("status").asText(),
            e.path("effect").asText() + (e.path("errorCode").isTextual() ? " " + e.path("errorCode").asText() : ""));
      }
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "the sandbox's call log is not JSON: " + e.getMessage());
    }
    return ExitCodes.OK;
  }
}
