package io.eksupgrader.activities.compatibility;

/**
 * Versions of cluster components as their images and charts write them: {@code 1.6.3}, {@code
 * v1.0.2}, {@code 1.28.3-distroless}. Compared by their numeric parts; whatever follows a {@code -}
 * is ignored.
 */
public final class ComponentVersions {

  private ComponentVersions() {}

  /** The version without a leading {@code v} and without a {@code -suffix}. */
  public static String normalize(String version) {
    String v = version.trim();
    if (v.startsWith("v")) {
      v = v.substring(1);
    }
    int dash = v.indexOf('-');
    return dash < 0 ? v : v.substring(0, dash);
  }

  /** {@code 1.28.3} gives {@code 1.28}. */
  public static String minorOf(String version) {
    String[] parts = normalize(version).split("\\.");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : parts[0];
  }

  /** Whether the text is a version of numeric parts, such as 1.6.3. */
  public static boolean isVersion(String version) {
    return version != null && normalize(version).matches("\\d+(\\.\\d+){1,2}");
  }

  public static int compare(String a, String b) {
    String[] x = normalize(a).split("\\.");
    String[] y = normalize(b).split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? parse(x[i]) : 0;
      int q = i < y.length ? parse(y[i]) : 0;
      if (p != q) {
        return Integer.compare(p, q);
      }
    }
    return 0;
  }

  private static int parse(String part) {
    try {
      return Integer.parseInt(part);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
