package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.AddonOptions;
import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.UpgradeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks an upgrade request's own shape, before any AWS call: the CLI runs it before starting a
 * workflow, and the workflow runs it again because the Temporal UI can start one too.
 */
public final class UpgradeRequestValidation {

  /** EKS cluster names: 1-100 characters, a letter or digit first, then letters, digits, - and _. */
  private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}");

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

  /** A component release as its charts name it: 1.6.3, v1.0.2. */
  private static final Pattern RELEASE = Pattern.compile("v?\\d+\\.\\d+\\.\\d+");

  private UpgradeRequestValidation() {}

  /** Returns what is wrong with the request, each with what to do; empty when it is fine. */
  public static List<String> problems(UpgradeRequest request) {
    List<String> problems = new ArrayList<>();
    if (request == null || request.cluster() == null) {
      problems.add("the request names no cluster: give --cluster and --region");
      return problems;
    }
    String name = request.cluster().name();
    if (name == null || !CLUSTER_NAME.matcher(name).matches()) {
      problems.add(
          "cluster name '"
              + name
              + "' is not a valid EKS cluster name: 1-100 letters, digits, '-' or '_', starting"
              + " with a letter or digit");
    }
    String region = request.cluster().region();
    if (region == null || !REGION.matcher(region).matches()) {
      problems.add("region '" + region + "' is not an AWS region name such as us-east-1");
    }
    if (!KubernetesVersion.isValid(request.targetVersion())) {
      problems.add(
          "target version '"
              + request.targetVersion()
              + "' is not an EKS Kubernetes version: use MAJOR.MINOR, e.g. 1.33");
    }
    if (request.options() != null && request.options().gateReminderMinutes() < 0) {
      problems.add("gateReminderMinutes must be 0 (default) or positive");
    }
    if (request.options() != null && request.options().nodeGroupConcurrency() < 0) {
      problems.add("nodeGroupConcurrency must be 0 (default: one at a time) or positive");
    }
    AddonOptions addons = request.options() == null ? null : request.options().addons();
    if (addons != null) {
      if (addons.resolveConflicts() != null
          && !List.of("PRESERVE", "OVERWRITE", "NONE").contains(addons.resolveConflicts())) {
        problems.add(
            "add-on resolveConflicts '" + addons.resolveConflicts() + "' is not one of PRESERVE (default), OVERWRITE, NONE");
      }
      addons.versions().forEach(
          (addon, version) -> {
            if (addon == null || addon.isBlank() || version == null || version.isBlank()) {
              problems.add("add-on versions need a name and a version, e.g. coredns=v1.12.1-eksbuild.2");
            }
          });
    }
    ComponentOptions components = request.options() == null ? null : request.options().components();
    if (components != null) {
      KarpenterOptions karpenter = components.karpenterOrDefaults();
      if (karpenter.version() != null && !RELEASE.matcher(karpenter.version()).matches()) {
        problems.add("Karpenter version '" + karpenter.version() + "' is not a release such as 1.6.3");
      }
      IstioOptions istio = components.istioOrDefaults();
      if (istio.version() != null && !RELEASE.matcher(istio.version()).matches()) {
        problems.add("Istio version '" + istio.version() + "' is not a release such as 1.28.3");
      }
      if (istio.restartBatch() < 0) {
        problems.add("Istio restartBatch must be 0 (default: 5) or positive");
      }
    }
    if (request.options() != null) {
      problems.addAll(HealthGates.problems(request.options().health()));
      problems.addAll(ApprovalRules.problems(request.options().approvals(), "approvals"));
    }
    DrainOptions drain = request.options() == null ? null : request.options().drain();
    if (drain != null) {
      if (drain.gracePeriodSeconds() < -1) {
        problems.add("drain grace-period must be -1 (each pod's own) or 0 and more seconds");
      }
      if (drain.timeoutSeconds() < 0) {
        problems.add("drain timeout must be 0 (default: 15 minutes) or positive");
      }
      if (drain.concurrency() < 0) {
        problems.add("drain concurrency must be 0 (default: one node at a time) or positive");
      }
    }
    return problems;
  }
}
