package io.eksupgrader.activities.preflight;

import io.eksupgrader.activities.eks.AwsErrors;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.model.ClusterRef;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.Severity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Addon;
import software.amazon.awssdk.services.eks.model.AddonVersionInfo;
import software.amazon.awssdk.services.eks.model.Compatibility;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * EKS add-ons against the minors of the path, and the networking add-ons that run without one.
 *
 * <ol>
 *   <li>Every EKS add-on ({@code ListAddons}, {@code DescribeAddon}) against every minor the control
 *       plane passes: {@code DescribeAddonVersions(addonName, kubernetesVersion)} lists the versions
 *       that run on it. None is a blocker at that minor (the add-on step could not move it, and the
 *       later minors are not asked about); else an info naming the default version the add-on step
 *       moves to, as that step chooses it, from the version the previous minor's step left.
 *   <li>CoreDNS (Deployment {@code kube-system/coredns}), kube-proxy and the VPC CNI (DaemonSets
 *       {@code kube-system/kube-proxy} and {@code kube-system/aws-node}) that run without the EKS
 *       add-on of that name are self-managed: the upgrade does not move them, which is a warning.
 * </ol>
 */
final class AddonCheck {

  /** A networking add-on EKS installs, by the object it runs as. */
  private record SelfManaged(String addon, String label, String kind, String name) {}

  private static final List<SelfManaged> NETWORKING =
      List.of(
          new SelfManaged("coredns", "CoreDNS", "Deployment", "coredns"),
          new SelfManaged("kube-proxy", "kube-proxy", "DaemonSet", "kube-proxy"),
          new SelfManaged("vpc-cni", "the Amazon VPC CNI", "DaemonSet", "aws-node"));

  private final EksClient eks;
  private final KubernetesClient client;
  private final ClusterRef cluster;
  private final UpgradePath path;

  AddonCheck(EksClient eks, KubernetesClient client, ClusterRef cluster, UpgradePath path) {
    this.eks = eks;
    this.client = client;
    this.cluster = cluster;
    this.path = path;
  }

  List<PreflightFinding> run() {
    List<PreflightFinding> findings = new ArrayList<>();
    List<Addon> addons = addons();
    for (Addon addon : addons) {
      // Each minor's step starts from the version the previous one moved to.
      String from = addon.addonVersion();
      for (KubernetesVersion minor : path.minors()) {
        Step step = compatibility(addon, from, minor);
        findings.add(step.finding());
        if (step.movesTo() == null) {
          break;
        }
        from = step.movesTo();
      }
    }
    Set<String> installed = addons.stream().map(Addon::addonName).collect(Collectors.toSet());
    for (SelfManaged component : NETWORKING) {
      if (!installed.contains(component.addon())) {
        selfManaged(component).ifPresent(findings::add);
      }
    }
    return findings;
  }

  private List<Addon> addons() {
    List<Addon> addons = new ArrayList<>();
    try {
      for (String name : eks.listAddonsPaginator(r -> r.clusterName(cluster.name())).addons()) {
        try {
          addons.add(eks.describeAddon(r -> r.clusterName(cluster.name()).addonName(name)).addon());
        } catch (ResourceNotFoundException e) {
          // Removed between the list and the describe: it is no longer there.
        }
      }
    } catch (ResourceNotFoundException e) {
      throw AwsErrors.clusterNotFound(cluster, e);
    }
    return addons;
  }

  /** One minor's add-on step: what it finds, and the version it moves to (null: none). */
  private record Step(PreflightFinding finding, String movesTo) {}

