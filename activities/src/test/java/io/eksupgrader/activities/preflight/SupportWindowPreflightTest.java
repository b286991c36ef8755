package io.eksupgrader.activities.preflight;

import static io.eksupgrader.activities.preflight.PreflightHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The support window read from the sandbox's DescribeClusterVersions, on the sandbox's clock: the
 * scenario's startTime and offeredVersions make every date and day count fixed.
 */
class SupportWindowPreflightTest {

  private PreflightHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private void start(String clusterVersion, String offeredVersions) {
    harness =
        new PreflightHarness(
            """
            name: support-window
            startTime: 2026-11-23T08:00:00Z
            clusters:
              - {name: shop, region: us-east-1, version: "%s"}
            offeredVersions:
            """
                .formatted(clusterVersion)
                + offeredVersions.indent(2));
  }

  @Test
  void aCurrentVersionOnExtendedSupportWarnsWithWhatStayingCosts() {
    start(
        "1.31",
        """
        - {version: "1.31", status: EXTENDED_SUPPORT, endOfStandardSupport: 2025-11-26, endOfExtendedSupport: 2026-11-26}
        - {version: "1.32", status: STANDARD_SUPPORT, endOfStandardSupport: 2027-03-23, endOfExtendedSupport: 2028-03-23}
        """);

    List<PreflightFinding> findings = harness.preflight.checkSupportWindow(request("1.31", "1.32", List.of("1.32")));

    assertThat(findings).hasSize(2).allMatch(f -> f.check().equals(PreflightActivities.SUPPORT_WINDOW));
    PreflightFinding current = findings.get(0);
    assertThat(current.severity()).isEqualTo(Severity.WARNING);
    assertThat(current.subject()).isEqualTo("Kubernetes 1.31 (current)");
    assertThat(current.minor()).isNull();
    assertThat(current.summary())
        .isEqualTo("1.31 is on extended support until 2026-11-26: staying costs $365.00 a month more than standard support");
    assertThat(current.evidence())
        .contains(
            "DescribeClusterVersions 1.31: versionStatus EXTENDED_SUPPORT",
            "endOfExtendedSupportDate 2026-11-26",
            "today 2026-11-23",
            "EKS charges $0.60 per cluster-hour on extended support against $0.10 on standard: $365.00 more per cluster a"
                + " month (730 hours; https://aws.amazon.com/eks/pricing/)");
    PreflightFinding target = findings.get(1);
    assertThat(target.severity()).isEqualTo(Severity.INFO);
    assertThat(target.subject()).isEqualTo("Kubernetes 1.32 (target)");
    assertThat(target.minor()).isEqualTo("1.32");
    assertThat(target.summary()).isEqualTo("1.32 is on standard support until 2027-03-23, then extended support until 2028-03-23");
  }

  @Test
  void standardSupportEndingWithinNinetyDaysWarnsAndNamesTheUpgradePolicy() {
    start(
        "1.33",
        """
        - {version: "1.33", status: STANDARD_SUPPORT, endOfStandardSupport: 2027-01-15, endOfExtendedSupport: 2028-01-15}
        - {version: "1.34", status: STANDARD_SUPPORT, endOfStandardSupport: 2027-12-02, endOfExtendedSupport: 2028-12-02}
        """);

    List<PreflightFinding> findings = harness.preflight.checkSupportWindow(request("1.33", "1.34", List.of("1.34")));

    PreflightFinding current = findings.get(0);
    assertThat(current.severity()).isEqualTo(Severity.WARNING);
    assertThat(current.summary())
        .isEqualTo("standard support of 1.33 ends on 2027-01-15, in 52 day(s): from then on the cluster costs $365.00 a month"
            + " more on extended support");
    assertThat(current.remedy())
        .contains("finish this upgrade before 2027-01-15")
        .contains("aws eks update-cluster-config --name shop --region us-east-1 --upgrade-policy supportType=STANDARD");
  }

  @Test
  void versionsFarFromTheirEndOfSupportAreOnlyTold() {
    start(
        "1.33",
        """
        - {version: "1.33", status: STANDARD_SUPPORT, endOfStandardSupport: 2027-07-29, endOfExtendedSupport: 2028-07-29}
        - {version: "1.34", status: STANDARD_SUPPORT, endOfStandardSupport: 2027-12-02, endOfExtendedSupport: 2028-12-02}
        """);

    List<PreflightFinding> findings = harness.preflight.checkSupportWindow(request("1.33", "1.34", List.of("1.34")));

    assertThat(findings).extracting(PreflightFinding::severity).containsOnly(Severity.INFO);
    assertThat(findings).extracting(PreflightFinding::summary)
        .containsExactly(
            "1.33 is on standard support until 2027-07-29",
            "1.34 is on standard support until 2027-12-02, then extended support until 2028-12-02");
  }

  @Test
  void aTargetWhoseStandardSupportHasEndedWarnsEvenWhenItsStatusLags() {
    start(
        "1.33",
        """
        - {version: "1.33", status: STANDARD_SUPPORT, endOfStandardSupport: 2027-07-29, endOfExtendedSupport: 2028-07-29}
        - {version: "1.34", status: STANDARD_SUPPORT, endOfStandardSupport: 2026-11-20, endOfExtendedSupport: 2027-11-20}
        """);

    List<PreflightFinding> findings = harness.preflight.checkSupportWindow(request("1.33", "1.34", List.of("1.34")));

    PreflightFinding target = findings.get(1);
    assertThat(target.subject()).isEqualTo("Kubernetes 1.34 (target)");
    assertThat(target.severity()).isEqualTo(Severity.WARNING);
    assertThat(target.summary())
        .isEqualTo("standard support of the target 1.34 ended on 2026-11-20: the upgraded cluster costs $365.00 a month more"
            + " on extended support from then on");
    assertThat(target.remedy()).contains("aws eks describe-cluster-versions --region us-east-1");
  }
}
