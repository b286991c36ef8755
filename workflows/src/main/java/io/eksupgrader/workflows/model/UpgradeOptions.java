package io.eksupgrader.workflows.model;

/**
 * How an upgrade runs.
 *
 * @param autoApprove open no approval gates; meant for non-production clusters
 * @param gateReminderMinutes how long a gate or a failed step waits before it announces itself
 *     again (log and status); it never approves or decides by itself
 * @param drain how old nodes are drained; null means {@link DrainOptions#defaults()}
 * @param nodeGroupConcurrency how many node groups are replaced at once; 0 means one
 * @param addons how EKS add-ons are updated; null means {@link AddonOptions#defaults()}
 * @param components how Karpenter and Istio move; null means {@link ComponentOptions#defaults()}
 */
public record UpgradeOptions(
    boolean autoApprove,
    int gateReminderMinutes,
    DrainOptions drain,
    int nodeGroupConcurrency,
    AddonOptions addons,
    ComponentOptions components) {

  public UpgradeOptions(
      boolean autoApprove,
      int gateReminderMinutes,
      DrainOptions drain,
      int nodeGroupConcurrency,
      AddonOptions addons) {
    this(autoApprove, gateReminderMinutes, drain, nodeGroupConcurrency, addons, null);
  }

  public UpgradeOptions(
      boolean autoApprove, int gateReminderMinutes, DrainOptions drain, int nodeGroupConcurrency) {
    this(autoApprove, gateReminderMinutes, drain, nodeGroupConcurrency, null);
  }

  public static final int DEFAULT_GATE_REMINDER_MINUTES = 30;

  public UpgradeOptions(boolean autoApprove, int gateReminderMinutes) {
    this(autoApprove, gateReminderMinutes, null, 0);
  }

  public static UpgradeOptions defaults() {
    return new UpgradeOptions(false, DEFAULT_GATE_REMINDER_MINUTES);
  }

  public DrainOptions drainOrDefaults() {
    return drain != null ? drain : DrainOptions.defaults();
  }

  public AddonOptions addonsOrDefaults() {
    return addons != null ? addons : AddonOptions.defaults();
  }

  public ComponentOptions componentsOrDefaults() {
    return components != null ? components : ComponentOptions.defaults();
  }

  public int nodeGroupConcurrencyOrDefault() {
    return nodeGroupConcurrency > 0 ? nodeGroupConcurrency : 1;
  }

  public int reminderMinutesOrDefault() {
    return gateReminderMinutes > 0 ? gateReminderMinutes : DEFAULT_GATE_REMINDER_MINUTES;
  }
}
