package io.eksupgrader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.UpgradeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class UpgradeSpecTest {

  @TempDir Path dir;

  @Test
  void aSpecFileGivesTheRequestAndFlagsOverrideIt() throws Exception {
    Path spec = dir.resolve("prod-1.yaml");
    Files.writeString(
        spec,
        """
        cluster: prod-1
        region: eu-west-1
        targetVersion: "1.34"
        autoApprove: true
        gateReminderMinutes: 45
        """);

    UpgradeRequest fromFile = request("--spec", spec.toString(), "--identity", "alice");
    assertThat(fromFile.cluster()).isEqualTo(new ClusterRef("eu-west-1", "prod-1"));
    assertThat(fromFile.targetVersion()).isEqualTo("1.34");
    assertThat(fromFile.options().autoApprove()).isTrue();
    assertThat(fromFile.options().gateReminderMinutes()).isEqualTo(45);
    assertThat(fromFile.requestedBy()).isEqualTo("alice");

    UpgradeRequest overridden =
        request("--spec", spec.toString(), "--to", "1.33", "--no-auto-approve", "--region", "us-west-2");
    assertThat(overridden.cluster()).isEqualTo(new ClusterRef("us-west-2", "prod-1"));
    assertThat(overridden.targetVersion()).isEqualTo("1.33");
    assertThat(overridden.options().autoApprove()).isFalse();
    assertThat(overridden.options().gateReminderMinutes()).isEqualTo(45);
  }

  @Test
  void drainOptionsUseKubectlFlagNamesAndFlagsOverrideThem() throws Exception {
    Path spec = dir.resolve("prod-2.yaml");
    Files.writeString(
        spec,
        """
        cluster: prod-2
        region: eu-west-1
        targetVersion: "1.34"
        nodeGroupConcurrency: 2
        drain:
          delete-emptydir-data: true
          force: true
          grace-period: 30
          timeout: 20m
          concurrency: 3
        """);

    UpgradeRequest fromFile = request("--spec", spec.toString());
    assertThat(fromFile.options().nodeGroupConcurrency()).isEqualTo(2);
    assertThat(fromFile.options().drain())
        .isEqualTo(new io.eksupgrader.workflows.model.DrainOptions(true, true, true, 30, 1200, 3));

    UpgradeRequest overridden =
        request("--spec", spec.toString(), "--no-drain-force", "--drain-timeout", "90s", "--drain-concurrency", "1");
    assertThat(overridden.options().drain())
        .isEqualTo(new io.eksupgrader.workflows.model.DrainOptions(true, true, false, 30, 90, 1));

    UpgradeRequest defaults = request("--cluster", "a", "--region", "us-east-1", "--to", "1.34");
    assertThat(defaults.options().drain())
        .as("kubectl's defaults: emptyDir and unmanaged pods block the drain until allowed")
        .isEqualTo(io.eksupgrader.workflows.model.DrainOptions.defaults());
  }

  @Test
  void addonOptionsComeFromTheSpecAndFlagsOverrideThem() throws Exception {
    Path spec = dir.resolve("prod-3.yaml");
    Files.writeString(
        spec,
        """
        cluster: prod-3
        region: eu-west-1
        targetVersion: "1.34"
        addons:
          resolveConflicts: OVERWRITE
          versions:
            coredns: v1.12.1-eksbuild.2
            vpc-cni: v1.20.1-eksbuild.1
        """);

    UpgradeRequest fromFile = request("--spec", spec.toString());
    assertThat(fromFile.options().addonsOrDefaults().resolveConflicts()).isEqualTo("OVERWRITE");
    assertThat(fromFile.options().addonsOrDefaults().versions())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("coredns", "v1.12.1-eksbuild.2", "vpc-cni", "v1.20.1-eksbuild.1"));

    UpgradeRequest overridden =
        request("--spec", spec.toString(), "--addon-resolve-conflicts", "PRESERVE", "--addon-version", "coredns=v1.12.2-eksbuild.1");
    assertThat(overridden.options().addonsOrDefaults().resolveConflicts()).isEqualTo("PRESERVE");
    assertThat(overridden.options().addonsOrDefaults().versions())
        .containsEntry("coredns", "v1.12.2-eksbuild.1")
        .containsEntry("vpc-cni", "v1.20.1-eksbuild.1");
    assertThat(request("--cluster", "a", "--region", "us-east-1", "--to", "1.34").options().addonsOrDefaults().resolveConflicts())
        .isEqualTo("PRESERVE");
    assertThat(
            io.eksupgrader.workflows.planning.UpgradeRequestValidation.problems(
                request("--cluster", "a", "--region", "us-east-1", "--to", "1.34", "--addon-resolve-conflicts", "MERGE")))
        .containsExactly("add-on resolveConflicts 'MERGE' is not one of PRESERVE (default), OVERWRITE, NONE");
  }

  @Test
  void everyProblemInTheFileIsNamedWithItsKey() {
    assertThatThrownBy(
            () ->
                UpgradeSpec.parse(
                    """
                    cluster: prod-1
                    region: eu-west-1
                    targetVersion: 1.30
                    autoApprove: sometimes
                    gateReminderMinutes: 0
                    drains: {force: true}
                    drain: {force: yes please, delete-local-data: true, timeout: soon, concurrency: 0, grace-period: -2}
                    nodeGroupConcurrency: two
                    addons: {resolveConflicts: MERGE, versions: {coredns: 1}, pins: {}}
                    """,
                    "prod-1.yaml"))
        .isInstanceOf(CliFailure.class)
        .hasMessageContaining("prod-1.yaml:")
        .hasMessageContaining("unknown key 'drains'")
        .hasMessageContaining("drain: unknown key 'delete-local-data'; known keys (kubectl drain's flags): concurrency,")
        .hasMessageContaining("drain.force: 'yes please' is not true or false")
        .hasMessageContaining("drain.timeout: 'soon' is not a duration")
        .hasMessageContaining("drain.concurrency: '0' is not a whole number, 1 or more")
        .hasMessageContaining("drain.grace-period: '-2' is not a whole number of seconds, -1 or more")
        .hasMessageContaining("nodeGroupConcurrency: 'two' is not a whole number")
        .hasMessageContaining("targetVersion: 1.3 is a number; quote it")
        .hasMessageContaining("autoApprove: 'sometimes' is not true or false")
        .hasMessageContaining("gateReminderMinutes: '0' is not a whole number of minutes")
        .hasMessageContaining("addons: unknown key 'pins'; known keys: resolveConflicts, versions")
        .hasMessageContaining("addons.resolveConflicts: 'MERGE' is not one of PRESERVE, OVERWRITE, NONE")
        .hasMessageContaining("addons.versions.coredns: '1' is not a version");
    assertThatThrownBy(() -> UpgradeSpec.parse("- just\n- a list\n", "list.yaml"))
        .hasMessageContaining("list.yaml: expected a mapping");
    assertThatThrownBy(() -> UpgradeSpec.parse("cluster: [unclosed\n", "broken.yaml"))
        .hasMessageContaining("broken.yaml: not valid YAML");
  }

  @Test
  void approvalsHealthGatesAndNotificationsComeFromTheSpecAndFlagsOverrideThem() throws Exception {
    Path spec = dir.resolve("guarded.yaml");
    Files.writeString(
        spec,
        """
        cluster: prod-1
        region: eu-west-1
        targetVersion: "1.34"
        approvals:
          fourEyes: true
          approvers:
            "*": [alice, bob]
            control-plane: [alice]
          autoApprove: [karpenter]
        healthGates:
          prometheus: http://prometheus.monitoring:9090
          interval: 2m
          thresholds: {istio-5xx: 0.5}
          disabled: [node-join-latency]
          custom:
            - {name: queue-depth, query: "max(queue_depth)", max: 100, unit: msgs}
        notifications:
          channel: payments-oncall
          events: [gate-opened, upgrade-ended]
        phases:
          dataPlane: false
        """);

    var fromFile = request("--spec", spec.toString()).options();
    assertThat(fromFile.approvals().fourEyes()).isTrue();
    assertThat(fromFile.approvals().approvers())
        .containsEntry("*", List.of("alice", "bob"))
        .containsEntry("control-plane", List.of("alice"));
    assertThat(fromFile.approvals().autoApprove()).containsExactly("karpenter");
    assertThat(fromFile.health().prometheusUrl()).isEqualTo("http://prometheus.monitoring:9090");
    assertThat(fromFile.health().intervalSeconds()).isEqualTo(120);
    assertThat(fromFile.health().thresholds()).containsEntry("istio-5xx", 0.5);
    assertThat(fromFile.health().disabled()).containsExactly("node-join-latency");
    assertThat(fromFile.health().custom()).extracting(g -> g.name() + " " + g.query() + " " + g.max())
        .containsExactly("queue-depth max(queue_depth) 100.0");
    assertThat(fromFile.notifications().channel()).isEqualTo("payments-oncall");
    assertThat(fromFile.notifications().sends("gate-opened")).isTrue();
    assertThat(fromFile.notifications().sends("step-failed")).isFalse();
    assertThat(fromFile.phases()).isEqualTo(new io.eksupgrader.workflows.model.PhaseSelection(true, false));

    var overridden =
        request(
                "--spec", spec.toString(), "--no-four-eyes", "--approver", "control-plane=carol, dave",
                "--prometheus-url", "https://prom.example:9090", "--health-interval", "30s", "--no-notifications",
                "--data-plane", "--no-addons")
            .options();
    assertThat(overridden.approvals().fourEyes()).isFalse();
    assertThat(overridden.approvals().approvers()).containsEntry("control-plane", List.of("carol", "dave"));
    assertThat(overridden.health().prometheusUrl()).isEqualTo("https://prom.example:9090");
    assertThat(overridden.health().intervalSeconds()).isEqualTo(30);
    assertThat(overridden.notifications().disabled()).isTrue();
    assertThat(overridden.phases()).isEqualTo(new io.eksupgrader.workflows.model.PhaseSelection(false, true));

    var none = request("--cluster", "a", "--region", "us-east-1", "--to", "1.34").options();
    assertThat(none.approvals()).isNull();
    assertThat(none.health()).isNull();
    assertThat(none.notificationsOrDefaults().sends("gate-opened")).isTrue();
  }

  @Test
  void badApprovalsHealthGatesAndNotificationsAreNamedBeforeAnythingStarts() {
    assertThatThrownBy(
            () ->
                UpgradeSpec.parse(
                    """
                    cluster: prod-1
                    approvals: {fourEyes: maybe, approvers: {control-plane: alice}, quorum: 2}
                    healthGates: {prometheus: 9090, interval: often, thresholds: {istio-5xx: high}, custom: [{name: x, query: q}]}
                    notifications: {channel: "#ops room", events: [gate-open], webhook: https://hooks.slack.com/x}
                    phases: {dataplane: false, addons: no way}
                    """,
                    "bad.yaml"))
        .isInstanceOf(CliFailure.class)
        .hasMessageContaining("approvals: unknown key 'quorum'; known keys: approvers, autoApprove, fourEyes")
        .hasMessageContaining("approvals.fourEyes: 'maybe' is not true or false")
        .hasMessageContaining("approvals.approvers.control-plane: expected a list of names")
        .hasMessageContaining("healthGates.prometheus: expected a URL")
        .hasMessageContaining("healthGates.interval: 'often' is not a duration")
        .hasMessageContaining("healthGates.thresholds.istio-5xx: 'high' is not a number")
        .hasMessageContaining("healthGates.custom: gate 'x' needs a number as max")
        .hasMessageContaining("notifications: unknown key 'webhook'")
        .hasMessageContaining("notifications.channel: '#ops room' is not a webhook name")
        .hasMessageContaining("notifications.events: 'gate-open' is not one of gate-opened, gate-reminder")
        .hasMessageContaining("phases: unknown key 'dataplane'; known keys: addons, dataPlane")
        .hasMessageContaining("phases.addons: 'no way' is not true or false");
    assertThatThrownBy(
            () ->
                UpgradeSpec.parse(
                    """
                    approvals: {approvers: {controlplane: [alice]}}
                    healthGates: {thresholds: {istio-5xx: 2}}
                    """,
                    "semantic.yaml"))
        .hasMessageContaining("approvals.approvers names 'controlplane', which is no gate type")
        .hasMessageContaining("healthGates has thresholds or gates but no prometheus URL");
  }

  @Test
  void withoutASpecTheClusterRegionAndTargetMustBeGiven() {
    assertThatThrownBy(() -> request("--cluster", "a", "--region", "us-east-1"))
        .isInstanceOf(CliFailure.class)
        .hasMessage("missing, nothing was started: --to (or 'targetVersion' in a --spec file)");
    assertThatThrownBy(() -> request("--spec", dir.resolve("absent.yaml").toString()))
        .hasMessageContaining("cannot read the upgrade spec");
  }

  private static UpgradeRequest request(String... args) {
    StartCommand start = new StartCommand();
    new CommandLine(start).parseArgs(args);
    return start.request();
  }

  @Test
  void karpenterAndIstioSectionsChooseTheStrategyVersionAndChartsAndFlagsOverrideThem() throws Exception {
    Path spec = dir.resolve("mesh.yaml");
    Files.writeString(
        spec,
        """
        cluster: mesh-1
        region: eu-west-1
        targetVersion: "1.34"
        karpenter:
          strategy: external
          version: "1.6.3"
        istio:
          version: "1.28.3"
          chartSource: /srv/charts
          restartBatch: 3
        """);

    UpgradeRequest request = request("--spec", spec.toString(), "--istio-strategy", "helm", "--karpenter-chart-source", "oci://registry.internal/karpenter");
    var components = request.options().componentsOrDefaults();
    assertThat(components.karpenterOrDefaults())
        .isEqualTo(new io.eksupgrader.workflows.model.KarpenterOptions(
            io.eksupgrader.workflows.model.ComponentStrategy.EXTERNAL, "1.6.3", "oci://registry.internal/karpenter"));
    assertThat(components.istioOrDefaults())
        .isEqualTo(new io.eksupgrader.workflows.model.IstioOptions(
            io.eksupgrader.workflows.model.ComponentStrategy.HELM, "1.28.3", "/srv/charts", 3));
  }

  @Test
  void aWrongComponentSectionIsRefusedNamingEachKey() throws Exception {
    Path spec = dir.resolve("bad-mesh.yaml");
    Files.writeString(
        spec,
        """
        cluster: mesh-1
        region: eu-west-1
        targetVersion: "1.34"
        karpenter:
          strategy: flux
          version: 1.6
          amiFamily: AL2023
        istio:
          restartBatch: 0
          version: "latest"
        """);

    assertThatThrownBy(() -> request("--spec", spec.toString()))
        .isInstanceOf(CliFailure.class)
        .hasMessageContaining("karpenter: unknown key 'amiFamily'; known keys: chartSource, strategy, version")
        .hasMessageContaining("karpenter.strategy: 'flux' is not one of helm (default), external, skip")
        .hasMessageContaining("karpenter.version: 1.6 is a number; quote it")
        .hasMessageContaining("istio.version: 'latest' is not a release such as 1.6.3")
        .hasMessageContaining("istio.restartBatch: '0' is not a whole number, 1 or more");
  }

  @Test
  void theBackupSectionAsksForAVeleroBackupAndFlagsOverrideIt() throws Exception {
    Path spec = dir.resolve("backed-up.yaml");
    Files.writeString(
        spec,
        """
        cluster: prod-3
        region: eu-west-1
        targetVersion: "1.34"
        backup:
          velero: true
          namespace: backups
          storageLocation: s3-eu
          ttl: 720h0m0s
        """);

    UpgradeRequest fromFile = request("--spec", spec.toString());
    assertThat(fromFile.options().backup())
        .isEqualTo(new io.eksupgrader.workflows.model.BackupOptions(true, "backups", "s3-eu", "720h0m0s"));
    UpgradeRequest overridden =
        request("--spec", spec.toString(), "--no-velero-backup", "--velero-namespace", "velero", "--velero-ttl", "168h");
    assertThat(overridden.options().backup())
        .isEqualTo(new io.eksupgrader.workflows.model.BackupOptions(false, "velero", "s3-eu", "168h"));
    assertThat(request("--cluster", "a", "--region", "us-east-1", "--to", "1.34").options().backupEnabled())
        .as("no backup unless asked for")
        .isFalse();

    assertThatThrownBy(() -> request("--spec", spec.toString(), "--velero-ttl", "30 days"))
        .isInstanceOf(CliFailure.class)
        .hasMessageContaining("--velero-ttl '30 days' is not a Go duration such as 720h0m0s; nothing was started");
    Path bad = dir.resolve("bad-backup.yaml");
    Files.writeString(
        bad,
        """
        cluster: prod-3
        region: eu-west-1
        targetVersion: "1.34"
        backup:
          velero: yes please
          ttl: 30d
          schedule: nightly
        """);
    assertThatThrownBy(() -> request("--spec", bad.toString()))
        .isInstanceOf(CliFailure.class)
        .hasMessageContaining("backup: unknown key 'schedule'; known keys: namespace, storageLocation, ttl, velero")
        .hasMessageContaining("backup.velero: 'yes please' is not true or false")
        .hasMessageContaining("backup.ttl: '30d' is not a Go duration such as 720h0m0s");
  }
}
