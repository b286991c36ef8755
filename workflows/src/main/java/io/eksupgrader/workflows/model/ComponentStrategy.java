package io.eksupgrader.workflows.model;

import java.util.Locale;

/** Who changes a cluster component (Karpenter, Istio) during an upgrade. */
public enum ComponentStrategy {
  /** The worker runs the Helm upgrade itself, observing first, and verifies the result. */
  HELM,
  /**
   * GitOps owns the component: the upgrade shows what must change, waits at a gate for the
   * operator's change, then verifies by observing the cluster.
   */
  EXTERNAL,
  /**
   * Leave the component alone. Refused at pre-flight when the installed version does not support
   * every minor on the way.
   */
  SKIP;

  /** Parses helm, external or skip in any case; null for anything else. */
  public static ComponentStrategy parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
