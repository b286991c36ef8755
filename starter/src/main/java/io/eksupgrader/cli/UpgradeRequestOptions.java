package io.eksupgrader.cli;

import io.eksupgrader.workflows.model.AddonOptions;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.HealthGateOptions;
import io.eksupgrader.workflows.model.NotificationOptions;
import io.eksupgrader.workflows.model.PhaseSelection;
import io.eksupgrader.workflows.model.BackupOptions;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.ComponentStrategy;
import io.eksupgrader.workflows.model.DrainOptions;
import io.eksupgrader.workflows.model.IstioOptions;
import io.eksupgrader.workflows.model.KarpenterOptions;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What an upgrade is asked to do, from an upgrade spec file and the flags that override it: the
 * options {@code start} and {@code plan} share.
 */
public class UpgradeRequestOptions {

  @Option(names = "--spec", description = "An upgrade spec file (YAML); every flag below overrides it.")
  Path specFile;

  @Option(names = "--cluster", description = "EKS cluster name (or 'cluster' in the spec).")
  String clusterName;

  @Option(names = "--region", description = "AWS region (or 'region' in the spec; default: env AWS_REGION).")
  String region;

  @Option(names = "--to", description = "Target Kubernetes version, e.g. 1.34 (or 'targetVersion' in the spec).")
  String targetVersion;

  @Option(
      names = "--auto-approve",
      negatable = true,
      description = "Open no approval gates (non-production clusters only).")
  Boolean autoApprove;

  @Option(
      names = "--gate-reminder-minutes",
      description = "Re-announce a gate or failed step after this many minutes of waiting (default 30).")
  Integer gateReminderMinutes;

  @Option(
      names = "--delete-emptydir-data",
      negatable = true,
      description = "Drain pods with emptyDir volumes (their data is lost), like kubectl drain's flag.")
  Boolean deleteEmptyDirData;

  @Option(
      names = "--drain-force",
      negatable = true,
      description = "Drain pods without a controller, like kubectl drain --force. Never bypasses a PodDisruptionBudget.")
  Boolean drainForce;

  @Option(names = "--grace-period", description = "Seconds each evicted pod gets to stop; -1 (default) uses the pod's own.")
  Integer gracePeriod;

  @Option(
      names = "--drain-timeout",
      description = "Per node: how long evictions refused by a PodDisruptionBudget are retried, e.g. 15m (default).")
  String drainTimeout;

  @Option(names = "--drain-concurrency", description = "Nodes of one node group drained at once (default 1).")
  Integer drainConcurrency;

  @Option(names = "--node-group-concurrency", description = "Node groups replaced at once (default 1).")
  Integer nodeGroupConcurrency;

  @Option(
      names = "--addon-resolve-conflicts",
      description = "What EKS does with add-on fields changed outside of it: PRESERVE (default), OVERWRITE or NONE.")
  String addonResolveConflicts;

  @Option(
      names = "--addon-version",
      description = "Pin an add-on's version for the target minor, e.g. coredns=v1.12.1-eksbuild.2; repeatable.")
  Map<String, String> addonVersions;

  @Option(
      names = "--karpenter-strategy",
      description = "How Karpenter moves: helm (default; the worker runs Helm), external (your GitOps; the upgrade verifies), skip.")
  String karpenterStrategy;

  @Option(names = "--karpenter-version", description = "Karpenter version to move to (default: the compatibility table's).")
  String karpenterVersion;

  @Option(
      names = "--karpenter-chart-source",
      description = "Where the karpenter-crd and karpenter charts come from: oci://…, https://… or a local directory.")
  String karpenterChartSource;

  @Option(
      names = "--istio-strategy",
      description = "How Istio moves: helm (default), external (your GitOps; the upgrade verifies), skip.")
  String istioStrategy;

  @Option(names = "--istio-version", description = "The last Istio version to move to, e.g. 1.28.3 (default: the table's).")
  String istioVersion;

  @Option(
      names = "--istio-chart-source",
      description = "Where the base, istiod and gateway charts come from: https://… (default: Istio's repository), oci://… or a directory.")
  String istioChartSource;

  @Option(
      names = "--velero-backup",
      negatable = true,
      description = "Back the cluster up with Velero before the first change, and wait until the backup is Completed.")
  Boolean veleroBackup;

  @Option(names = "--velero-namespace", description = "Velero's namespace (default velero).")
  String veleroNamespace;

