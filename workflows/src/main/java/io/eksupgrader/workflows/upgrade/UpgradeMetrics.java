package io.eksupgrader.workflows.upgrade;

/**
 * The metrics the upgrade workflows emit through {@code Workflow.getMetricsScope()}, which the
 * worker exports to Prometheus (counters with {@code _total} appended, timers in seconds). The
 * Grafana dashboard ({@code deploy/grafana/eks-upgrader.json}) queries these names; a test there
 * fails when one of them changes without the dashboard.
 */
public final class UpgradeMetrics {

  /** Counter: an upgrade entered a phase; tag {@link #PHASE}. */
  public static final String PHASE_TRANSITIONS = "eks_upgrader_upgrade_phase_transitions";

  /** Timer: how long an approval gate waited for its decision; tag {@link #GATE_TYPE}. */
  public static final String GATE_WAIT = "eks_upgrader_gate_wait";

  /** Counter: an upgrade ended; tag {@link #OUTCOME}. */
  public static final String UPGRADES_ENDED = "eks_upgrader_upgrades_ended";

  /** Tag: the phase entered, e.g. {@code preflight}, {@code control-plane}. */
  public static final String PHASE = "phase";

  /** Tag: the kind of gate, e.g. the phase it opens. */
  public static final String GATE_TYPE = "gate_type";

  /** Tag: how the upgrade ended, e.g. {@code completed}, {@code aborted}, {@code failed}. */
  public static final String OUTCOME = "outcome";

  private UpgradeMetrics() {}
}
