package io.eksupgrader.workflows.planning;

import io.eksupgrader.workflows.model.KubernetesVersion;
import java.util.regex.Pattern;

/**
 * The name of the green node group that replaces an old one: the old name with its version
 * suffix replaced or added, e.g. {@code apps} → {@code apps-1-34}, {@code apps-1-32} → {@code
 * apps-1-34}. Deterministic, so a retried or resumed step finds the group an earlier attempt made.
 */
public final class NodeGroupNames {

  /** EKS allows 63 characters in a node group name. */
  public static final int MAX_LENGTH = 63;

  private static final Pattern VERSION_SUFFIX = Pattern.compile("-\\d{1,3}-\\d{1,3}$");

  private NodeGroupNames() {}

  public static String replacement(String oldName, KubernetesVersion target) {
    String base = VERSION_SUFFIX.matcher(oldName).replaceFirst("");
    String suffix = "-" + target.major() + "-" + target.minor();
    if (base.length() + suffix.length() > MAX_LENGTH) {
      base = base.substring(0, MAX_LENGTH - suffix.length());
    }
    return base + suffix;
  }
}