  @Option(names = "--velero-ttl", description = "How long Velero keeps the backup, e.g. 720h0m0s (default: Velero's).")
  String veleroTtl;

  @Option(names = "--istio-restart-batch", description = "Workloads of a namespace restarted at once when moving to a revision (default 5).")
  Integer istioRestartBatch;

  @Option(
      names = "--four-eyes",
      negatable = true,
      description = "Whoever starts the upgrade may not approve its gates (or 'approvals.fourEyes' in the spec).")
  Boolean fourEyes;

  @Option(
      names = "--approver",
      description = "Who may approve a gate type, e.g. control-plane=alice,bob or '*=alice'; repeatable; replaces the spec's list for that type.")
  Map<String, String> approvers;

  @Option(
      names = "--prometheus-url",
      description = "Prometheus for the health gates, e.g. http://prometheus.monitoring:9090 (or 'healthGates.prometheus').")
  String prometheusUrl;

  @Option(names = "--health-interval", description = "How often the health gates are asked during waits and drains, e.g. 2m (default).")
  String healthInterval;

  @Option(names = "--notify-channel", description = "The worker's webhook to notify, by name (default: default).")
  String notifyChannel;

  @Option(names = "--notifications", negatable = true, description = "Send notifications (default: yes, when the worker has a webhook).")
  Boolean notificationsEnabled;

  @Option(names = "--addons", negatable = true, description = "Move the EKS add-ons with each minor (default yes; or 'phases.addons').")
  Boolean addonsPhase;

  @Option(
      names = "--data-plane",
      negatable = true,
      description = "Replace node groups, wait for Karpenter's drift, restart Fargate workloads (default yes; or 'phases.dataPlane').")
  Boolean dataPlanePhase;

  /** The request from the spec file, with every flag given overriding it. */
  UpgradeRequest request(String requestedBy) {
    return request(specFile == null ? UpgradeSpec.empty() : UpgradeSpec.load(specFile), requestedBy);
  }

