package io.eksupgrader.sandbox;

import java.util.List;

/**
 * What a Karpenter version brings, as the sandbox models it: the newest Kubernetes minor it
 * supports, from Karpenter's compatibility matrix (https://karpenter.sh/v1.6/upgrading/compatibility/)
 * and endoflife.date/karpenter, and the API versions its CRDs serve: {@code v1} and {@code v1beta1}
 * before 1.1, only {@code v1} from 1.1 on (1.1 dropped the conversion webhook).
 */
public final class KarpenterVersions {

  private KarpenterVersions() {}

  /** "1.0.2" → 1. */
  public static int major(String version) {
    return part(version, 0);
  }

  /** "1.0.2" → 0. */
  public static int minor(String version) {
    return part(version, 1);
  }

  private static int part(String version, int index) {
    String[] parts = version.split("\\.");
    return index < parts.length ? Integer.parseInt(parts[index].replaceAll("\\D.*", "")) : 0;
  }

  /** The versions the CRDs of this Karpenter version serve, the storage version first. */
  public static List<String> crdVersions(String version) {
    return servesV1beta1(version) ? List.of("v1", "v1beta1") : List.of("v1");
  }

  /** Whether the CRDs of this version still serve v1beta1 beside v1 (before 1.1). */
  public static boolean servesV1beta1(String version) {
    return major(version) < 1 || (major(version) == 1 && minor(version) < 1);
  }

  /** The newest Kubernetes minor ("1.31") this Karpenter version supports. */
  public static String newestKubernetes(String version) {
    int minor = major(version) > 1 ? Integer.MAX_VALUE : minor(version);
    if (minor <= 1) {
      return "1.31";
    }
    if (minor <= 4) {
      return "1.32";
    }
    if (minor == 5) {
      return "1.33";
    }
    if (minor <= 8) {
      return "1.34";
    }
    return "1.35";
  }

  /** Whether this Karpenter version launches nodes for a control plane at {@code kubernetesMinor}. */
  public static boolean supports(String version, String kubernetesMinor) {
    return compareMinors(kubernetesMinor, newestKubernetes(version)) <= 0;
  }

  private static int compareMinors(String a, String b) {
    int majors = Integer.compare(major(a), major(b));
    return majors != 0 ? majors : Integer.compare(minor(a), minor(b));
  }

  /** Compares MAJOR.MINOR.PATCH versions numerically. */
  public static int compare(String a, String b) {
    for (int i = 0; i < 3; i++) {
      int c = Integer.compare(part(a, i), part(b, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
