package io.eksupgrader.workflows.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes minor version as EKS names it ("1.33"). EKS versions carry no patch number, so
 * anything else is refused instead of guessed at.
 */
public record KubernetesVersion(int major, int minor) implements Comparable<KubernetesVersion> {

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})");

  public static KubernetesVersion parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a Kubernetes version is required, e.g. 1.33");
    }
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an EKS Kubernetes version: use MAJOR.MINOR, e.g. 1.33");
    }
    return new KubernetesVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  public static boolean isValid(String text) {
    return text != null && FORMAT.matcher(text.trim()).matches();
  }

  public KubernetesVersion nextMinor() {
    return new KubernetesVersion(major, minor + 1);
  }

  public boolean isAfter(KubernetesVersion other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(KubernetesVersion other) {
    return major != other.major
        ? Integer.compare(major, other.major)
        : Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
