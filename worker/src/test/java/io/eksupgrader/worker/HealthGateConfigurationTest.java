package io.eksupgrader.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.activities.health.HealthGateSettings;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthGateConfigurationTest {

  @Test
  void applicationYmlGivesHealthGatesTheirTimeoutsAndNoToken() {
    try (ApplicationContext context = ApplicationContext.run(Map.of("eks-upgrader.worker.enabled", "false"))) {
      HealthGateSettings settings = context.getBean(HealthGateConfiguration.class).toSettings();
      assertThat(settings).isEqualTo(new HealthGateSettings(Duration.ofSeconds(10), Duration.ofSeconds(5), null));
    }
  }

  @Test
  void theKeysUnderEksUpgraderHealthReachTheSettings() {
    try (ApplicationContext context =
        ApplicationContext.run(
            Map.of(
                "eks-upgrader.worker.enabled", "false",
                "eks-upgrader.health.request-timeout", "3s",
                "eks-upgrader.health.connect-timeout", "1s",
                "eks-upgrader.health.bearer-token-file", "/var/run/secrets/prometheus/token"))) {
      HealthGateSettings settings = context.getBean(HealthGateConfiguration.class).toSettings();
      assertThat(settings)
          .isEqualTo(
              new HealthGateSettings(
                  Duration.ofSeconds(3), Duration.ofSeconds(1), Path.of("/var/run/secrets/prometheus/token")));
    }
  }
}
