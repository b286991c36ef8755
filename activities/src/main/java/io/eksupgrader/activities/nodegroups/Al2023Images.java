package io.eksupgrader.activities.nodegroups;

import io.eksupgrader.workflows.activities.FailureTypes;
import io.eksupgrader.workflows.model.ClusterRef;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Which Amazon Linux 2023 image a replacement node group runs: the AL2023 {@code amiType} of the
 * old group's architecture when EKS picks the image, or the SSM parameter of the EKS-optimized
 * AL2023 AMI when a launch template names the image itself.
 */
public final class Al2023Images {

  public static final String X86_64 = "x86_64";
  public static final String ARM64 = "arm64";

  /** Instance family, generation, attributes: m6gd → (m, 6, gd). */
  private static final Pattern INSTANCE_FAMILY = Pattern.compile("^([a-z]+)(\\d+)([a-z-]*)\\..*");

  private Al2023Images() {}

  /**
   * The AL2023 amiType for an old group's amiType. AL2 types move to their AL2023 counterpart;
   * AL2023 types stay; other families (Bottlerocket, Windows) keep theirs, because their own
   * images follow the Kubernetes version and AL2023 would change the operating system.
   */
  static String amiType(String oldAmiType) {
    if (oldAmiType == null) {
      return "AL2023_x86_64_STANDARD";
    }
    return switch (oldAmiType) {
      case "AL2_x86_64" -> "AL2023_x86_64_STANDARD";
      case "AL2_ARM_64" -> "AL2023_ARM_64_STANDARD";
      case "AL2_x86_64_GPU" -> "AL2023_x86_64_NVIDIA";
      default -> oldAmiType;
    };
  }

  /**
   * The CPU architecture of a group's nodes: from its amiType when that says, otherwise from its
   * instance types (Graviton families carry a "g" among their attributes, as m6g, c7gn, r8gd do,
   * plus the first-generation a1), otherwise x86_64.
   */
  public static String architecture(String amiType, List<String> instanceTypes) {
    String ami = amiType == null ? "" : amiType.toUpperCase(Locale.ROOT);
    if (ami.contains("ARM")) {
      return ARM64;
    }
    if (ami.contains("X86")) {
      return X86_64;
    }
    for (String type : instanceTypes) {
      if (graviton(type)) {
        return ARM64;
      }
    }
    return X86_64;
  }

  static boolean graviton(String instanceType) {
    Matcher m = INSTANCE_FAMILY.matcher(instanceType.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return false;
    }
    return m.group(1).equals("a") && m.group(2).equals("1") || m.group(3).contains("g");
  }

  /** The SSM parameter holding the recommended EKS-optimized AL2023 AMI for the version. */
  public static String ssmParameter(String kubernetesVersion, String architecture) {
    return "/aws/service/eks/optimized-ami/"
        + kubernetesVersion
        + "/amazon-linux-2023/"
        + architecture
        + "/standard/recommended/image_id";
  }

  /**
   * The EKS-optimized AL2023 image for a Kubernetes version and architecture, from its public SSM
   * parameter; a version without one is an invalid request, not something to retry.
   */
  public static String recommendedImage(
      SsmClient ssm, ClusterRef cluster, String kubernetesVersion, String architecture) {
    String parameter = ssmParameter(kubernetesVersion, architecture);
    try {
      return ssm.getParameter(r -> r.name(parameter)).parameter().value();
    } catch (ParameterNotFoundException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          cluster
              + ": no EKS-optimized AL2023 image for Kubernetes "
              + kubernetesVersion
              + " on "
              + architecture
              + " (SSM parameter "
              + parameter
              + " not found)",
          FailureTypes.EKS_INVALID_REQUEST);
    }
  }
}
