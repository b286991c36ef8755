package io.eksupgrader.cli;

import io.eksupgrader.sandbox.Scenario;
import io.eksupgrader.workflows.model.ClusterRef;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the demo scenario or a user's, with errors that say what to fix. */
final class Scenarios {

  static final String DEMO = "scenarios/demo.yaml";

  private Scenarios() {}

  static Scenario load(Path file) {
    try {
      if (file == null) {
        return Scenario.fromResource(DEMO);
      }
      if (!Files.isReadable(file)) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "scenario file " + file + " does not exist or cannot be read");
      }
      return Scenario.load(file);
    } catch (CliFailure e) {
      throw e;
    } catch (Exception e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "invalid scenario: " + e.getMessage());
    }
  }

  static ClusterRef cluster(Scenario scenario, String name) {
    return scenario.clusters().stream()
        .filter(c -> name == null || c.name().equals(name))
        .findFirst()
        .map(c -> new ClusterRef(c.region(), c.name()))
        .orElseThrow(() -> new CliFailure(ExitCodes.BAD_INPUT,
            "scenario '" + scenario.name() + "' has no cluster " + (name == null ? "at all" : "named " + name)));
  }
}