  private Step compatibility(Addon addon, String from, KubernetesVersion minor) {
    String name = addon.addonName();
    String subject = name + " (EKS add-on)";
    List<AddonVersionInfo> versions = versionsFor(name, minor);
    List<String> evidence = new ArrayList<>();
    evidence.add("installed: " + addon.addonVersion() + " (" + addon.statusAsString() + ")");
    if (!from.equals(addon.addonVersion())) {
      evidence.add("before " + minor + ": " + from + ", where the earlier minors' steps move it");
    }
    if (versions.isEmpty()) {
      evidence.add("DescribeAddonVersions(addonName=" + name + ", kubernetesVersion=" + minor + "): no version");
      return new Step(new PreflightFinding(
          PreflightActivities.ADDON_COMPATIBILITY,
          Severity.BLOCKER,
          subject,
          minor.toString(),
          "EKS offers no " + name + " version for Kubernetes " + minor + ": the add-on step cannot move it there",
          evidence,
          "choose a target EKS publishes " + name + " for, wait until it does, or remove the EKS add-on and manage "
              + name + " yourself (aws eks delete-addon --cluster-name " + cluster.name() + " --region " + cluster.region()
              + " --addon-name " + name + " --preserve keeps what it runs)"), null);
    }
    String chosen = defaultVersion(versions, minor);
    boolean fromRuns = versions.stream().anyMatch(v -> v.addonVersion().equals(from));
    evidence.add(
        "DescribeAddonVersions(addonName=" + name + ", kubernetesVersion=" + minor + "): "
            + versions.stream().map(AddonVersionInfo::addonVersion).sorted(Comparator.comparing(AddonCheck::versionKey)).collect(Collectors.joining(", ")));
    evidence.add(from + (fromRuns ? " runs on " : " does not run on ") + minor);
    String summary =
        chosen.equals(from)
            ? name + " " + chosen + " is the default for Kubernetes " + minor + ": nothing to move"
            : name + " moves from " + from + " to " + chosen + ", the default for Kubernetes " + minor;
    PreflightFinding finding = new PreflightFinding(
        PreflightActivities.ADDON_COMPATIBILITY,
        Severity.INFO,
        subject,
        minor.toString(),
        summary,
        evidence,
        "nothing to do: the add-on step updates it (addons.versions in the upgrade spec pins another for the target)");
    return new Step(finding, chosen);
  }

  private List<AddonVersionInfo> versionsFor(String addon, KubernetesVersion minor) {
    List<AddonVersionInfo> versions = new ArrayList<>();
    eks.describeAddonVersionsPaginator(r -> r.addonName(addon).kubernetesVersion(minor.toString()))
        .addons()
        .forEach(
            info ->
                info.addonVersions().stream()
                    .filter(v -> v.compatibilities().stream().anyMatch(c -> minor.toString().equals(c.clusterVersion())))
                    .forEach(versions::add));
    return versions;
  }

  /** The version EKS marks default for the minor, else the newest that runs on it, as the add-on step picks. */
  private static String defaultVersion(List<AddonVersionInfo> versions, KubernetesVersion minor) {
    for (AddonVersionInfo v : versions) {
      for (Compatibility c : v.compatibilities()) {
        if (minor.toString().equals(c.clusterVersion()) && Boolean.TRUE.equals(c.defaultVersion())) {
          return v.addonVersion();
        }
      }
    }
    return versions.stream().map(AddonVersionInfo::addonVersion).max(Comparator.comparing(AddonCheck::versionKey)).orElseThrow();
  }

  /** v1.19.5-eksbuild.3 sorts by 1, 19, 5, then 3. */
  private static String versionKey(String version) {
    String digits = version.replaceAll("[^0-9]+", " ").trim();
    if (digits.isEmpty()) {
      return version;
    }
    return Arrays.stream(digits.split(" ")).map(n -> String.format("%08d", Long.parseLong(n))).collect(Collectors.joining("."));
  }

  private Optional<PreflightFinding> selfManaged(SelfManaged component) {
    PodTemplateSpec template;
    if (component.kind().equals("Deployment")) {
      var d = client.apps().deployments().inNamespace("kube-system").withName(component.name()).get();
      template = d == null ? null : d.getSpec().getTemplate();
    } else {
      var d = client.apps().daemonSets().inNamespace("kube-system").withName(component.name()).get();
      template = d == null ? null : d.getSpec().getTemplate();
    }
    if (template == null) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    String subject = "kube-system/" + component.name() + " (" + component.kind() + ")";
    for (Container container : template.getSpec().getContainers()) {
      evidence.add(subject + ": container " + container.getName() + " image " + container.getImage());
    }
    evidence.add("ListAddons: no EKS add-on " + component.addon());
    String adopt =
        "aws eks create-addon --cluster-name " + cluster.name() + " --region " + cluster.region() + " --addon-name "
            + component.addon()
            + defaultForCurrent(component.addon()).map(v -> " --addon-version " + v).orElse("")
            + " --resolve-conflicts OVERWRITE";
    return Optional.of(
        new PreflightFinding(
            PreflightActivities.SELF_MANAGED_ADDON,
            Severity.WARNING,
            subject,
            null,
            component.label() + " runs without the EKS add-on " + component.addon() + ": the upgrade does not update it",
            evidence,
            "update it yourself with the manifests for each minor of the path ("
                + path.minors().stream().map(KubernetesVersion::toString).collect(Collectors.joining(", "))
                + "; the EKS user guide names the version for each), or adopt it as an EKS add-on before the upgrade: "
                + adopt + " (OVERWRITE replaces changes made to its configuration)"));
  }

  private Optional<String> defaultForCurrent(String addon) {
    List<AddonVersionInfo> versions = versionsFor(addon, path.current());
    return versions.isEmpty() ? Optional.empty() : Optional.of(defaultVersion(versions, path.current()));
  }
}