  /** The request from a spec already parsed (a fleet's cluster entry), with the flags given overriding it. */
  UpgradeRequest request(UpgradeSpec file, String requestedBy) {
    String name = first(clusterName, file.cluster());
    String where = first(region, file.region(), System.getenv("AWS_REGION"), System.getenv("AWS_DEFAULT_REGION"));
    String target = first(targetVersion, file.targetVersion());
    List<String> missing = new java.util.ArrayList<>();
    if (name == null) {
      missing.add("--cluster (or 'cluster' in a --spec file)");
    }
    if (where == null) {
      missing.add("--region (or 'region' in a --spec file, or env AWS_REGION)");
    }
    if (target == null) {
      missing.add("--to (or 'targetVersion' in a --spec file)");
    }
    if (!missing.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "missing, nothing was started: " + String.join(", ", missing));
    }
    boolean auto = first(autoApprove, file.autoApprove(), false);
    int reminder = first(gateReminderMinutes, file.gateReminderMinutes(), 0);
    DrainOptions defaults = DrainOptions.defaults();
    UpgradeSpec.DrainSpec d = file.drain();
    DrainOptions drain =
        new DrainOptions(
            first(d.ignoreDaemonSets(), defaults.ignoreDaemonSets()),
            first(deleteEmptyDirData, d.deleteEmptyDirData(), defaults.deleteEmptyDirData()),
            first(drainForce, d.force(), defaults.force()),
            first(gracePeriod, d.gracePeriodSeconds(), defaults.gracePeriodSeconds()),
            first(drainTimeout == null ? null : UpgradeSpec.seconds(drainTimeout), d.timeoutSeconds(), defaults.timeoutSeconds()),
            first(drainConcurrency, d.concurrency(), defaults.concurrency()));
    int groups = first(nodeGroupConcurrency, file.nodeGroupConcurrency(), 1);
    Map<String, String> pinned = new java.util.LinkedHashMap<>(file.addons().versions());
    if (addonVersions != null) {
      pinned.putAll(addonVersions);
    }
    AddonOptions addons =
        new AddonOptions(
            first(addonResolveConflicts, file.addons().resolveConflicts(), AddonOptions.DEFAULT_RESOLVE_CONFLICTS), pinned);
    UpgradeSpec.ComponentSpec k = file.karpenter();
    UpgradeSpec.ComponentSpec i = file.istio();
    ComponentOptions components =
        new ComponentOptions(
            new KarpenterOptions(
                strategy(first(karpenterStrategy, k.strategy()), "--karpenter-strategy"),
                first(karpenterVersion, k.version()),
                first(karpenterChartSource, k.chartSource())),
            new IstioOptions(
                strategy(first(istioStrategy, i.strategy()), "--istio-strategy"),
                first(istioVersion, i.version()),
                first(istioChartSource, i.chartSource()),
                first(istioRestartBatch, i.restartBatch(), 0)));
    UpgradeSpec.BackupSpec b = file.backup();
    if (veleroTtl != null && !UpgradeSpec.isGoDuration(veleroTtl)) {
      throw new CliFailure(
          ExitCodes.BAD_INPUT, "--velero-ttl '" + veleroTtl + "' is not a Go duration such as 720h0m0s; nothing was started");
    }
    BackupOptions backup =
        new BackupOptions(
            first(veleroBackup, b.velero(), false),
            first(veleroNamespace, b.namespace()),
            b.storageLocation(),
            first(veleroTtl, b.ttl()));
    return new UpgradeRequest(
        new ClusterRef(where, name),
        target,
        new UpgradeOptions(
            auto, reminder, drain, groups, addons, components, false, backup, approvals(file), health(file),
            notifications(file), phases(file)),
        requestedBy);
  }

  private ApprovalPolicy approvals(UpgradeSpec file) {
    ApprovalPolicy spec = file.approvals() != null ? file.approvals() : ApprovalPolicy.none();
    if (fourEyes == null && approvers == null && file.approvals() == null) {
      return null;
    }
    Map<String, List<String>> lists = new java.util.LinkedHashMap<>(spec.approvers());
    if (approvers != null) {
      approvers.forEach(
          (type, names) ->
              lists.put(type, java.util.Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList()));
    }
    return new ApprovalPolicy(lists, first(fourEyes, spec.fourEyes()), spec.autoApprove(), List.of());
  }

  private PhaseSelection phases(UpgradeSpec file) {
    PhaseSelection spec = file.phases() != null ? file.phases() : PhaseSelection.all();
    if (file.phases() == null && addonsPhase == null && dataPlanePhase == null) {
      return null;
    }
    return new PhaseSelection(first(addonsPhase, spec.addons()), first(dataPlanePhase, spec.dataPlane()));
  }

  private HealthGateOptions health(UpgradeSpec file) {
    HealthGateOptions spec = file.healthGates() != null ? file.healthGates() : HealthGateOptions.none();
    int interval = spec.intervalSeconds();
    if (healthInterval != null) {
      Integer seconds = UpgradeSpec.seconds(healthInterval);
      if (seconds == null || seconds < 1) {
        throw new CliFailure(
            ExitCodes.BAD_INPUT, "--health-interval '" + healthInterval + "' is not a duration such as 30s, 2m or 1h; nothing was started");
      }
      interval = seconds;
    }
    String url = first(prometheusUrl, spec.prometheusUrl());
    if (url == null && file.healthGates() == null && healthInterval == null) {
      return null;
    }
    return new HealthGateOptions(url, interval, spec.thresholds(), spec.disabled(), spec.custom());
  }

  private NotificationOptions notifications(UpgradeSpec file) {
    NotificationOptions spec = file.notifications() != null ? file.notifications() : NotificationOptions.defaults();
    if (notifyChannel != null && !notifyChannel.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
      throw new CliFailure(
          ExitCodes.BAD_INPUT, "--notify-channel '" + notifyChannel + "' is not a webhook name such as payments-oncall; nothing was started");
    }
    boolean disabled = notificationsEnabled != null ? !notificationsEnabled : spec.disabled();
    return new NotificationOptions(disabled, first(notifyChannel, spec.channel()), spec.events());
  }

  private static ComponentStrategy strategy(String text, String flag) {
    if (text == null) {
      return null;
    }
    ComponentStrategy strategy = ComponentStrategy.parse(text);
    if (strategy == null) {
      throw new CliFailure(ExitCodes.BAD_INPUT, flag + " '" + text + "' is not one of helm, external, skip; nothing was started");
    }
    return strategy;
  }

  @SafeVarargs
  static <T> T first(T... values) {
    for (T value : values) {
      if (value != null && !(value instanceof String s && s.isBlank())) {
        return value;
      }
    }
    return null;
  }

}
