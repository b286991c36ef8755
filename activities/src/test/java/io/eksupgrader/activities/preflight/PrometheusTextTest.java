package io.eksupgrader.activities.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.activities.preflight.PrometheusText.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API server's /metrics text, read for one metric. */
class PrometheusTextTest {

  private static final String METRICS =
      """
      # HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.
      # TYPE apiserver_requested_deprecated_apis gauge
      apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="",version="v1beta3"} 1
      apiserver_requested_deprecated_apis{group="",removed_release="",resource="componentstatuses",subresource="",version="v1"} 1
      apiserver_requested_deprecated_apis_total{group="batch",version="v1beta1"} 7
      apiserver_request_total{code="200",verb="GET"} 1234
      apiserver_requested_deprecated_apis{group="odd",resource="say \\"hi\\", then \\\\ go",version="v1"} 2 1700000000000
      apiserver_requested_deprecated_apis{group="broken",version="v1
      """;

  @Test
  void readsEverySampleOfTheMetricWithItsLabelsAndValue() {
    List<Sample> samples = PrometheusText.samples(METRICS, "apiserver_requested_deprecated_apis");

    assertThat(samples).hasSize(3);
    assertThat(samples.get(0).labels())
        .isEqualTo(
            Map.of(
                "group", "flowcontrol.apiserver.k8s.io",
                "removed_release", "1.32",
                "resource", "flowschemas",
                "subresource", "",
                "version", "v1beta3"));
    assertThat(samples.get(0).value()).isEqualTo(1.0);
    assertThat(samples.get(1).label("group")).as("the core group").isEmpty();
    assertThat(samples.get(1).label("removed_release")).isEmpty();
  }

  @Test
  void escapedQuotesAndBackslashesAndATimestampAreUnderstood() {
    Sample odd = PrometheusText.samples(METRICS, "apiserver_requested_deprecated_apis").get(2);
    assertThat(odd.label("resource")).isEqualTo("say \"hi\", then \\ go");
    assertThat(odd.value()).isEqualTo(2.0);
  }

  @Test
  void otherMetricsCommentsAndBrokenLinesAreLeftOut() {
    assertThat(PrometheusText.samples(METRICS, "apiserver_request_total")).singleElement().extracting(Sample::value).isEqualTo(1234.0);
    assertThat(PrometheusText.samples("", "apiserver_requested_deprecated_apis")).isEmpty();
    assertThat(PrometheusText.samples(null, "apiserver_requested_deprecated_apis")).isEmpty();
    assertThat(PrometheusText.samples("apiserver_requested_deprecated_apis{group=\"x\"} not-a-number", "apiserver_requested_deprecated_apis"))
        .isEmpty();
  }
}
