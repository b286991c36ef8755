package io.eksupgrader.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The worker's own logback.xml, loaded into a logger context of the test's, with the switch set as
 * a system property (the environment variable takes the same path through {@link LogFormat}).
 */
class LogFormatTest {

  private final PrintStream console = System.out;
  private LoggerContext context;

  @AfterEach
  void restore() {
    System.setOut(console);
    System.clearProperty(LogFormat.PROPERTY);
    if (context != null) {
      context.stop();
    }
  }

  @Test
  void jsonGivesOneJsonObjectPerLineStackTracesAndLineBreaksIncluded() throws Exception {
    System.setProperty(LogFormat.PROPERTY, "json");

    List<String> lines = logThreeEvents();

    assertThat(lines).hasSize(3);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      JsonNode event = json.readTree(line);
      assertThat(event.isObject()).as(line).isTrue();
      events.add(event);
    }
    assertThat(events.get(0).get("level").asText()).isEqualTo("INFO");
    assertThat(events.get(0).get("loggerName").asText()).isEqualTo("io.eksupgrader.test.Drain");
    assertThat(events.get(0).get("formattedMessage").asText()).isEqualTo("drained node-1: 3 evicted");
    assertThat(events.get(0).get("mdc").get("cluster").asText()).isEqualTo("us-east-1/shop");
    assertThat(events.get(0).has("timestamp")).isTrue();
    assertThat(events.get(1).get("formattedMessage").asText()).isEqualTo("first line\nsecond line");
    assertThat(events.get(2).get("level").asText()).isEqualTo("ERROR");
    assertThat(events.get(2).get("throwable").get("className").asText()).isEqualTo(IllegalStateException.class.getName());
    assertThat(events.get(2).get("throwable").get("message").asText()).isEqualTo("boom");
    assertThat(events.get(2).get("throwable").get("stepArray")).isNotEmpty();
    assertThat(warningsAndErrors()).isEmpty();
  }

  @Test
  void textIsTheDefault() throws Exception {
    List<String> lines = logThreeEvents();

    assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[main] i\\.eksupgrader\\.test\\.Drain - drained node-1: 3 evicted");
    assertThat(lines).as("the message's line break and the stack trace make more lines").hasSizeGreaterThan(4);
    assertThat(lines).noneMatch(l -> l.startsWith("{"));
    assertThat(warningsAndErrors()).as("logback prints its whole status at start when there are any").isEmpty();
  }

  @Test
  void anUnknownFormatLogsTextAndSaysWhy() throws Exception {
    System.setProperty(LogFormat.PROPERTY, "yaml");

    List<String> lines = logThreeEvents();

    assertThat(lines.get(0)).endsWith(" - drained node-1: 3 evicted").doesNotStartWith("{");
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .filteredOn(s -> s.getLevel() == Status.WARN)
        .extracting(Status::getMessage)
        .anyMatch(m -> m.contains("eks-upgrader.log-format=yaml is neither json nor text"));
  }

  @Test
  void theSwitchIgnoresCaseAndBlanks() {
    assertThat(LogFormat.formatFor(" JSON ")).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.formatFor("Text")).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.formatFor("")).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.formatFor(null)).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.formatFor("logfmt")).isNull();
  }

  private List<String> warningsAndErrors() {
    return context.getStatusManager().getCopyOfStatusList().stream()
        .filter(s -> s.getLevel() >= Status.WARN)
        .map(Status::getMessage)
        .toList();
  }

  /** Configures a fresh context from the worker's logback.xml and logs three events to a captured console. */
  private List<String> logThreeEvents() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormat.class.getResource("/logback.xml"));

    Logger log = context.getLogger("io.eksupgrader.test.Drain");
    MDC.put("cluster", "us-east-1/shop");
    try {
      log.info("drained {}: {} evicted", "node-1", 3);
    } finally {
      MDC.remove("cluster");
    }
    log.warn("first line\nsecond line");
    log.error("drain failed", new IllegalStateException("boom"));
    System.out.flush();
    System.setOut(console);
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
