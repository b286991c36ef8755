package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.BackupActivities;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pre-flight's checks and Velero behind the activity interfaces, for workflow-logic tests only.
 * Without findings added every check passes. Findings are kept per check and per minor, so that a
 * test can clear one (the operator fixed it) or make one appear before a later minor. Every call
 * is recorded.
 */
class FakeChecks implements PreflightActivities, BackupActivities {

  private final List<String> calls = new ArrayList<>();
  private final Map<String, List<PreflightFinding>> findings = new HashMap<>();
  private final Map<String, Integer> failuresLeft = new HashMap<>();

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** A finding the named check ({@code insights}, {@code deprecated}, …) reports from now on. */
  synchronized void add(String check, Severity severity, String subject, String minor, String summary) {
    findings.computeIfAbsent(check, k -> new ArrayList<>())
        .add(new PreflightFinding(check, severity, subject, minor, summary, List.of("seen in a test"), "fix " + subject));
  }

  /** A finding with its own check id that a check activity (keyed as in {@link #add}) reports. */
  synchronized void add(String activity, String check, Severity severity, String subject, String minor, String summary) {
    findings.computeIfAbsent(activity, k -> new ArrayList<>())
        .add(new PreflightFinding(check, severity, subject, minor, summary, List.of("seen in a test"), "fix " + subject));
  }

  synchronized void clear(String check) {
    findings.remove(check);
  }

  /** The next {@code times} calls of the check fail like an API that cannot be read. */
  synchronized void fail(String check, int times) {
    failuresLeft.put(check, times);
  }

  private synchronized List<PreflightFinding> answer(String check, PreflightRequest request) {
    calls.add(check + " " + request.minors());
    int left = failuresLeft.getOrDefault(check, 0);
    if (left > 0) {
      failuresLeft.put(check, left - 1);
      throw ApplicationFailure.newNonRetryableFailure("AccessDeniedException: not authorized", "AccessDenied");
    }
    return findings.getOrDefault(check, List.of()).stream()
        .filter(f -> f.minor() == null || request.minors().contains(f.minor()))
        .toList();
  }

  @Override
  public List<PreflightFinding> checkUpgradeInsights(PreflightRequest request) {
    return answer(INSIGHTS, request);
  }

  @Override
  public List<PreflightFinding> checkDeprecatedApis(PreflightRequest request) {
    return answer(DEPRECATED_API, request);
  }

  @Override
  public List<PreflightFinding> checkClusterResources(PreflightRequest request) {
    return answer(SUBNET_FREE_IPS, request);
  }

  @Override
  public List<PreflightFinding> checkAddons(PreflightRequest request) {
    return answer(ADDON_COMPATIBILITY, request);
  }

  @Override
  public List<PreflightFinding> checkWorkloads(PreflightRequest request) {
    return answer(PDB_NEVER_ALLOWS, request);
  }

  @Override
  public List<PreflightFinding> checkSupportWindow(PreflightRequest request) {
    return answer(SUPPORT_WINDOW, request);
  }

  @Override
  public synchronized BackupStatus createBackup(BackupRequest request) {
    calls.add("CreateVeleroBackup " + request.namespace() + "/" + request.name());
    return new BackupStatus(request.name(), "New", 0, true);
  }

  @Override
  public synchronized BackupStatus awaitBackup(BackupRequest request) {
    calls.add("AwaitVeleroBackup " + request.name());
    return new BackupStatus(request.name(), "Completed", 42, false);
  }
}
