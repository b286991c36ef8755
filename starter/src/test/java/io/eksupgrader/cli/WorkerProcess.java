package io.eksupgrader.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real worker in a JVM of its own, started from this test's class path, so it can be SIGKILLed. */
final class WorkerProcess implements AutoCloseable {

  private final Process process;
  final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static WorkerProcess start(Map<String, Object> properties, Path log) throws IOException {
    return start(properties, log, "-Xmx256m");
  }

  /** The worker with a heap limit of its own, e.g. the fleet benchmark's -Xmx512m. */
  static WorkerProcess start(Map<String, Object> properties, Path log, String maxHeap) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add(maxHeap);
    // The worker logs as this JVM does unless told otherwise (see the starter's surefire settings).
    String logConfig = System.getProperty("logback.configurationFile");
    if (logConfig != null && !properties.containsKey("logback.configurationFile")) {
      command.add("-Dlogback.configurationFile=" + logConfig);
    }
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(classPath);
    command.add("io.eksupgrader.worker.WorkerApplication");
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new WorkerProcess(process, log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL on Linux: no shutdown hook, no graceful worker shutdown, activities cut mid-flight. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /**
   * SIGTERM and wait for the JVM to exit: Micronaut's shutdown hook closes the Temporal worker
   * factory, as a rolling deployment or a scale-to-zero would.
   */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("the worker did not stop within 60 s after SIGTERM; its log: " + log);
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

}
