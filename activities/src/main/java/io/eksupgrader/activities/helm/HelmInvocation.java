package io.eksupgrader.activities.helm;

import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code helm upgrade}.
 *
 * @param valuesFile values that replace the release's own ({@code -f} with {@code --reset-values});
 *     null keeps the release's values ({@code --reset-then-reuse-values})
 * @param set {@code --set} values on top
 * @param install {@code --install}
 */
public record HelmInvocation(
    String release,
    String namespace,
    ChartReference chart,
    Path kubeconfig,
    Path valuesFile,
    Map<String, String> set,
    boolean install,
    String description) {}
