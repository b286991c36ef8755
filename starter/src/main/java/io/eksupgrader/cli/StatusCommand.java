package io.eksupgrader.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.upgrade.StatusMarkdown;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Shows an upgrade's plan, step states, open gate, refused approvals and last error. */
@Command(name = "status", description = "Show an upgrade's status.", mixinStandardHelpOptions = true)
public class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;
  @Mixin ClusterOptions cluster;

  @Option(names = "--watch", description = "Print the status again whenever it changes, until the upgrade ends.")
  boolean watch;

  @Option(names = "--json", description = "Print the status as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      if (watch) {
        return new UpgradeWatcher(connection, cluster.ref(), out, null, 1).watchStatus(json);
      }
      UpgradeStatus status = connection.status(cluster.ref());
      out.println(json ? toJson(status) : StatusMarkdown.render(status));
      return ExitCodes.OK;
    }
  }

  static String toJson(UpgradeStatus status) throws Exception {
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper();
    return mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status);
  }
}
