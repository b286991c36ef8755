package io.eksupgrader.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eks-upgrader} command line. */
@Command(
    name = "eks-upgrader",
    mixinStandardHelpOptions = true,
    version = "eks-upgrader 0.1.0",
    description = "Upgrades Amazon EKS clusters one Kubernetes minor at a time, as durable Temporal workflows.",
    subcommands = {
      PlanCommand.class,
      StartCommand.class,
      StatusCommand.class,
      ApproveCommand.class,
      RejectCommand.class,
      DecideCommand.class, CancelCommand.class,
      ListCommand.class,
      CallsCommand.class,
      DemoCommand.class,
      DevCommand.class,
      FleetCommand.class,
      BenchCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done; a followed upgrade SUCCEEDED",
      "1:the upgrade ended without success (rejected, aborted)",
      "2:bad input, refused before anything was sent",
      "3:refused (already running, pre-flight, approval or decision refused)",
      "4:no upgrade found for that cluster",
      "5:Temporal, a worker or the sandbox could not be reached",
      "6:plan: pre-flight found warnings (no blocker)",
      "7:plan: pre-flight found blockers; the upgrade would stop before any change"
    })
public class EksUpgraderCommand {

  public static void main(String[] args) {
    // The worker's jar (on the class path for demo and dev) brings its own logback.xml.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-cli.xml");
    }
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; tests call this instead of main. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new EksUpgraderCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean json = commandLine.getCommand() instanceof JsonOutput out && out.json();
          if (e instanceof CliFailure failure) {
            if (json) {
              commandLine.getOut().println(CliJson.error(failure.exitCode(), failure.getMessage(), failure.details()));
              commandLine.getOut().flush();
            }
            commandLine.getErr().println("eks-upgrader: " + failure.getMessage());
            return failure.exitCode();
          }
          if (json) {
            commandLine.getOut().println(CliJson.error(ExitCodes.UNREACHABLE, "unexpected error: " + e, null));
            commandLine.getOut().flush();
          }
          commandLine.getErr().println("eks-upgrader: unexpected error: " + e);
          e.printStackTrace(commandLine.getErr());
          return ExitCodes.UNREACHABLE;
        });
    CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler(
        (e, args) -> {
          // The command's fields may not be set when parsing failed, so the arguments decide.
          if (java.util.Arrays.asList(args).contains("--json")) {
            e.getCommandLine().getOut().println(CliJson.error(ExitCodes.BAD_INPUT, e.getMessage(), null));
            e.getCommandLine().getOut().flush();
            e.getCommandLine().getErr().println("eks-upgrader: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
          }
          return usage.handleParseException(e, args);
        });
    return cli;
  }
}
