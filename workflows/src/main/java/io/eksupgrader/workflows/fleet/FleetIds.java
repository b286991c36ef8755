package io.eksupgrader.workflows.fleet;

/** Workflow ids and gate names of fleets. */
public final class FleetIds {

  /** The type of wave gates in an approval policy's approver lists ({@code *} covers it too). */
  public static final String WAVE_GATE_TYPE = "wave";

  private FleetIds() {}

  /** One fleet upgrade per name at a time: Temporal refuses a second start with the same id. */
  public static String fleet(String name) {
    return "eks-fleet/" + name;
  }

  /** The gate before a wave: {@code wave-staging}. */
  public static String gate(String wave) {
    return "wave-" + wave;
  }
}
