package io.eksupgrader.activities.helm;

import java.nio.file.Path;

/** Runs Helm: the embedded one or a {@code helm} binary. Throws {@link HelmException} with Helm's words. */
public interface HelmRunner {

  /** {@code helm upgrade}; returns what Helm printed. */
  String upgrade(HelmInvocation invocation);

  /** {@code helm uninstall}; returns what Helm printed. */
  String uninstall(String release, String namespace, Path kubeconfig);

  /** What this runner is, for logs: e.g. "embedded Helm v3.21.0". */
  String describe();
}
