package io.eksupgrader.workflows.model;

import java.util.List;

/**
 * One thing a pre-flight check found.
 *
 * @param check the check's stable id, e.g. {@code deprecated-api}; see {@link
 *     io.eksupgrader.workflows.activities.PreflightActivities}
 * @param subject what it is about, e.g. {@code shop/web (Deployment)}, a subnet, an insight
 * @param minor the Kubernetes minor of the path it concerns (e.g. 1.33), or null for all
 * @param summary one line: what is wrong
 * @param evidence what was seen, each a short line (object, field, value, source)
 * @param remedy what to do about it
 */
public record PreflightFinding(
    String check,
    Severity severity,
    String subject,
    String minor,
    String summary,
    List<String> evidence,
    String remedy) {

  public PreflightFinding {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }
}
