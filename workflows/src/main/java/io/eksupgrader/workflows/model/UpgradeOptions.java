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
 * @param dryRun run pre-flight and build the plan, then end without changing anything ({@code
 *     eks-upgrader plan})
 * @param backup a Velero backup before the first change; null or disabled means none
 * @param approvals who may answer which gate; null means anyone (under the worker's policy)
 * @param health health gates; null means none
 * @param notifications which notifications to send where; null means all, to channel default
 * @param phases which phases run; null means all
 */
public record UpgradeOptions(
    boolean autoApprove,
    int gateReminderMinutes,
    DrainOptions drain,
    int nodeGroupConcurrency,
    AddonOptions addons,
    ComponentOptions components,
    boolean dryRun,
    BackupOptions backup,
    ApprovalPolicy approvals,
    HealthGateOptions health,
    NotificationOptions notifications,
    PhaseSelection phases) {

  public UpgradeOptions(
      boolean autoApprove,
      int gateReminderMinutes,
      DrainOptions drain,
      int nodeGroupConcurrency,
      AddonOptions addons,
      ComponentOptions components,
      boolean dryRun,
      BackupOptions backup,
      ApprovalPolicy approvals,
      HealthGateOptions health,
      NotificationOptions notifications) {
    this(
        autoApprove, gateReminderMinutes, drain, nodeGroupConcurrency, addons, components, dryRun, backup, approvals,
        health, notifications, null);
  }

  public UpgradeOptions(
      boolean autoApprove,
      int gateReminderMinutes,
      DrainOptions drain,
      int nodeGroupConcurrency,
      AddonOptions addons,
      ComponentOptions components,
      boolean dryRun,
      BackupOptions backup) {
    this(
        autoApprove, gateReminderMinutes, drain, nodeGroupConcurrency, addons, components, dryRun, backup, null, null, null,
        null);
  }

  public UpgradeOptions(
      boolean autoApprove,
      int gateReminderMinutes,
      DrainOptions drain,
      int nodeGroupConcurrency,
      AddonOptions addons,
      ComponentOptions components) {
    this(autoApprove, gateReminderMinutes, drain, nodeGroupConcurrency, addons, components, false, null);
  }

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

  /** The same options, as a dry run. */
  public UpgradeOptions asDryRun() {
    return new UpgradeOptions(
        autoApprove, gateReminderMinutes, drain, nodeGroupConcurrency, addons, components, true, backup, approvals, health,
        notifications, phases);
  }

  public boolean backupEnabled() {
    return backup != null && backup.enabled();
  }

  public ComponentOptions componentsOrDefaults() {
    return components != null ? components : ComponentOptions.defaults();
  }

  public int nodeGroupConcurrencyOrDefault() {
    return nodeGroupConcurrency > 0 ? nodeGroupConcurrency : 1;
  }

  public ApprovalPolicy approvalsOrNone() {
    return approvals != null ? approvals : ApprovalPolicy.none();
  }

  public HealthGateOptions healthOrNone() {
    return health != null ? health : HealthGateOptions.none();
  }

  public NotificationOptions notificationsOrDefaults() {
    return notifications != null ? notifications : NotificationOptions.defaults();
  }

  public PhaseSelection phasesOrAll() {
    return phases != null ? phases : PhaseSelection.all();
  }

  public int reminderMinutesOrDefault() {
    return gateReminderMinutes > 0 ? gateReminderMinutes : DEFAULT_GATE_REMINDER_MINUTES;
  }
}
