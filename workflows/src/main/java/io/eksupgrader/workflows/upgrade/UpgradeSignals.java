package io.eksupgrader.workflows.upgrade;

/** Names of the signals and updates that steer an upgrade, and the payloads they take. */
public final class UpgradeSignals {

  /** Signal; payload {@code {"gate":"control-plane-1.33","by":"alice","comment":"ok"}}. */
  public static final String APPROVE = "approve";
  /** Signal; same payload as {@link #APPROVE}. */
  public static final String REJECT = "reject";
  /**
   * Signal; payload {@code {"step":"control-plane-1.33","action":"retry","by":"alice"}}. The
   * action is retry, skip, abort, or force where the pending decision offers it.
   */
  public static final String DECIDE = "decide";

  public static final String APPROVE_UPDATE = "approveGate";
  public static final String REJECT_UPDATE = "rejectGate";
  public static final String DECIDE_UPDATE = "decideStep";
  /** Update sent before the workflow is cancelled, so that the audit says who cancelled and why. */
  public static final String CANCEL_UPDATE = "announceCancel";

  private UpgradeSignals() {}

  public static String approvalJson(String gate) {
    return "{\"gate\":\"" + gate + "\",\"by\":\"<your name>\",\"comment\":\"<why>\"}";
  }

  public static String decisionJson(String step) {
    return "{\"step\":\"" + step + "\",\"action\":\"retry|skip|abort|force\",\"by\":\"<your name>\",\"comment\":\"<why>\"}";
  }
}
