package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.planning.PreflightFindings;
import io.eksupgrader.workflows.planning.UpgradeRequestValidation;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The plan of an upgrade without the upgrade, like eksctl's plan-then-approve: the same pre-flight
 * checks and planner the upgrade runs, as a dry run on the worker (recorded like any upgrade, under
 * {@code eks-plan/<region>/<cluster>/<time>}), which makes no change. Exit codes as Pluto's: 0 when
 * clean, distinct ones for warnings and for blockers.
 */
@Command(
    name = "plan",
    description = "Run pre-flight and print the upgrade plan without changing anything.",
    mixinStandardHelpOptions = true)
public class PlanCommand implements Callable<Integer>, JsonOutput {

  private static final DateTimeFormatter RUN = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;
  @Mixin UpgradeRequestOptions upgrade;

  @Option(names = "--format", defaultValue = "text", description = "text (default), markdown or json.")
  String format;

  @Option(names = "--json", description = "The same as --format json, like every other command's --json.")
  boolean json;

  @Override
  public boolean json() {
    return json || "json".equals(format);
  }

  @Option(names = "--timeout", defaultValue = "10m", description = "How long to wait for pre-flight (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      format = "json";
    }
    if (!List.of("text", "markdown", "json").contains(format)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--format '" + format + "' is not one of text, markdown, json");
    }
    Integer seconds = UpgradeSpec.seconds(timeout);
    if (seconds == null || seconds < 1) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--timeout '" + timeout + "' is not a duration such as 600s, 10m or 1h");
    }
    UpgradeRequest asked = upgrade.request(temporal.identity);
    UpgradeRequest request =
        new UpgradeRequest(asked.cluster(), asked.targetVersion(), asked.optionsOrDefaults().asDryRun(), asked.requestedBy());
    List<String> problems = UpgradeRequestValidation.problems(request);
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "invalid request, nothing was started:\n  - " + String.join("\n  - ", problems));
    }
    String id = "eks-plan/" + request.cluster().region() + "/" + request.cluster().name() + "/" + RUN.format(Instant.now());
    UpgradeResult result;
    try (TemporalConnection connection = temporal.connect()) {
      ClusterUpgradeWorkflow workflow =
          connection.client.newWorkflowStub(
              ClusterUpgradeWorkflow.class,
              StartSummary.workflowOptions(connection, id, request));
      try {
        WorkflowClient.start(workflow::upgrade, request);
        result =
            connection.client.newUntypedWorkflowStub(id).getResult(seconds, TimeUnit.SECONDS, UpgradeResult.class);
      } catch (WorkflowFailedException e) {
        throw new CliFailure(ExitCodes.REFUSED, "pre-flight refused the upgrade; nothing was changed: " + refusal(e));
      } catch (TimeoutException e) {
        throw new CliFailure(
            ExitCodes.UNREACHABLE,
            "no plan after " + timeout + " (dry run " + id + "): is a worker polling task queue " + connection.options.taskQueue + "?");
      } catch (WorkflowServiceException e) {
        throw connection.unreachable(e);
      }
    }
    UpgradeStatus status = result.status();
    out.println(
        switch (format) {
          case "json" -> json(status);
          case "markdown" -> markdown(id, status);
          default -> text(id, status);
        });
    out.flush();
    return exitCode(status.findings());
  }

  /** 0 clean, {@link ExitCodes#PLAN_WARNINGS} with warnings, {@link ExitCodes#PLAN_BLOCKERS} with blockers. */
  static int exitCode(List<PreflightFinding> findings) {
    if (!PreflightFindings.blockers(findings).isEmpty()) {
      return ExitCodes.PLAN_BLOCKERS;
    }
    return PreflightFindings.warnings(findings).isEmpty() ? ExitCodes.OK : ExitCodes.PLAN_WARNINGS;
  }

  private static String refusal(WorkflowFailedException e) {
    Throwable cause = e.getCause();
    while (cause != null && !(cause instanceof ApplicationFailure)) {
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure app && ClusterUpgradeWorkflowImpl.UPGRADE_REFUSED.equals(app.getType())) {
      return app.getOriginalMessage();
    }
    return e.getMessage();
  }

  static String text(String id, UpgradeStatus status) {
    StringBuilder text = new StringBuilder();
    text.append("Plan for ")
        .append(status.cluster())
        .append(": ")
        .append(status.plan().currentVersion())
        .append(" → ")
        .append(status.plan().targetVersion())
        .append(" (dry run ")
        .append(id)
        .append("; nothing was changed)\n");
    int n = 1;
    for (PlanStep step : status.plan().steps()) {
      text.append(String.format("  %2d. %-24s %s%s%n", n++, step.id(), step.title(), step.gate() != null ? "  [gate " + step.gate() + "]" : ""));
    }
    text.append("\nPre-flight: ").append(PreflightFindings.count(status.findings())).append('\n');
    for (PreflightFinding f : status.findings()) {
      text.append(String.format("  %-7s %-22s %s%s%s%n",
          f.severity(),
          f.check(),
          f.subject() == null ? "" : f.subject() + ": ",
          f.summary(),
          f.minor() == null ? "" : " [" + f.minor() + "]"));
      for (String line : f.evidence()) {
        text.append("          ").append(line).append('\n');
      }
      if (f.remedy() != null && f.severity() != Severity.INFO) {
        text.append("          → ").append(f.remedy()).append('\n');
      }
    }
    return text.toString().stripTrailing();
  }

  static String markdown(String id, UpgradeStatus status) {
    StringBuilder md = new StringBuilder();
    md.append("## Plan for ")
        .append(status.cluster())
        .append(": ")
        .append(status.plan().currentVersion())
        .append(" → ")
        .append(status.plan().targetVersion())
        .append("\n\nDry run `")
        .append(id)
        .append("`; nothing was changed.\n\n| # | step | what it does | gate |\n|---|---|---|---|\n");
    int n = 1;
    for (PlanStep step : status.plan().steps()) {
      md.append("| ").append(n++).append(" | `").append(step.id()).append("` | ").append(cell(step.title())).append(" | ")
          .append(step.gate() == null ? "" : "`" + step.gate() + "`").append(" |\n");
    }
    md.append("\n### Pre-flight: ").append(PreflightFindings.count(status.findings()))
        .append("\n\n| severity | check | subject | finding | minor | what to do |\n|---|---|---|---|---|---|\n");
    for (PreflightFinding f : status.findings()) {
      md.append("| ").append(f.severity()).append(" | `").append(f.check()).append("` | ")
          .append(f.subject() == null ? "" : cell(f.subject())).append(" | ").append(cell(f.summary()))
          .append(f.evidence().isEmpty() ? "" : "<br>" + cell(String.join("<br>", f.evidence()))).append(" | ")
          .append(f.minor() == null ? "" : f.minor()).append(" | ")
          .append(f.remedy() == null ? "" : cell(f.remedy())).append(" |\n");
    }
    return md.toString().stripTrailing();
  }

  /** A table cell: a pipe in the text would end it. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  static String json(UpgradeStatus status) throws Exception {
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper();
    return mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status);
  }
}
