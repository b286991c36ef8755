package io.eksupgrader.sandbox;

import io.eksupgrader.sandbox.Scenario.OfferedVersionSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The versions a scenario offers when it lists none: 1.28 to 1.34 with EKS's published release
 * and end-of-support dates. Statuses follow from those dates at the scenario's start, so a run
 * sees what EKS would show on that day.
 */
final class DefaultVersions {

  private record Row(String version, String release, String endStandard, String endExtended, String platform) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("1.28", "2023-09-26", "2024-11-26", "2025-11-26", "eks.47"),
          new Row("1.29", "2024-01-23", "2025-03-23", "2026-03-23", "eks.40"),
          new Row("1.30", "2024-05-23", "2025-07-23", "2026-07-23", "eks.33"),
          new Row("1.31", "2024-09-26", "2025-11-26", "2026-11-26", "eks.27"),
          new Row("1.32", "2025-01-23", "2026-03-23", "2027-03-23", "eks.19"),
          new Row("1.33", "2025-05-29", "2026-07-29", "2027-07-29", "eks.13"),
          new Row("1.34", "2025-10-02", "2026-12-02", "2027-12-02", "eks.6"));

  private static final String DEFAULT_VERSION = "1.33";

  private DefaultVersions() {}

  static List<OfferedVersionSpec> at(Instant now) {
    List<OfferedVersionSpec> result = new ArrayList<>();
    for (Row row : ROWS) {
      Instant endStandard = date(row.endStandard());
      Instant endExtended = date(row.endExtended());
      result.add(
          new OfferedVersionSpec(
              row.version(),
              statusAt(now, endStandard, endExtended),
              date(row.release()),
              endStandard,
              endExtended,
              row.platform(),
              row.version().equals(DEFAULT_VERSION)));
    }
    return result;
  }

  static String statusAt(Instant now, Instant endStandard, Instant endExtended) {
    if (endStandard == null || now.isBefore(endStandard)) {
      return "STANDARD_SUPPORT";
    }
    if (endExtended == null || now.isBefore(endExtended)) {
      return "EXTENDED_SUPPORT";
    }
    return "UNSUPPORTED";
  }

  private static Instant date(String text) {
    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
