package io.eksupgrader.sandbox;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The EKS add-on versions the sandbox offers, with the Kubernetes versions each runs on and the
 * ones it is the default for. The sandbox's own table, shaped like EKS's (kube-proxy follows the
 * Kubernetes minor exactly; the VPC CNI and CoreDNS span several); the version numbers are
 * plausible, not EKS's current ones.
 */
final class AddonCatalog {

  /** One add-on version: the cluster versions it is compatible with and those it is the default of. */
  record AddonVersion(String version, List<String> clusterVersions, Set<String> defaultFor) {}

  record Addon(String name, String type, List<AddonVersion> versions) {}

  static final List<Addon> ADDONS =
      List.of(
          new Addon(
              "vpc-cni",
              "networking",
              List.of(
                  new AddonVersion("v1.18.3-eksbuild.2", List.of("1.28", "1.29", "1.30", "1.31", "1.32"), Set.of("1.28", "1.29", "1.30")),
                  new AddonVersion("v1.19.2-eksbuild.1", List.of("1.29", "1.30", "1.31", "1.32", "1.33"), Set.of("1.31", "1.32")),
                  new AddonVersion("v1.19.5-eksbuild.3", List.of("1.30", "1.31", "1.32", "1.33", "1.34"), Set.of("1.33")),
                  new AddonVersion("v1.20.1-eksbuild.1", List.of("1.31", "1.32", "1.33", "1.34", "1.35"), Set.of("1.34", "1.35")))),
          new Addon(
              "coredns",
              "networking",
              List.of(
                  new AddonVersion("v1.11.1-eksbuild.9", List.of("1.28", "1.29", "1.30"), Set.of("1.28", "1.29", "1.30")),
                  new AddonVersion("v1.11.3-eksbuild.2", List.of("1.29", "1.30", "1.31", "1.32"), Set.of("1.31", "1.32")),
                  new AddonVersion("v1.11.4-eksbuild.14", List.of("1.30", "1.31", "1.32", "1.33"), Set.of("1.33")),
                  new AddonVersion("v1.12.1-eksbuild.2", List.of("1.32", "1.33", "1.34", "1.35"), Set.of("1.34", "1.35")))),
          new Addon(
              "kube-proxy",
              "networking",
              List.of(
                  new AddonVersion("v1.28.15-eksbuild.4", List.of("1.28"), Set.of("1.28")),
                  new AddonVersion("v1.29.13-eksbuild.3", List.of("1.29"), Set.of("1.29")),
                  new AddonVersion("v1.30.9-eksbuild.3", List.of("1.30"), Set.of("1.30")),
                  new AddonVersion("v1.31.5-eksbuild.2", List.of("1.31"), Set.of("1.31")),
                  new AddonVersion("v1.32.0-eksbuild.2", List.of("1.32"), Set.of("1.32")),
                  new AddonVersion("v1.33.0-eksbuild.2", List.of("1.33"), Set.of("1.33")),
                  new AddonVersion("v1.34.0-eksbuild.2", List.of("1.34"), Set.of("1.34")),
                  new AddonVersion("v1.35.0-eksbuild.1", List.of("1.35"), Set.of("1.35")))),
          new Addon(
              "aws-ebs-csi-driver",
              "storage",
              List.of(
                  new AddonVersion("v1.37.0-eksbuild.1", List.of("1.28", "1.29", "1.30", "1.31", "1.32", "1.33"), Set.of("1.28", "1.29", "1.30", "1.31", "1.32")),
                  new AddonVersion("v1.45.0-eksbuild.2", List.of("1.30", "1.31", "1.32", "1.33", "1.34", "1.35"), Set.of("1.33", "1.34", "1.35")))));

  private AddonCatalog() {}

  static Optional<Addon> addon(String name) {
    return ADDONS.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  static Optional<AddonVersion> version(String addon, String version) {
    return addon(addon).flatMap(a -> a.versions().stream().filter(v -> v.version().equals(version)).findFirst());
  }

  /** The default version of an add-on for a Kubernetes version, if the add-on runs on it. */
  static Optional<String> defaultFor(String addon, String kubernetesVersion) {
    return addon(addon)
        .flatMap(
            a -> a.versions().stream().filter(v -> v.defaultFor().contains(kubernetesVersion)).map(AddonVersion::version).findFirst());
  }
}
