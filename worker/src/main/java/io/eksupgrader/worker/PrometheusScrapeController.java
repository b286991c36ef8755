package io.eksupgrader.worker;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /metrics}: every meter of the Prometheus registry in Prometheus' text format, the
 * Temporal SDK's and the project's included.
 *
 * <p>Micronaut serves the same text at {@code /prometheus} and its own JSON at {@code /metrics};
 * both of its endpoints are switched off in application.yml, so that this is the one path to
 * scrape and nothing else answers on it.
 */
@Controller
@Requires(beans = PrometheusMeterRegistry.class)
public class PrometheusScrapeController {

  static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  public PrometheusScrapeController(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Get(uri = "/metrics", produces = TEXT_FORMAT)
  public String scrape() {
    return registry.scrape();
  }
}
