package io.eksupgrader.activities.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code helm} binary the operator installed on the worker, for teams that pin their Helm build.
 * Same commands and flags as {@link EmbeddedHelm}; a chart repository source is passed with
 * {@code --repo}, so nothing is added to the user's repository list.
 */
public final class HelmBinary implements HelmRunner {

  private final Path binary;
  private final boolean openApiValidation;
  private final long timeoutSeconds;

  public HelmBinary(Path binary, boolean openApiValidation, long timeoutSeconds) {
    this.binary = binary;
    this.openApiValidation = openApiValidation;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The arguments of {@code helm upgrade} for an invocation, without the binary. */
  List<String> upgradeArguments(HelmInvocation invocation) {
    ChartReference chart = invocation.chart();
    List<String> args = new ArrayList<>(List.of("upgrade", invocation.release()));
    if (chart.local() != null) {
      args.add(chart.local().toString());
    } else {
      args.add(chart.remote());
      args.addAll(List.of("--version", chart.version()));
      if (chart.repository() != null) {
        args.addAll(List.of("--repo", chart.repository().toString()));
      }
    }
    args.addAll(List.of("--namespace", invocation.namespace(), "--kubeconfig", invocation.kubeconfig().toString()));
    if (invocation.install()) {
      args.add("--install");
    }
    if (invocation.valuesFile() != null) {
      args.addAll(List.of("--reset-values", "-f", invocation.valuesFile().toString()));
    } else {
      args.add("--reset-then-reuse-values");
    }
    for (Map.Entry<String, String> value : invocation.set().entrySet()) {
      args.addAll(List.of("--set", value.getKey() + "=" + value.getValue()));
    }
    if (!openApiValidation) {
      args.add("--disable-openapi-validation");
    }
    args.addAll(List.of("--description", invocation.description()));
    return args;
  }

  @Override
  public String upgrade(HelmInvocation invocation) {
    return run(upgradeArguments(invocation));
  }

  @Override
  public String uninstall(String release, String namespace, Path kubeconfig) {
    return run(List.of("uninstall", release, "--namespace", namespace, "--kubeconfig", kubeconfig.toString()));
  }

  private String run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    Path log = null;
    try {
      // Into a file: a pipe that nobody reads while Helm runs could fill and stall it.
      log = java.nio.file.Files.createTempFile("helm-", ".log");
      Process process =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      String output = java.nio.file.Files.readString(log, StandardCharsets.UTF_8).trim();
      if (!ended) {
        process.destroyForcibly();
        throw new HelmException("helm " + args.get(0) + " did not end within " + timeoutSeconds + " s: context deadline exceeded", null);
      }
      if (process.exitValue() != 0) {
        throw new HelmException(output.isEmpty() ? "helm exited with " + process.exitValue() : output, null);
      }
      return output;
    } catch (IOException e) {
      throw new HelmException("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HelmException("interrupted while helm ran", e);
    } finally {
      if (log != null) {
        try {
          java.nio.file.Files.deleteIfExists(log);
        } catch (IOException e) {
          // A leftover log in the temp folder is harmless.
        }
      }
    }
  }

  @Override
  public String describe() {
    return "helm binary " + binary + (openApiValidation ? "" : ", OpenAPI validation off");
  }
}
