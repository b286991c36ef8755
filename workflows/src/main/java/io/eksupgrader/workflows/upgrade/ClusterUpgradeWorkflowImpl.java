package io.eksupgrader.workflows.upgrade;

import io.eksupgrader.workflows.activities.ApprovalPolicyActivities;
import io.eksupgrader.workflows.activities.HealthGateActivities;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthGate;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthGateRequest;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReading;
import io.eksupgrader.workflows.activities.HealthGateActivities.HealthReport;
import io.eksupgrader.workflows.activities.NotificationActivities;
import io.eksupgrader.workflows.activities.NotificationActivities.NotificationResult;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.HealthGateOptions;
import io.eksupgrader.workflows.model.HealthStatus;
import io.eksupgrader.workflows.model.NotificationOptions;
import io.eksupgrader.workflows.model.PhaseSelection;
import io.eksupgrader.workflows.planning.ApprovalRules;
import io.eksupgrader.workflows.planning.Phases;
import io.eksupgrader.workflows.planning.HealthGates;
import io.temporal.workflow.CancellationScope;
import io.eksupgrader.workflows.activities.AddonActivities;
import io.eksupgrader.workflows.activities.ClusterInspectionActivities;
import io.eksupgrader.workflows.model.AddonInfo;
import io.eksupgrader.workflows.model.AddonOptions;
import io.eksupgrader.workflows.model.AddonUpdateHandle;
import io.eksupgrader.workflows.model.AddonUpdateOutcome;
import io.eksupgrader.workflows.model.AddonUpdateRequest;
import io.eksupgrader.workflows.model.AwaitAddonRequest;
import io.eksupgrader.workflows.activities.BackupActivities;
import io.eksupgrader.workflows.activities.FargateActivities;
import io.eksupgrader.workflows.activities.PreflightActivities;
import io.eksupgrader.workflows.activities.IstioActivities;
import io.eksupgrader.workflows.activities.KarpenterUpgradeActivities;
import io.eksupgrader.workflows.model.ComponentInspectionRequest;
import io.eksupgrader.workflows.model.ComponentOptions;
import io.eksupgrader.workflows.model.PreflightFinding;
import io.eksupgrader.workflows.model.IstioInstallation;
import io.eksupgrader.workflows.model.KarpenterInstallation;
import io.eksupgrader.workflows.planning.ComponentPlanner;
import io.eksupgrader.workflows.planning.PreflightFindings;
import io.eksupgrader.workflows.activities.KarpenterActivities;
import io.eksupgrader.workflows.model.FargateProfileInfo;
import io.eksupgrader.workflows.model.FargateRecycleRequest;
import io.eksupgrader.workflows.model.FargateRecycleResult;
import io.eksupgrader.workflows.model.KarpenterDriftRequest;
import io.eksupgrader.workflows.model.KarpenterDriftResult;
import io.eksupgrader.workflows.model.KarpenterInventory;
import io.eksupgrader.workflows.activities.NodeDrainActivities;
import io.eksupgrader.workflows.activities.NodeGroupActivities;
import io.eksupgrader.workflows.activities.SelfManagedNodeGroupActivities;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.CancelRequest;
import io.eksupgrader.workflows.model.ClusterSnapshot;
import io.eksupgrader.workflows.model.DataPlaneInventory;
import io.eksupgrader.workflows.model.SelfManagedGroupInfo;
import io.eksupgrader.workflows.model.ControlPlaneStepRequest;
import io.eksupgrader.workflows.model.ControlPlaneStepResult;
import io.eksupgrader.workflows.model.DecisionAction;
import io.eksupgrader.workflows.model.DeleteNodeGroupRequest;
import io.eksupgrader.workflows.model.DrainBlockage;
import io.eksupgrader.workflows.model.DrainedCheck;
import io.eksupgrader.workflows.model.ForceDeleteAsgRequest;
import io.eksupgrader.workflows.model.KubernetesVersion;
import io.eksupgrader.workflows.model.NodeGroupDeletion;
import io.eksupgrader.workflows.model.NodeGroupInfo;
import io.eksupgrader.workflows.model.NodeGroupReady;
import io.eksupgrader.workflows.model.NodeGroupStepRequest;
import io.eksupgrader.workflows.model.NodeGroupStepResult;
import io.eksupgrader.workflows.model.NodeSetRequest;
import io.eksupgrader.workflows.model.NodeSetResult;
import io.eksupgrader.workflows.model.OpenGate;
import io.eksupgrader.workflows.model.OperatorDecision;
import io.eksupgrader.workflows.model.PendingDecision;
import io.eksupgrader.workflows.model.PlanStep;
import io.eksupgrader.workflows.model.StepKind;
import io.eksupgrader.workflows.model.StepState;
import io.eksupgrader.workflows.model.StepStatus;
import io.eksupgrader.workflows.model.UpgradeOptions;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradePlan;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.model.UpgradeStatus;
import io.eksupgrader.workflows.model.VersionUpdateHandle;
import io.eksupgrader.workflows.planning.PreflightCheck;
import io.eksupgrader.workflows.planning.UpgradePlanner;
import io.eksupgrader.workflows.planning.UpgradeRequestValidation;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.DynamicSignalHandler;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The upgrade of one cluster.
 *
 * <ol>
 *   <li>Validate the request, then pre-flight: inspect the cluster and refuse, before any change,
 *       when it does not exist, is not ACTIVE, runs an update, or the target is not an offered
 *       later minor.
 *   <li>Plan: one control-plane step per minor, each behind an approval gate named after it.
 *   <li>Components (upgrades started since {@value #COMPONENTS_CHANGE} version 1), before the
 *       control plane as seed 003 orders it: Karpenter behind the {@code karpenter} gate ({@link
 *       KarpenterPhase}), then Istio one canary revision per minor ({@link IstioPhase}), each old
 *       revision removed behind a gate of its own. Aborting one of their steps runs that
 *       component's rollback. What pre-flight finds impossible to plan refuses the upgrade first.
 *   <li>For each step: open its gate and wait for {@code approve} or {@code reject} (re-announcing
 *       itself while it waits, never approving by itself); then run the step's child workflow.
 *   <li>Data plane (upgrades started since {@value #DATA_PLANE_CHANGE} version 1): behind the
 *       {@code data-plane} gate, one {@link NodeGroupUpgradeWorkflow} child per node group older
 *       than the target (blue/green: create, wait Ready, cordon, drain), {@code
 *       nodeGroupConcurrency} at a time. Then, per old group, the {@code teardown-<group>} gate
 *       ("check the service") and its deletion, after a safety check that its nodes are cordoned
 *       and empty. When only deleting its Auto Scaling group would let it go, a {@code
 *       delete-asg-<group>} step with a gate of its own is inserted; nothing deletes an ASG
 *       otherwise.
 *   <li>Verify that the cluster runs the target and is ACTIVE, and so do its node groups.
 * </ol>
 *
 * A step whose activity still fails after its retry policy turns FAILED and the upgrade waits for
 * {@code decide}: retry runs that step again (with a new EKS request token), skip goes on, abort
 * ends the upgrade. A node group step blocked by pods also offers force, which runs it again
 * deleting exactly the named pods; skipping or aborting it uncordons the old nodes (its rollback).
 * Steps that completed are never run again. Approvals and decisions that name the wrong gate or
 * step, or arrive malformed, are refused and recorded; none is ever taken as an approval.
 *
 * <p>Upgrades started since {@value #OPERATOR_CHANGE} version 1 also run under an approval policy
 * (the worker's, tightened by the spec's: approver lists per gate type, four eyes, gate types
 * approved without a human), ask the health gates before each gate opens and every few minutes
 * while a control-plane update or a drain runs (a breach stops the drain and waits for a decision;
 * a control-plane update cannot be stopped, so the breach holds the next step), and send
 * notifications without ever waiting for them, except briefly for the last one.
 *
 * <p>Upgrades started since {@value #CANCEL_CHANGE} version 1 handle their own cancellation
 * ({@code eks-upgrader cancel}, or Temporal's cancel): no new step starts; the running node group
 * children stop (each drain at its next heartbeat); the old groups stay, and the old nodes of a
 * group whose drain did not finish are uncordoned (observed first); a control-plane update in
 * flight cannot be stopped, so it is waited for until EKS reports its end, and that end is
 * reported. The upgrade then ends {@link UpgradeOutcome#CANCELLED}.
 */
public class ClusterUpgradeWorkflowImpl implements ClusterUpgradeWorkflow {

  public static final String UPGRADE_REFUSED = "UpgradeRefused";
  public static final String APPROVAL_REFUSED = "ApprovalRefused";
  public static final String DECISION_REFUSED = "DecisionRefused";
  public static final String CANCEL_REFUSED = "CancelRefused";

  /** The change id of the data plane (node groups, drain, teardown) in the upgrade. */
  public static final String DATA_PLANE_CHANGE = "data-plane";

  /**
   * The change id of Karpenter's drift and Fargate's restarts in the data plane: upgrades started
   * before it neither inspect nor plan them.
   */
  public static final String KARPENTER_FARGATE_CHANGE = "karpenter-fargate";

  /** The change id of EKS add-on steps around each control-plane minor. */
  public static final String ADDONS_CHANGE = "addons";

  /**
   * The change id of the component phases: Karpenter (CRDs, chart, EC2NodeClasses) and Istio (one
   * canary revision per minor) before the control plane.
   */
  public static final String COMPONENTS_CHANGE = "components";

  /**
   * The change id of pre-flight's checks: findings instead of refusals for what an operator can
   * fix, the pre-flight gate for warnings, a Velero backup, data-plane passes inserted for the skew
   * rule, checks again before each later minor, and dry runs.
   */
  public static final String PREFLIGHT_CHECKS_CHANGE = "preflight-checks";
  public static final String PREFLIGHT_GATE = "preflight";
  /**
   * Approval policy, health gates, notifications, the region search attribute and workflow metrics.
   */
  public static final String OPERATOR_CHANGE = "operator-experience";
  /** The upgrade handles its own cancellation (see the class comment). */
  public static final String CANCEL_CHANGE = "operator-cancel";
  /**
   * A node group is never replaced with nodes newer than the control plane runs (after a skipped
   * control-plane step): the step is skipped and says why, and so the old group stays.
   */
  public static final String NODE_SKEW_CHANGE = "node-skew-guard";
  /** How long a cancelled upgrade waits for its node group children to stop. */
  static final Duration CHILDREN_STOP_WAIT = Duration.ofMinutes(15);
  /** How often the status is refreshed while a cancelled upgrade waits for a control-plane update. */
  static final Duration CONTROL_PLANE_WAIT_REFRESH = Duration.ofMinutes(5);
  /** How long the upgrade's end waits for its notifications to be delivered. */
  static final Duration NOTIFICATION_GRACE = Duration.ofMinutes(2);
  /** Checks whose blockers concern every control-plane update, whatever minor they name. */
  private static final List<String> CONTROL_PLANE_CHECKS =
      List.of(
          PreflightActivities.SUBNET_FREE_IPS,
          PreflightActivities.CLUSTER_ROLE,
          PreflightActivities.KMS_KEY);
  public static final String PREFLIGHT_REVIEW_STEP = "preflight-review";
  public static final String BACKUP_STEP = "backup";

  private static final Logger log = Workflow.getLogger(ClusterUpgradeWorkflowImpl.class);
  private static final Set<String> APPROVAL_FIELDS = Set.of("gate", "by", "comment");
  private static final Set<String> DECISION_FIELDS = Set.of("step", "action", "by", "comment");

  private final ClusterInspectionActivities inspection =
      Workflow.newActivityStub(ClusterInspectionActivities.class);
  private final NodeGroupActivities nodeGroups = Workflow.newActivityStub(NodeGroupActivities.class);
  private final NodeDrainActivities drain = Workflow.newActivityStub(NodeDrainActivities.class);
  private final SelfManagedNodeGroupActivities selfManaged =
      Workflow.newActivityStub(SelfManagedNodeGroupActivities.class);
  private final KarpenterActivities karpenter = Workflow.newActivityStub(KarpenterActivities.class);
  private final FargateActivities fargate = Workflow.newActivityStub(FargateActivities.class);
  private final AddonActivities addonActivities = Workflow.newActivityStub(AddonActivities.class);
  private final KarpenterUpgradeActivities karpenterUpgrade =
      Workflow.newActivityStub(KarpenterUpgradeActivities.class);
  private final IstioActivities istioActivities = Workflow.newActivityStub(IstioActivities.class);
  private final PreflightActivities checks = Workflow.newActivityStub(PreflightActivities.class);
  private final BackupActivities backups = Workflow.newActivityStub(BackupActivities.class);
  private final HealthGateActivities healthGates = Workflow.newActivityStub(HealthGateActivities.class);
  private final NotificationActivities notifier = Workflow.newActivityStub(NotificationActivities.class);
  private final ApprovalPolicyActivities approvalPolicies =
      Workflow.newActivityStub(ApprovalPolicyActivities.class);

  private UpgradeRequest request;
  private String workflowId;
  private UpgradePlan plan;
  private final List<StepProgress> steps = new ArrayList<>();
  private final List<AuditEntry> audit = new ArrayList<>();
  private UpgradeOutcome outcome = UpgradeOutcome.RUNNING;
  private String phase = UpgradePlanner.PREFLIGHT_STEP;
  private String currentVersion;
  private String lastError;
  private Instant startedAt;

  private GateWait gate;
  private PendingWait pending;

  private boolean dataPlane;
  private boolean karpenterAndFargate;
  /** The wait for Karpenter's drift, started with the data plane's first step. */
  private Promise<KarpenterDriftResult> driftWatch;
  private boolean driftWatchUsed;
  private boolean addonsPlanned;
  private boolean componentsPlanned;
  private boolean checksPlanned;
  private boolean operatorExperience;
  private boolean nodeSkewGuarded;
  private ApprovalPolicy policy;
  private HealthReport lastHealth;
  private final List<String> healthBreaches = new ArrayList<>();
  /** A breach seen while a step that cannot be stopped ran; the next step waits for a decision. */
  private String breachDuringStep;
  private final List<Promise<NotificationResult>> notifications = new ArrayList<>();
  private final Map<String, CancellationScope> nodeGroupScopes = new HashMap<>();
  private boolean cancelHandled;
  /** Who announced the cancellation through {@code eks-upgrader cancel}; null otherwise. */
  private CancelRequest cancelRequest;
  /** Every node group child started, by step id, so that a cancellation can wait for them to stop. */
  private final Map<String, Promise<NodeGroupStepResult>> nodeGroupChildren = new LinkedHashMap<>();
  /** The control-plane child that runs now, outside the cancellation: EKS cannot stop its update. */
  private Promise<ControlPlaneStepResult> controlPlaneRunning;
  private StepProgress controlPlaneStep;
  private KarpenterInstallation karpenterFound;
  private IstioInstallation istioFound;
  private KarpenterPhase karpenterPhase;
  private IstioPhase istioPhase;
  private List<AddonInfo> addons;
  /** What pre-flight's checks found, blockers first. */
  private List<PreflightFinding> findings = List.of();
  private DataPlaneInventory inventory;
  /** Node group children started ahead of their step because of nodeGroupConcurrency. */
  private final Map<String, Promise<NodeGroupStepResult>> startedAhead = new HashMap<>();
  /** What each replaced group's old nodes looked like after the drain, for its teardown gate. */
  private final Map<String, DrainedCheck> drainChecks = new LinkedHashMap<>();

  @Override
  public UpgradeResult upgrade(UpgradeRequest upgradeRequest) {
    try {
      return run(upgradeRequest);
    } catch (CanceledFailure cancelled) {
      if (cancelHandled) {
        // Detached: the rollback and the wait for EKS must run although the workflow is cancelled.
        Workflow.newDetachedCancellationScope(this::afterCancellation).run();
      }
      // Temporal closes a cancelled workflow as Canceled whatever it returns; the status query keeps
      // the outcome and what was done.
      throw cancelled;
    }
  }

  private UpgradeResult run(UpgradeRequest upgradeRequest) {
    this.request = upgradeRequest;
    this.workflowId = Workflow.getInfo().getWorkflowId();
    this.startedAt = now();
    Workflow.registerListener((DynamicSignalHandler) this::onSignal);
    dataPlane = Workflow.getVersion(DATA_PLANE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    karpenterAndFargate =
        dataPlane && Workflow.getVersion(KARPENTER_FARGATE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    addonsPlanned =
        karpenterAndFargate && Workflow.getVersion(ADDONS_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    componentsPlanned =
        addonsPlanned && Workflow.getVersion(COMPONENTS_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    checksPlanned =
        componentsPlanned && Workflow.getVersion(PREFLIGHT_CHECKS_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    operatorExperience =
        checksPlanned && Workflow.getVersion(OPERATOR_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    cancelHandled =
        operatorExperience && Workflow.getVersion(CANCEL_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    nodeSkewGuarded =
        cancelHandled && Workflow.getVersion(NODE_SKEW_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;

    StepProgress preflight = new StepProgress(UpgradePlanner.preflightStep(null));
    steps.add(preflight);
    List<String> problems = UpgradeRequestValidation.problems(upgradeRequest);
    if (!problems.isEmpty()) {
      return refuse(preflight, problems);
    }
    List<SearchAttributeUpdate<String>> identifying =
        new ArrayList<>(
            List.of(
                SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.CLUSTER, request.cluster().toString()),
                SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.TARGET_VERSION, request.targetVersion()),
                SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.PHASE, phase)));
    if (operatorExperience) {
      identifying.add(SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.REGION, request.cluster().region()));
    }
    Workflow.upsertTypedSearchAttributes(identifying.toArray(SearchAttributeUpdate[]::new));
    if (operatorExperience) {
      ApprovalRules.Merged merged =
          ApprovalRules.merge(approvalPolicies.loadApprovalPolicy(), request.optionsOrDefaults().approvals());
      if (!merged.problems().isEmpty()) {
        return refuse(preflight, merged.problems());
      }
      policy = merged.policy();
    }

    ClusterSnapshot[] observed = new ClusterSnapshot[1];
    boolean go =
        runStep(
            preflight,
            List.of(DecisionAction.RETRY, DecisionAction.ABORT),
            () -> {
              observed[0] = inspection.inspectCluster(request.cluster());
              String found = "cluster " + observed[0].status() + " at " + observed[0].version();
              if (dataPlane && observed[0].exists()) {
                // Arguments run left to right: the activities are scheduled in this order.
                inventory =
                    new DataPlaneInventory(
                        nodeGroups.listNodeGroups(request.cluster()),
                        selfManaged.listSelfManagedNodeGroups(request.cluster()),
                        karpenterAndFargate ? karpenter.inspectKarpenter(request.cluster()) : null,
                        karpenterAndFargate ? fargate.listFargateProfiles(request.cluster()) : null);
                found += "; " + describe(inventory);
              }
              if (addonsPlanned && observed[0].exists()) {
                addons = addonActivities.listAddons(request.cluster());
                found +=
                    "; EKS add-ons: "
                        + (addons.isEmpty()
                            ? "none"
                            : addons.stream()
                                .map(a -> a.name() + " " + a.version() + " (" + a.status() + ")")
                                .collect(Collectors.joining(", ")));
              }
              if (componentsPlanned && observed[0].exists()) {
                ComponentOptions components = request.optionsOrDefaults().componentsOrDefaults();
                karpenterFound =
                    karpenterUpgrade.inspectKarpenterInstallation(
                        componentInspection(observed[0].version(), components.karpenterOrDefaults().version()));
                istioFound =
                    istioActivities.inspectIstio(
                        componentInspection(observed[0].version(), components.istioOrDefaults().version()));
                found += "; " + describeComponents();
              }
              if (checksPlanned
                  && observed[0].exists()
                  && PreflightCheck.blockers(observed[0], request.targetVersion()).isEmpty()) {
                findings = runChecks(observed[0].version(), UpgradePlanner.minorSteps(
                    KubernetesVersion.parse(observed[0].version()), KubernetesVersion.parse(request.targetVersion())));
                found += "; checks: " + PreflightFindings.count(findings);
                List<PreflightFinding> blocking = PreflightFindings.blockers(findings);
                if (!blocking.isEmpty() && !request.optionsOrDefaults().dryRun()) {
                  throw new StepCheckFailed(
                      PreflightFindings.describeBlockers(blocking)
                          + ". Fix them, then decide retry to run pre-flight again; nothing has been changed");
                }
              }
              return found;
            });
    if (!go) {
      return end(UpgradeOutcome.ABORTED, "aborted by an operator during pre-flight; nothing was changed");
    }
    ClusterSnapshot snapshot = observed[0];
    currentVersion = snapshot.version();
    List<String> blockers = new ArrayList<>(PreflightCheck.blockers(snapshot, request.targetVersion()));
    if (blockers.isEmpty() && componentsPlanned && !checksPlanned) {
      blockers.addAll(
          ComponentPlanner.blockers(karpenterFound, istioFound, request.optionsOrDefaults().componentsOrDefaults()));
    }
    if (!blockers.isEmpty()) {
      return refuse(preflight, blockers);
    }

    plan =
        dataPlane
            ? UpgradePlanner.plan(
                request.cluster(),
                snapshot.version(),
                request.targetVersion(),
                inventory,
                addonsPlanned ? addons : null,
                componentsPlanned ? componentSteps(snapshot.version()) : List.of(),
                checksPlanned)
            : UpgradePlanner.plan(request.cluster(), snapshot.version(), request.targetVersion());
    if (operatorExperience) {
      PhaseSelection phases = request.optionsOrDefaults().phasesOrAll();
      List<String> phaseProblems = Phases.problems(plan, phases);
      if (!phaseProblems.isEmpty()) {
        return refuse(preflight, phaseProblems);
      }
      plan = Phases.apply(plan, phases);
    }
    if (checksPlanned) {
      plan = withReviewAndBackup(plan);
      findings = PreflightFindings.sorted(concat(findings, PreflightFindings.skewPasses(plan)));
    }
    for (PlanStep step : plan.steps().subList(1, plan.steps().size())) {
      steps.add(new StepProgress(step));
    }
    if (checksPlanned && request.optionsOrDefaults().dryRun()) {
      return end(
          UpgradeOutcome.PLANNED,
          "dry run: the plan has " + (plan.steps().size() - 1) + " steps after pre-flight; " + PreflightFindings.count(findings)
              + "; nothing was changed");
    }
    refreshDetails();
    log.info(
        "Plan for {}: {}",
        workflowId,
        plan.steps().stream().map(PlanStep::id).collect(Collectors.joining(" → ")));

    // By index: a teardown may insert the step that deletes its Auto Scaling group after itself.
    for (int index = 0; index < steps.size(); index++) {
      StepProgress step = steps.get(index);
      if (step.state.isFinished()) {
        continue;
      }
      if (step.step.kind() == StepKind.TEARDOWN && replacementSkipped(step.step.nodeGroup())) {
        step.state = StepState.SKIPPED;
        step.detail = "the replacement of " + step.step.nodeGroup() + " was skipped, so the old group stays";
        refreshDetails();
        continue;
      }
      if (nodeSkewGuarded && isReplacement(step.step.kind()) && newerThanControlPlane(step.step.toVersion())) {
        step.state = StepState.SKIPPED;
        step.detail =
            "skipped: its nodes would run " + step.step.toVersion() + " while the control plane runs " + currentVersion
                + " (a control-plane step was skipped), and nodes may not be newer than the control plane;"
                + " the old group stays";
        log.warn("Step {}: {}", step.step.id(), step.detail);
        refreshDetails();
        continue;
      }
      if (operatorExperience && (step.step.gate() != null || breachDuringStep != null) && !healthCheckpoint(step)) {
        return end(
            UpgradeOutcome.ABORTED,
            "aborted by an operator at a health pause before step " + step.step.id() + "; the cluster runs " + currentVersion);
      }
      if (step.step.gate() != null && !awaitGate(step)) {
        step.state = StepState.REJECTED;
        step.finishedAt = now();
        return end(
            UpgradeOutcome.REJECTED,
            "gate " + step.step.gate() + " was rejected; the cluster stays at " + currentVersion);
      }
      watchKarpenterFrom();
      List<DecisionAction> allowed =
          List.of(DecisionAction.RETRY, DecisionAction.SKIP, DecisionAction.ABORT);
      int position = index;
      boolean carryOn =
          switch (step.step.kind()) {
            case CONTROL_PLANE -> runStep(step, allowed, () -> upgradeControlPlane(step));
            case ADDON -> runStep(step, allowed, () -> updateAddon(step));
            case NODE_GROUP, SELF_MANAGED_GROUP -> runStep(step, allowed, () -> replaceNodeGroup(step, position));
            case TEARDOWN -> runStep(step, allowed, () -> tearDown(step, position));
            case ASG_DELETE -> runStep(step, allowed, () -> forceDeleteAsg(step));
            case KARPENTER_STORAGE, KARPENTER_CRDS, KARPENTER_CONTROLLER, KARPENTER_NODE_CLASSES, KARPENTER_EXTERNAL ->
                runStep(step, allowed, () -> karpenterPhase.run(step.step));
            case ISTIO_INSTALL, ISTIO_WORKLOADS, ISTIO_GATEWAYS, ISTIO_VALIDATE, ISTIO_REMOVE ->
                runStep(step, allowed, () -> istioPhase.run(step.step));
            case KARPENTER_DRIFT -> runStep(step, allowed, () -> awaitKarpenterDrift(step));
            case FARGATE_PROFILE -> runStep(step, allowed, () -> recycleFargatePods(step));
            case VERIFY -> runStep(step, allowed, this::verify);
            case PREFLIGHT_REVIEW -> runStep(step, allowed, this::reviewPreflight);
            case BACKUP -> runStep(step, allowed, this::backUp);
            case PREFLIGHT -> true;
          };
      if (!carryOn) {
        return end(
            UpgradeOutcome.ABORTED,
            "aborted by an operator at step " + step.step.id() + "; the cluster runs " + currentVersion);
      }
    }
    return end(
        UpgradeOutcome.SUCCEEDED,
        "cluster " + request.cluster() + " runs Kubernetes " + currentVersion);
  }

  // ---- pre-flight checks --------------------------------------------------------------------

  /**
   * Every check, side by side: the activities read the cluster and its account; Karpenter's and
   * Istio's findings come from their inspections; a check whose activity still fails after its
   * retries becomes a warning that names it, so that one unreadable API does not hide the others.
   */
  private List<PreflightFinding> runChecks(String current, List<KubernetesVersion> minors) {
    PreflightActivities.PreflightRequest checkRequest = checkRequest(current, minors);
    Map<String, Promise<List<PreflightFinding>>> running = new LinkedHashMap<>();
    running.put(PreflightActivities.INSIGHTS, Async.function(checks::checkUpgradeInsights, checkRequest));
    running.put(PreflightActivities.DEPRECATED_API, Async.function(checks::checkDeprecatedApis, checkRequest));
    running.put("cluster-resources", Async.function(checks::checkClusterResources, checkRequest));
    running.put("addons", Async.function(checks::checkAddons, checkRequest));
    running.put("workloads", Async.function(checks::checkWorkloads, checkRequest));
    running.put(PreflightActivities.SUPPORT_WINDOW, Async.function(checks::checkSupportWindow, checkRequest));
    List<PreflightFinding> all = new ArrayList<>(collect(running));
    ComponentOptions components = request.optionsOrDefaults().componentsOrDefaults();
    all.addAll(
        PreflightFindings.components(
            karpenterFound,
            istioFound,
            ComponentPlanner.blockers(karpenterFound, null, components),
            ComponentPlanner.blockers(null, istioFound, components)));
    return PreflightFindings.sorted(all);
  }

  private PreflightActivities.PreflightRequest checkRequest(String current, List<KubernetesVersion> minors) {
    List<String> replaced = new ArrayList<>();
    List<String> replacedInstances = new ArrayList<>();
    if (inventory != null) {
      inventory.managedNodeGroups().forEach(g -> replaced.add(g.name()));
      inventory.selfManagedGroups().forEach(g -> replacedInstances.addAll(g.instanceIds()));
    }
    return new PreflightActivities.PreflightRequest(
        request.cluster(),
        current,
        request.targetVersion(),
        minors.stream().map(KubernetesVersion::toString).toList(),
        request.optionsOrDefaults().drainOrDefaults(),
        replaced,
        replacedInstances,
        request.optionsOrDefaults().backupEnabled() ? request.optionsOrDefaults().backup() : null);
  }

  private static List<PreflightFinding> collect(Map<String, Promise<List<PreflightFinding>>> running) {
    List<PreflightFinding> all = new ArrayList<>();
    for (Map.Entry<String, Promise<List<PreflightFinding>>> check : running.entrySet()) {
      try {
        all.addAll(check.getValue().get());
      } catch (ActivityFailure e) {
        all.add(PreflightFindings.checkFailed(check.getKey(), describe(e)));
      }
    }
    return all;
  }

  /**
   * Before a later minor, the checks that can change while the upgrade runs: insights for that
   * minor, APIs removed in it, skew and what the drains will meet, free addresses. Its blockers
   * fail the control-plane step before it calls EKS.
   */
  private void recheckBefore(KubernetesVersion minor) {
    PreflightActivities.PreflightRequest checkRequest = checkRequest(currentVersion, List.of(minor));
    Map<String, Promise<List<PreflightFinding>>> running = new LinkedHashMap<>();
    running.put(PreflightActivities.INSIGHTS, Async.function(checks::checkUpgradeInsights, checkRequest));
    running.put(PreflightActivities.DEPRECATED_API, Async.function(checks::checkDeprecatedApis, checkRequest));
    running.put("cluster-resources", Async.function(checks::checkClusterResources, checkRequest));
    running.put("workloads", Async.function(checks::checkWorkloads, checkRequest));
    // What the drains will meet is the drain's to stop on; only what blocks this minor stops it.
    List<PreflightFinding> blocking =
        PreflightFindings.blockers(collect(running)).stream()
            .filter(f -> minor.toString().equals(f.minor()) || CONTROL_PLANE_CHECKS.contains(f.check()))
            .toList();
    if (!blocking.isEmpty()) {
      throw new StepCheckFailed(
          "pre-flight before " + minor + ": " + PreflightFindings.describeBlockers(blocking)
              + ". Fix them, then decide retry; EKS was not called for " + minor);
    }
  }

  private boolean firstControlPlaneStep(StepProgress step) {
    return steps.stream().filter(s -> s.step.kind() == StepKind.CONTROL_PLANE).findFirst().orElse(null) == step;
  }

  /** The plan with the pre-flight gate (when there are warnings) and the backup before any change. */
  private UpgradePlan withReviewAndBackup(UpgradePlan built) {
    List<PlanStep> with = new ArrayList<>();
    with.add(built.steps().get(0));
    List<PreflightFinding> warnings = PreflightFindings.warnings(findings);
    if (!warnings.isEmpty()) {
      with.add(
          new PlanStep(
              PREFLIGHT_REVIEW_STEP,
              StepKind.PREFLIGHT_REVIEW,
              "review pre-flight's " + warnings.size() + " warning(s) before anything changes",
              null,
              null,
              PREFLIGHT_GATE));
    }
    if (request.optionsOrDefaults().backupEnabled()) {
      with.add(
          new PlanStep(
              BACKUP_STEP,
              StepKind.BACKUP,
              "back the cluster up with Velero (namespace " + request.optionsOrDefaults().backup().namespaceOrDefault()
                  + ") before the first change",
              null,
              null,
              null));
    }
    with.addAll(built.steps().subList(1, built.steps().size()));
    return new UpgradePlan(built.cluster(), built.currentVersion(), built.targetVersion(), List.copyOf(with));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private String reviewPreflight() {
    List<PreflightFinding> warnings = PreflightFindings.warnings(findings);
    return "pre-flight's " + warnings.size() + " warning(s) were approved at gate " + PREFLIGHT_GATE;
  }

  /** A Velero backup, named after this run of the upgrade so that a retry waits for the same one. */
  private String backUp() {
    var options = request.optionsOrDefaults().backup();
    String suffix =
        WorkflowIds.requestToken(workflowId, Workflow.getInfo().getFirstExecutionRunId(), BACKUP_STEP, 1).substring(0, 8);
    String cluster = request.cluster().name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    String name = ("eks-upgrade-" + cluster).substring(0, Math.min(("eks-upgrade-" + cluster).length(), 53)) + "-" + suffix;
    BackupActivities.BackupRequest backup =
        new BackupActivities.BackupRequest(
            request.cluster(), options.namespaceOrDefault(), name, options.storageLocation(), options.ttl());
    BackupActivities.BackupStatus created = backups.createBackup(backup);
    BackupActivities.BackupStatus done = backups.awaitBackup(backup);
    return "Velero backup " + options.namespaceOrDefault() + "/" + name + (created.created() ? "" : " (found, not created again)")
        + " " + done.phase() + ": " + done.itemsBackedUp() + " item(s)";
  }

  private ComponentInspectionRequest componentInspection(String currentVersion, String pinned) {
    return new ComponentInspectionRequest(request.cluster(), currentVersion, request.targetVersion(), pinned);
  }

  /** The Karpenter and Istio steps, with the phases that run them and keep their rollback points. */
  private List<PlanStep> componentSteps(String currentVersion) {
    ComponentOptions components = request.optionsOrDefaults().componentsOrDefaults();
    List<PlanStep> planned = new ArrayList<>();
    List<PlanStep> karpenterSteps = ComponentPlanner.karpenterSteps(karpenterFound, components.karpenterOrDefaults());
    if (!karpenterSteps.isEmpty()) {
      karpenterPhase =
          new KarpenterPhase(
              componentInspection(currentVersion, components.karpenterOrDefaults().version()),
              karpenterFound,
              components.karpenterOrDefaults());
      planned.addAll(karpenterSteps);
    }
    List<PlanStep> istioSteps = ComponentPlanner.istioSteps(istioFound, components.istioOrDefaults());
    if (!istioSteps.isEmpty()) {
      istioPhase =
          new IstioPhase(
              componentInspection(currentVersion, components.istioOrDefaults().version()),
              istioFound,
              components.istioOrDefaults());
      planned.addAll(istioSteps);
    }
    return planned;
  }

  private String describeComponents() {
    List<String> parts = new ArrayList<>();
    if (karpenterFound.installed()) {
      parts.add(
          "Karpenter "
              + karpenterFound.controllerVersion()
              + (karpenterFound.target().upgradeNeeded()
                  ? " (" + karpenterFound.target().reason() + ")"
                  : " (supports every minor on the way)"));
    } else {
      parts.add("no Karpenter controller");
    }
    if (istioFound.installed()) {
      parts.add(
          "Istio revisions "
              + istioFound.revisions().stream()
                  .map(r -> r.name() + " " + r.version())
                  .collect(Collectors.joining(", "))
              + (istioFound.target().upgradeNeeded()
                  ? " (" + istioFound.target().reason() + ")"
                  : " (supports every minor on the way)"));
    } else {
      parts.add("no Istio");
    }
    return String.join("; ", parts);
  }

  private static boolean isKarpenterStep(StepKind kind) {
    return kind == StepKind.KARPENTER_STORAGE
        || kind == StepKind.KARPENTER_CRDS
        || kind == StepKind.KARPENTER_CONTROLLER
        || kind == StepKind.KARPENTER_NODE_CLASSES
        || kind == StepKind.KARPENTER_EXTERNAL;
  }

  private static boolean isIstioStep(StepKind kind) {
    return kind == StepKind.ISTIO_INSTALL
        || kind == StepKind.ISTIO_WORKLOADS
        || kind == StepKind.ISTIO_GATEWAYS
        || kind == StepKind.ISTIO_VALIDATE
        || kind == StepKind.ISTIO_REMOVE;
  }

  private String upgradeControlPlane(StepProgress step) {
    PlanStep planStep = step.step;
    if (checksPlanned && !firstControlPlaneStep(step)) {
      recheckBefore(KubernetesVersion.parse(planStep.toVersion()));
    }
    String childId = WorkflowIds.step(workflowId, planStep.id());
    if (step.attempts > 1) {
      childId = childId + "/attempt-" + step.attempts;
    }
    ControlPlaneUpgradeWorkflow child =
        Workflow.newChildWorkflowStub(
            ControlPlaneUpgradeWorkflow.class,
            ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
    String token =
        WorkflowIds.requestToken(
            workflowId, Workflow.getInfo().getFirstExecutionRunId(), planStep.id(), step.attempts);
    ControlPlaneStepRequest stepRequest =
        new ControlPlaneStepRequest(request.cluster(), planStep.fromVersion(), planStep.toVersion(), token);
    ControlPlaneStepResult result;
    if (cancelHandled) {
      // Outside the workflow's cancellation: a cancelled upgrade still observes the update to its end.
      List<Promise<ControlPlaneStepResult>> started = new ArrayList<>();
      Workflow.newDetachedCancellationScope(() -> started.add(Async.function(child::upgrade, stepRequest))).run();
      controlPlaneRunning = started.get(0);
      controlPlaneStep = step;
      String breach = watchHealth(controlPlaneRunning, "while the control plane updates to " + planStep.toVersion());
      if (breach != null) {
        breachDuringStep = breach;
      }
      result = controlPlaneRunning.cancellableGet();
      controlPlaneRunning = null;
      controlPlaneStep = null;
    } else if (operatorExperience) {
      Promise<ControlPlaneStepResult> running = Async.function(child::upgrade, stepRequest);
      // An EKS control-plane update cannot be stopped: a breach holds the step after it instead.
      String breach = watchHealth(running, "while the control plane updates to " + planStep.toVersion());
      if (breach != null) {
        breachDuringStep = breach;
      }
      result = running.get();
    } else {
      result = child.upgrade(stepRequest);
    }
    currentVersion = result.finalVersion();
    return describe(result);
  }

  private static String describe(ControlPlaneStepResult result) {
    return result.how() == VersionUpdateHandle.How.ALREADY_AT_TARGET
        ? "already at " + result.finalVersion() + "; nothing was called"
        : "update "
            + result.updateId()
            + (result.how() == VersionUpdateHandle.How.ADOPTED ? " (adopted)" : "")
            + " succeeded after "
            + result.polls()
            + " polls; control plane at "
            + result.finalVersion();
  }

  private String updateAddon(StepProgress step) {
    String addon = step.step.target();
    AddonOptions options = request.optionsOrDefaults().addonsOrDefaults();
    // A pinned version is meant for the target; intermediate minors get EKS's default.
    String pinned =
        step.step.toVersion().equals(request.targetVersion()) ? options.versions().get(addon) : null;
    String token =
        WorkflowIds.requestToken(
            workflowId, Workflow.getInfo().getFirstExecutionRunId(), step.step.id(), step.attempts);
    AddonUpdateHandle handle =
        addonActivities.startAddonUpdate(
            new AddonUpdateRequest(
                request.cluster(), addon, step.step.toVersion(), pinned, options.resolveConflictsOrDefault(), token));
    if (handle.how() == AddonUpdateHandle.How.ALREADY_AT_TARGET) {
      return addon + " already runs " + handle.targetVersion() + "; nothing was called";
    }
    AddonUpdateOutcome outcome =
        addonActivities.awaitAddonUpdate(
            new AwaitAddonRequest(request.cluster(), addon, handle.updateId(), handle.targetVersion()));
    return addon
        + " "
        + handle.fromVersion()
        + " → "
        + outcome.version()
        + (handle.how() == AddonUpdateHandle.How.ADOPTED ? " (update " + handle.updateId() + " adopted)" : "")
        + ", ACTIVE after "
        + outcome.polls()
        + " polls";
  }

  private String verify() {
    ClusterSnapshot snapshot = inspection.inspectCluster(request.cluster());
    currentVersion = snapshot.version();
    if (!request.targetVersion().equals(snapshot.version()) || !"ACTIVE".equals(snapshot.status())) {
      throw new StepCheckFailed(
          "the cluster reports "
              + snapshot.version()
              + " and "
              + snapshot.status()
              + ", expected "
              + request.targetVersion()
              + " and ACTIVE");
    }
    if (!dataPlane) {
      return "cluster ACTIVE at " + snapshot.version();
    }
    KubernetesVersion target = KubernetesVersion.parse(request.targetVersion());
    List<NodeGroupInfo> groups = nodeGroups.listNodeGroups(request.cluster());
    List<String> kept = new ArrayList<>();
    List<String> behind = new ArrayList<>();
    for (NodeGroupInfo group : UpgradePlanner.groupsToReplace(groups, target)) {
      (keptByDecision(group.name()) ? kept : behind).add(group.name() + " (" + group.version() + ")");
    }
    List<SelfManagedGroupInfo> asgs = selfManaged.listSelfManagedNodeGroups(request.cluster());
    for (SelfManagedGroupInfo group : UpgradePlanner.selfManagedToReplace(asgs, target)) {
      (keptByDecision(group.name()) ? kept : behind).add("self-managed " + group.name() + " (" + group.version() + ")");
    }
    String addonVersions = "";
    if (addonsPlanned) {
      List<AddonInfo> now = addonActivities.listAddons(request.cluster());
      for (AddonInfo addon : now) {
        if (!"ACTIVE".equals(addon.status())) {
          (addonStepSkipped(addon.name()) ? kept : behind).add("add-on " + addon.name() + " (" + addon.status() + ")");
        }
      }
      addonVersions =
          now.isEmpty()
              ? ""
              : "; add-ons: " + now.stream().map(a -> a.name() + " " + a.version()).collect(Collectors.joining(", "));
    }
    String karpenterNodes = "";
    if (karpenterAndFargate) {
      KarpenterInventory found = karpenter.inspectKarpenter(request.cluster());
      List<KarpenterInventory.KarpenterNode> old = UpgradePlanner.karpenterNodesBehind(found, target);
      String listed =
          old.stream().map(n -> n.name() + " (" + n.version() + ")").collect(Collectors.joining(", "));
      if (!old.isEmpty()) {
        (karpenterDriftSkipped() ? kept : behind).add("Karpenter nodes " + listed);
      }
      karpenterNodes =
          found.installed() ? "; Karpenter nodes: " + found.nodes().size() + " (" + (found.nodes().size() - old.size()) + " at " + target + ")" : "";
    }
    String components = componentsPlanned ? verifyComponents(kept, behind) : "";
    if (!behind.isEmpty()) {
      throw new StepCheckFailed(
          "still behind " + target + " or not ACTIVE: " + String.join(", ", behind));
    }
    return "cluster ACTIVE at "
        + snapshot.version()
        + "; node groups: "
        + (groups.isEmpty()
            ? "none"
            : groups.stream().map(g -> g.name() + " " + g.version()).collect(Collectors.joining(", ")))
        + (asgs.isEmpty()
            ? ""
            : "; self-managed: "
                + asgs.stream().map(g -> g.name() + " " + g.version()).collect(Collectors.joining(", ")))
        + karpenterNodes
        + components
        + addonVersions
        + (kept.isEmpty() ? "" : "; kept behind by an operator's decision: " + String.join(", ", kept))
        + (phaseOff(true) || phaseOff(false)
            ? " (or because the spec's phases leave out " + (phaseOff(true) ? "the data plane" : "the add-ons")
                + (phaseOff(true) && phaseOff(false) ? " and the add-ons" : "") + ")"
            : "");
  }

  /**
   * Karpenter runs the version its steps moved it to, with no node class left to change, and every
   * injected pod runs the last Istio revision; unless an operator skipped the step concerned.
   */
  private String verifyComponents(List<String> kept, List<String> behind) {
    List<String> parts = new ArrayList<>();
    ComponentOptions components = request.optionsOrDefaults().componentsOrDefaults();
    if (karpenterPhase != null) {
      KarpenterInstallation now =
          karpenterUpgrade.inspectKarpenterInstallation(
              componentInspection(currentVersion, components.karpenterOrDefaults().version()));
      String wanted = karpenterFound.target().finalVersion();
      List<String> off = new ArrayList<>();
      if (!wanted.equals(now.controllerVersion())) {
        off.add("Karpenter runs " + now.controllerVersion() + ", not " + wanted);
      }
      now.nodeClassChanges().forEach(c -> off.add("EC2NodeClass " + c.name() + " still needs " + c.change()));
      (componentStepSkipped(true) ? kept : behind).addAll(off);
      parts.add("Karpenter " + now.controllerVersion());
    }
    if (istioPhase != null) {
      IstioActivities.Validation validation =
          istioActivities.validateRevision(
              new IstioActivities.RevisionRequest(
                  request.cluster(), istioFound.namespace(), istioPhase.finalRevision(), istioPhase.finalVersion(), false));
      if (!validation.podsOnOtherRevisions().isEmpty()) {
        (componentStepSkipped(false) ? kept : behind)
            .add(
                "sidecars not on Istio revision "
                    + istioPhase.finalRevision()
                    + ": "
                    + String.join(", ", validation.podsOnOtherRevisions()));
      }
      parts.add("Istio revision " + istioPhase.finalRevision() + " (" + istioPhase.finalVersion() + ")");
    }
    return parts.isEmpty() ? "" : "; " + String.join("; ", parts);
  }

  private boolean componentStepSkipped(boolean karpenterSteps) {
    return steps.stream()
        .anyMatch(
            s ->
                (karpenterSteps ? isKarpenterStep(s.step.kind()) : isIstioStep(s.step.kind()))
                    && s.state == StepState.SKIPPED);
  }

  // ---- data plane ------------------------------------------------------------------------

  /**
   * Karpenter replaces its nodes on its own from the moment the control plane reaches the target,
   * so the wait starts then, with the next step, and runs beside the add-ons and node groups; its
   * step then reports what it saw, launch failures included. Watching changes nothing.
   */
  private void watchKarpenterFrom() {
    boolean controlPlaneAtTarget = request.targetVersion().equals(currentVersion);
    boolean driftPlanned =
        steps.stream().anyMatch(s -> s.step.kind() == StepKind.KARPENTER_DRIFT && !s.state.isFinished());
    if (controlPlaneAtTarget && driftPlanned && driftWatch == null && !driftWatchUsed) {
      driftWatch = startDriftWatch();
    }
  }

  private Promise<KarpenterDriftResult> startDriftWatch() {
    return Async.function(
        karpenter::awaitKarpenterDrift, new KarpenterDriftRequest(request.cluster(), request.targetVersion()));
  }

  private String awaitKarpenterDrift(StepProgress step) {
    // The first attempt takes the wait started with the control plane at the target; a retry waits anew.
    Promise<KarpenterDriftResult> watch =
        driftWatch != null && step.attempts == 1
            ? driftWatch
            : startDriftWatch();
    driftWatch = null;
    driftWatchUsed = true;
    KarpenterDriftResult result = watch.get();
    return "Karpenter's "
        + result.nodes()
        + " node(s) run "
        + request.targetVersion()
        + (result.replaced().isEmpty() ? "" : "; drift replaced " + String.join(", ", result.replaced()))
        + (result.launchFailures().isEmpty()
            ? ""
            : "; launches that failed on the way: " + String.join("; ", result.launchFailures()));
  }

  private boolean addonStepSkipped(String addon) {
    return phaseOff(false) || steps.stream()
        .anyMatch(
            s -> s.step.kind() == StepKind.ADDON && addon.equals(s.step.target()) && s.state == StepState.SKIPPED);
  }

  private boolean karpenterDriftSkipped() {
    return phaseOff(true) || steps.stream()
        .anyMatch(s -> s.step.kind() == StepKind.KARPENTER_DRIFT && s.state == StepState.SKIPPED);
  }

  private String recycleFargatePods(StepProgress step) {
    FargateRecycleResult result =
        fargate.recycleFargatePods(
            new FargateRecycleRequest(request.cluster(), step.step.target(), request.targetVersion()));
    return (result.restarted().isEmpty()
            ? "nothing to restart"
            : "restarted " + String.join(", ", result.restarted()))
        + "; "
        + result.podsAtTarget()
        + " pod(s) of Fargate profile "
        + step.step.target()
        + " run "
        + request.targetVersion();
  }

  private String replaceNodeGroup(StepProgress step, int position) {
    Promise<NodeGroupStepResult> promise = startedAhead.remove(step.step.id());
    if (promise == null || step.attempts > 1) {
      promise = startNodeGroupChild(step);
    }
    // Start the following node groups now, up to the concurrency, so that they run beside this one.
    int concurrency = request.optionsOrDefaults().nodeGroupConcurrencyOrDefault();
    for (int next = position + 1;
        next < steps.size() && startedAhead.size() + 1 < concurrency;
        next++) {
      StepProgress later = steps.get(next);
      if (!isReplacement(later.step.kind())) {
        break;
      }
      if (later.state == StepState.PENDING && !startedAhead.containsKey(later.step.id())) {
        later.state = StepState.RUNNING;
        later.startedAt = now();
        startedAhead.put(later.step.id(), startNodeGroupChild(later));
      }
    }
    if (operatorExperience) {
      String breach = watchHealth(promise, "while node group " + step.step.nodeGroup() + " is replaced");
      if (breach != null) {
        stopNodeGroupChildren();
        if (promise.getFailure() != null) {
          throw new StepCheckFailed(
              breach
                  + ". The replacement of " + step.step.nodeGroup() + " was stopped (evictions already made stay made;"
                  + " cordoned old nodes stay cordoned): retry resumes it where it stopped, skip or abort uncordon"
                  + " the old nodes");
        }
        breachDuringStep = breach;
      }
    }
    NodeGroupStepResult result = promise.get();
    drainChecks.put(result.oldNodeGroup(), result.check());
    return describe(result);
  }

  private Promise<NodeGroupStepResult> startNodeGroupChild(StepProgress step) {
    int attempt = Math.max(1, step.attempts);
    String childId = WorkflowIds.step(workflowId, step.step.id());
    if (attempt > 1) {
      childId = childId + "/attempt-" + attempt;
    }
    NodeGroupUpgradeWorkflow child =
        Workflow.newChildWorkflowStub(
            NodeGroupUpgradeWorkflow.class,
            ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
    String token =
        WorkflowIds.requestToken(
            workflowId, Workflow.getInfo().getFirstExecutionRunId(), step.step.id(), attempt);
    NodeGroupStepRequest stepRequest =
        new NodeGroupStepRequest(
            request.cluster(),
            step.step.nodeGroup(),
            step.step.target(),
            step.step.toVersion(),
            token,
            request.optionsOrDefaults().drainOrDefaults(),
            List.copyOf(step.forcePodUids),
            step.step.kind() == StepKind.SELF_MANAGED_GROUP,
            instanceIdsOf(step.step.nodeGroup()));
    if (!operatorExperience) {
      return Async.function(child::replace, stepRequest);
    }
    // In a scope of its own, so that a health breach can stop its drain.
    List<Promise<NodeGroupStepResult>> started = new ArrayList<>();
    CancellationScope scope = Workflow.newCancellationScope(() -> started.add(Async.function(child::replace, stepRequest)));
    scope.run();
    nodeGroupScopes.put(step.step.id(), scope);
    if (cancelHandled) {
      nodeGroupChildren.put(step.step.id(), started.get(0));
    }
    return started.get(0);
  }

  /**
   * Cancels every running node group child (the drain activities see it at their next heartbeat)
   * and waits until they stopped. Those started ahead of their turn start again when it comes.
   */
  private void stopNodeGroupChildren() {
    nodeGroupScopes.values().forEach(CancellationScope::cancel);
    nodeGroupScopes.clear();
    for (Map.Entry<String, Promise<NodeGroupStepResult>> ahead : startedAhead.entrySet()) {
      try {
        ahead.getValue().get();
      } catch (RuntimeException stopped) {
        // Its own turn runs it again; an earlier attempt's work is observed, not redone.
      }
      StepProgress later = stepProgress(ahead.getKey());
      later.state = StepState.PENDING;
      later.startedAt = null;
    }
    startedAhead.clear();
  }

  /**
   * A self-managed group's instances as pre-flight found them; empty for a managed group. A group
   * this upgrade created (an earlier pass's replacement) is looked up now: its instances did not
   * exist at pre-flight.
   */
  private List<String> instanceIdsOf(String group) {
    if (inventory == null || group == null) {
      return List.of();
    }
    return inventory.selfManagedGroups().stream()
        .filter(g -> g.name().equals(group))
        .findFirst()
        .map(SelfManagedGroupInfo::instanceIds)
        .orElseGet(() -> createdSelfManaged(group) ? instancesNow(group) : List.of());
  }

  private List<String> instancesNow(String group) {
    return selfManaged.listSelfManagedNodeGroups(request.cluster()).stream()
        .filter(g -> g.name().equals(group))
        .findFirst()
        .map(SelfManagedGroupInfo::instanceIds)
        .orElse(List.of());
  }

  /** A self-managed group that an earlier data-plane pass of this upgrade made. */
  private boolean createdSelfManaged(String group) {
    return checksPlanned
        && steps.stream().anyMatch(s -> s.step.kind() == StepKind.SELF_MANAGED_GROUP && group.equals(s.step.target()));
  }

  private boolean isSelfManaged(String group) {
    return inventory != null
        && group != null
        && (inventory.selfManagedGroups().stream().anyMatch(g -> g.name().equals(group)) || createdSelfManaged(group));
  }

  private NodeSetRequest oldNodes(String group) {
    return new NodeSetRequest(request.cluster(), group, instanceIdsOf(group));
  }

  private static String describe(DataPlaneInventory inventory) {
    StringBuilder text = new StringBuilder("managed node groups: ");
    text.append(
        inventory.managedNodeGroups().isEmpty()
            ? "none"
            : inventory.managedNodeGroups().stream()
                .map(g -> g.name() + " (" + g.version() + ", " + g.status() + ")")
                .collect(Collectors.joining(", ")));
    if (!inventory.selfManagedGroups().isEmpty()) {
      text.append("; self-managed: ")
          .append(
              inventory.selfManagedGroups().stream()
                  .map(g -> g.name() + " (" + g.version() + ")")
                  .collect(Collectors.joining(", ")));
    }
    if (inventory.karpenter().installed()) {
      text.append("; Karpenter NodePools: ")
          .append(String.join(", ", inventory.karpenter().nodePools()))
          .append(" (")
          .append(inventory.karpenter().nodes().size())
          .append(" nodes)");
    }
    if (!inventory.fargateProfiles().isEmpty()) {
      text.append("; Fargate profiles: ")
          .append(
              inventory.fargateProfiles().stream()
                  .map(FargateProfileInfo::name)
                  .collect(Collectors.joining(", ")));
    }
    return text.toString();
  }

  private static String describe(NodeGroupStepResult result) {
    List<NodeGroupReady.NodeJoin> joins = result.joins();
    String joined =
        joins.isEmpty()
            ? "no nodes"
            : joins.size()
                + " nodes Ready, joined in "
                + joins.stream().mapToLong(NodeGroupReady.NodeJoin::joinSeconds).min().orElse(0)
                + "–"
                + joins.stream().mapToLong(NodeGroupReady.NodeJoin::joinSeconds).max().orElse(0)
                + " s";
    DrainedCheck check = result.check();
    return result.newNodeGroup()
        + " "
        + result.how().name().toLowerCase()
        + " ("
        + joined
        + "); "
        + result.drainedNodes().size()
        + " old nodes cordoned and drained: "
        + result.evicted()
        + " pods evicted, "
        + result.forceDeleted()
        + " deleted by decision, "
        + result.refusedEvictions()
        + " evictions refused by disruption budgets and retried; "
        + describe(check);
  }

  private static String describe(DrainedCheck check) {
    if (check == null) {
      return "old nodes not checked";
    }
    return check.remainingPods().size()
        + " pods left on the old nodes"
        + (check.remainingPods().isEmpty() ? "" : " (" + String.join(", ", check.remainingPods()) + ")")
        + ", "
        + check.unreadyPods().size()
        + " pods not Ready in the cluster"
        + (check.unreadyPods().isEmpty()
            ? ""
            : " (" + String.join(", ", check.unreadyPods().subList(0, Math.min(10, check.unreadyPods().size()))) + ")");
  }

  /**
   * Deletes an old group, but only after checking again, right before the deletion, that its nodes
   * are cordoned and carry no pods: deleting a group terminates its instances and every pod on
   * them, PodDisruptionBudgets or not.
   */
  private String tearDown(StepProgress step, int position) {
    String group = step.step.nodeGroup();
    DrainedCheck check = drain.checkNodesDrained(oldNodes(group));
    if (!check.drained()) {
      throw new StepCheckFailed(
          "refusing to delete node group "
              + group
              + ": "
              + (check.uncordoned().isEmpty() ? "" : "schedulable nodes " + check.uncordoned() + "; ")
              + describe(check)
              + ". Move those pods off (or cordon the nodes again), then decide retry; or skip to keep the old group");
    }
    NodeGroupDeletion deletion =
        isSelfManaged(group)
            ? selfManaged.deleteSelfManagedNodeGroup(new DeleteNodeGroupRequest(request.cluster(), group))
            : nodeGroups.deleteNodeGroup(new DeleteNodeGroupRequest(request.cluster(), group));
    String released = released(deletion);
    return switch (deletion.outcome()) {
      case DELETED -> "node group " + group + " deleted" + released;
      case ALREADY_GONE -> "node group " + group + " was already gone";
      case ASG_BLOCKS -> {
        PlanStep asgStep =
            UpgradePlanner.asgDeleteStep(group, deletion.autoScalingGroup(), deletion.reason());
        if (steps.stream().noneMatch(s -> s.step.id().equals(asgStep.id()))) {
          steps.add(position + 1, new StepProgress(asgStep));
        }
        yield "EKS cannot delete node group "
            + group
            + " while its Auto Scaling group "
            + deletion.autoScalingGroup()
            + " stands ("
            + deletion.reason()
            + ")"
            + released
            + "; deleting the ASG waits for gate "
            + asgStep.gate();
      }
    };
  }

  private String forceDeleteAsg(StepProgress step) {
    NodeGroupDeletion deletion =
        nodeGroups.forceDeleteAutoScalingGroup(
            new ForceDeleteAsgRequest(request.cluster(), step.step.nodeGroup(), step.step.target()));
    return "Auto Scaling group "
        + step.step.target()
        + " force-deleted; node group "
        + step.step.nodeGroup()
        + " "
        + deletion.outcome().name().toLowerCase().replace('_', ' ');
  }

  private static String released(NodeGroupDeletion deletion) {
    List<String> parts = new ArrayList<>();
    if (!deletion.protectedInstancesReleased().isEmpty()) {
      parts.add("scale-in protection removed from " + String.join(", ", deletion.protectedInstancesReleased()));
    }
    if (deletion.groupProtectionReleased()) {
      parts.add("NewInstancesProtectedFromScaleIn turned off on " + deletion.autoScalingGroup());
    }
    return parts.isEmpty() ? "" : " after " + String.join(" and ", parts);
  }

  /** The rollback of a node group step: the old nodes take pods again. */
  private String uncordonOldNodes(StepProgress step) {
    String group = step.step.nodeGroup();
    try {
      NodeSetResult result = drain.uncordonNodes(oldNodes(group));
      return "old nodes of " + group + " uncordoned: " + result.changed().size() + " of " + result.nodes().size();
    } catch (ActivityFailure e) {
      String message =
          "could not uncordon the old nodes of "
              + group
              + " ("
              + describe(e)
              + "): "
              + uncordonHint(group);
      log.error(message);
      return message;
    }
  }

  private boolean newerThanControlPlane(String nodeVersion) {
    return nodeVersion != null
        && currentVersion != null
        && KubernetesVersion.parse(nodeVersion).isAfter(KubernetesVersion.parse(currentVersion));
  }

  private static boolean isReplacement(StepKind kind) {
    return kind == StepKind.NODE_GROUP || kind == StepKind.SELF_MANAGED_GROUP;
  }

  private String uncordonHint(String group) {
    return isSelfManaged(group)
        ? "kubectl uncordon the nodes of instances " + String.join(", ", instanceIdsOf(group))
        : "kubectl uncordon -l eks.amazonaws.com/nodegroup=" + group;
  }

  private boolean replacementSkipped(String nodeGroup) {
    return steps.stream()
        .anyMatch(
            s ->
                isReplacement(s.step.kind())
                    && nodeGroup.equals(s.step.nodeGroup())
                    && s.state == StepState.SKIPPED);
  }

  /** Whether the spec turned the data plane (or the add-ons) off, so what they would move stays. */
  private boolean phaseOff(boolean dataPlanePhase) {
    PhaseSelection phases = request.optionsOrDefaults().phasesOrAll();
    return operatorExperience && (dataPlanePhase ? !phases.dataPlane() : !phases.addons());
  }

  private boolean keptByDecision(String nodeGroup) {
    return phaseOff(true) || steps.stream()
        .anyMatch(
            s ->
                nodeGroup.equals(s.step.nodeGroup())
                    && (isReplacement(s.step.kind()) || s.step.kind() == StepKind.TEARDOWN)
                    && s.state == StepState.SKIPPED);
  }

  /**
   * Runs a step until it succeeds or an operator decides. Returns false when the operator aborted.
   */
  private boolean runStep(StepProgress step, List<DecisionAction> allowed, Supplier<String> body) {
    while (true) {
      boolean startedAheadOfItsTurn = step.attempts == 0 && step.state == StepState.RUNNING;
      step.attempts++;
      step.state = StepState.RUNNING;
      if (!startedAheadOfItsTurn) {
        step.startedAt = now();
      }
      step.finishedAt = null;
      step.error = null;
      phase = step.step.id();
      upsert(SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.PHASE, phase));
      if (operatorExperience) {
        Workflow.getMetricsScope()
            .tagged(Map.of(UpgradeMetrics.PHASE, step.step.kind().name().toLowerCase(java.util.Locale.ROOT)))
            .counter(UpgradeMetrics.PHASE_TRANSITIONS)
            .inc(1);
      }
      refreshDetails();
      try {
        step.detail = body.get();
        step.state = StepState.SUCCEEDED;
        step.finishedAt = now();
        refreshDetails();
        return true;
      } catch (ActivityFailure | ChildWorkflowFailure | StepCheckFailed e) {
        if (cancelHandled && CancellationScope.current().isCancelRequested()) {
          // The step failed because the upgrade is cancelled: no decision, the cancellation ends it.
          throw new CanceledFailure("the upgrade was cancelled during step " + step.step.id());
        }
        step.state = StepState.FAILED;
        step.finishedAt = now();
        step.error = describe(e);
        lastError = step.step.id() + ": " + step.error;
        log.warn("Step {} failed: {}", step.step.id(), step.error);
        DrainBlockage blockage = NodeGroupUpgradeWorkflowImpl.blockageOf(e);
        step.blockedPods = blockage == null ? List.of() : blockage.pods();
        List<DecisionAction> options = new ArrayList<>(allowed);
        if (isReplacement(step.step.kind()) && !step.blockedPods.isEmpty()) {
          options.add(DecisionAction.FORCE);
        }
        notify(
            NotificationActivities.Events.STEP_FAILED,
            "step " + step.step.id() + " failed and waits for a decision",
            step.error + "\nDecide: `" + cli("decide --step " + step.step.id() + " --retry") + "` (or "
                + options.stream().map(a -> "--" + a.name().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "))
                + "), or signal `" + UpgradeSignals.DECIDE + "` with `" + UpgradeSignals.decisionJson(step.step.id()) + "`");
        DecisionAction action = awaitDecision(step, step.error, options);
        switch (action) {
          case RETRY -> log.info("Step {}: retry decided", step.step.id());
          case FORCE -> {
            step.forcePodUids = step.blockedPods.stream().map(DrainBlockage.BlockedPod::uid).toList();
            step.detail =
                "force decided: the next attempt deletes "
                    + step.blockedPods.stream()
                        .map(p -> p.namespace() + "/" + p.name() + " (uid " + p.uid() + ")")
                        .collect(Collectors.joining(", "));
            log.warn("Step {}: {}", step.step.id(), step.detail);
          }
          case SKIP -> {
            step.state = StepState.SKIPPED;
            if (isReplacement(step.step.kind())) {
              step.detail = "skipped; " + uncordonOldNodes(step);
            }
            return true;
          }
          case ABORT -> {
            step.state = StepState.ABORTED;
            if (isReplacement(step.step.kind())) {
              step.detail = "aborted; " + uncordonOldNodes(step);
            } else if (isKarpenterStep(step.step.kind())) {
              step.detail = "aborted; rollback: " + karpenterPhase.rollback();
            } else if (isIstioStep(step.step.kind())) {
              step.detail = "aborted; rollback: " + istioPhase.rollback(step.step);
            }
            return false;
          }
        }
      }
    }
  }

  private boolean awaitGate(StepProgress step) {
    String gateName = step.step.gate();
    UpgradeOptions options = request.optionsOrDefaults();
    String type = ApprovalRules.gateType(gateName);
    if (!operatorExperience && options.autoApprove()) {
      audit.add(
          new AuditEntry(
              now(), "approve", gateName, request.requestedBy(), null, true, "autoApprove option", "option"));
      return true;
    }
    if (operatorExperience) {
      String automatic = ApprovalRules.autoApproval(policy, options.autoApprove(), type);
      if (automatic != null) {
        audit.add(
            new AuditEntry(
                now(), "approve", gateName, request.requestedBy(), null, true, automatic,
                options.autoApprove() ? "option" : "policy", null));
        return true;
      }
    }
    gate = new GateWait(gateName, step.step.id(), gateSummary(step), now());
    gate.health = lastHealthFor(gateName);
    step.state = StepState.AWAITING_APPROVAL;
    upsert(SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.AWAITING_GATE, gateName));
    refreshDetails();
    log.info(
        "Gate {} is open: send signal '{}' with {}",
        gateName,
        UpgradeSignals.APPROVE,
        UpgradeSignals.approvalJson(gateName));
    notify(NotificationActivities.Events.GATE_OPENED, "gate " + gateName + " waits for approval", gateText(gateName));
    Duration reminder = Duration.ofMinutes(options.reminderMinutesOrDefault());
    while (gate.verdict == null) {
      if (!Workflow.await(reminder, () -> gate.verdict != null)) {
        gate.reminders++;
        gate.lastReminderAt = now();
        log.warn(
            "Gate {} still waits for approval after {} minutes: send signal '{}' or '{}' with {}",
            gateName,
            Duration.between(gate.openedAt, gate.lastReminderAt).toMinutes(),
            UpgradeSignals.APPROVE,
            UpgradeSignals.REJECT,
            UpgradeSignals.approvalJson(gateName));
        notify(
            NotificationActivities.Events.GATE_REMINDER,
            "gate " + gateName + " still waits for approval after "
                + Duration.between(gate.openedAt, gate.lastReminderAt).toMinutes() + " minutes",
            gateText(gateName));
        refreshDetails();
      }
    }
    if (operatorExperience) {
      Workflow.getMetricsScope()
          .tagged(Map.of(UpgradeMetrics.GATE_TYPE, type))
          .timer(UpgradeMetrics.GATE_WAIT)
          .record(com.uber.m3.util.Duration.ofMillis(Duration.between(gate.openedAt, now()).toMillis()));
    }
    boolean approved = gate.verdict;
    gate = null;
    step.state = StepState.PENDING;
    upsert(SearchAttributeUpdate.valueUnset(UpgradeSearchAttributes.AWAITING_GATE));
    return approved;
  }

  private String gateSummary(StepProgress step) {
    if (isKarpenterStep(step.step.kind())) {
      return karpenterPhase.gateSummary();
    }
    if (isIstioStep(step.step.kind())) {
      return istioPhase.gateSummary(step.step);
    }
    if (step.step.kind() == StepKind.TEARDOWN && drainChecks.containsKey(step.step.nodeGroup())) {
      return step.step.title() + ". After the drain: " + describe(drainChecks.get(step.step.nodeGroup()));
    }
    if (step.step.kind() == StepKind.ADDON) {
      // A minor's gate sits on its first add-on: it approves the add-ons and the control plane.
      List<String> titles = new ArrayList<>();
      for (int i = steps.indexOf(step); i < steps.size(); i++) {
        PlanStep next = steps.get(i).step;
        if ((i > steps.indexOf(step) && next.gate() != null)
            || (next.kind() != StepKind.ADDON && next.kind() != StepKind.CONTROL_PLANE)) {
          break;
        }
        titles.add(next.title());
      }
      return String.join("; then ", titles);
    }
    return step.step.title();
  }

  private DecisionAction awaitDecision(StepProgress step, String why, List<DecisionAction> allowed) {
    pending = new PendingWait(step.step.id(), why, allowed, now());
    upsert(
        SearchAttributeUpdate.valueSet(
            UpgradeSearchAttributes.AWAITING_GATE, "decide:" + step.step.id()));
    refreshDetails();
    Duration reminder = Duration.ofMinutes(request.optionsOrDefaults().reminderMinutesOrDefault());
    while (pending.action == null) {
      if (!Workflow.await(reminder, () -> pending.action != null)) {
        pending.reminders++;
        log.warn(
            "Step {} still waits for a decision: send signal '{}' with {}",
            step.step.id(),
            UpgradeSignals.DECIDE,
            UpgradeSignals.decisionJson(step.step.id()));
        notify(
            NotificationActivities.Events.GATE_REMINDER,
            "step " + step.step.id() + " still waits for a decision",
            why + "\nDecide: `" + cli("decide --step " + step.step.id() + " --retry") + "`");
        refreshDetails();
      }
    }
    DecisionAction action = pending.action;
    pending = null;
    upsert(SearchAttributeUpdate.valueUnset(UpgradeSearchAttributes.AWAITING_GATE));
    return action;
  }

  // ---- health gates ------------------------------------------------------------------------

  /**
   * Asks the health gates before a gate opens, or before the step after one that saw a breach it
   * could not stop. A breach (or no answer from Prometheus) pauses here for a decision: retry asks
   * again, continue goes on and is recorded, abort ends the upgrade. Returns false on abort.
   */
  private boolean healthCheckpoint(StepProgress step) {
    HealthGateOptions options = request.optionsOrDefaults().healthOrNone();
    if (!options.configured() || request.optionsOrDefaults().dryRun()) {
      breachDuringStep = null;
      return true;
    }
    String when = step.step.gate() != null ? "before gate " + step.step.gate() : "before step " + step.step.id();
    while (true) {
      HealthReport report = evaluateHealth(options, when);
      String breach = report.breaches().isEmpty() ? null : HealthGates.describeBreaches(report);
      if (breach == null && breachDuringStep == null) {
        return true;
      }
      String why =
          breach != null
              ? "health gate breached " + when + ": " + breach
              : "health gates were breached while the last step ran (" + breachDuringStep
                  + "); they are healthy now, decide continue to go on";
      if (breach != null) {
        healthBreach(why);
      }
      step.detail = "health pause: " + why;
      DecisionAction action =
          awaitDecision(step, why, List.of(DecisionAction.RETRY, DecisionAction.CONTINUE, DecisionAction.ABORT));
      step.detail = null;
      switch (action) {
        case CONTINUE -> {
          breachDuringStep = null;
          log.warn("Step {}: continue decided despite the health gates: {}", step.step.id(), why);
          return true;
        }
        case ABORT -> {
          step.state = StepState.ABORTED;
          step.finishedAt = now();
          step.detail = "aborted at a health pause: " + why;
          return false;
        }
        default -> breachDuringStep = null;
      }
    }
  }

  /** One evaluation; a Prometheus that does not answer after the activity's retries is a breach. */
  private HealthReport evaluateHealth(HealthGateOptions options, String when) {
    List<HealthGate> gates = HealthGates.effective(options);
    try {
      lastHealth = healthGates.evaluateHealthGates(new HealthGateRequest(options.prometheusUrl(), gates, when));
    } catch (ActivityFailure e) {
      lastHealth =
          new HealthReport(
              now(),
              when,
              gates.stream()
                  .map(g -> new HealthReading(g.name(), g.query(), g.max(), g.unit(), List.of(), true, "Prometheus did not answer: " + describe(e)))
                  .toList());
    }
    refreshDetails();
    return lastHealth;
  }

  /**
   * Waits for a running child, asking the health gates every interval meanwhile. Returns the
   * breach seen (the child still runs), or null once the child completed without one.
   */
  private String watchHealth(Promise<?> child, String when) {
    HealthGateOptions options = request.optionsOrDefaults().healthOrNone();
    if (!options.configured()) {
      return null;
    }
    Duration interval = Duration.ofSeconds(options.intervalSecondsOrDefault());
    while (!Workflow.await(interval, child::isCompleted)) {
      HealthReport report = evaluateHealth(options, when);
      if (!report.breaches().isEmpty()) {
        String why = "health gate breached " + when + ": " + HealthGates.describeBreaches(report);
        healthBreach(why);
        return why;
      }
    }
    return null;
  }

  private void healthBreach(String why) {
    healthBreaches.add(now() + " " + why);
    log.warn("{}", why);
    notify(NotificationActivities.Events.HEALTH_BREACH, "health gate breached", why);
  }

  private HealthReport lastHealthFor(String gateName) {
    return lastHealth != null && ("before gate " + gateName).equals(lastHealth.when()) ? lastHealth : null;
  }

  // ---- notifications -----------------------------------------------------------------------

  /** Sends a notification without waiting for it; a failed delivery is logged by the worker. */
  private void notify(String event, String title, String text) {
    if (!operatorExperience || request.optionsOrDefaults().dryRun()) {
      return;
    }
    NotificationOptions options = request.optionsOrDefaults().notificationsOrDefaults();
    if (!options.sends(event)) {
      return;
    }
    notifications.add(
        Async.function(
            notifier::notify,
            new NotificationActivities.Notification(
                options.channel(), event, workflowId, request.cluster(), request.cluster() + ": " + title, text, now())));
  }

  /** The end waits a little for its notifications: activities still pending when it closes are dropped. */
  private void awaitNotifications() {
    Workflow.await(NOTIFICATION_GRACE, () -> notifications.stream().allMatch(Promise::isCompleted));
  }

  private String gateText(String gateName) {
    StringBuilder text = new StringBuilder(gate != null ? gate.summary : gateName);
    OpenGate open = gate != null ? openGate() : null;
    if (open != null && !open.approvers().isEmpty()) {
      text.append("\nMay approve: ").append(String.join(", ", open.approvers()));
    }
    if (policy != null && policy.fourEyes()) {
      text.append("\nFour eyes: not ").append(request.requestedBy());
    }
    if (open != null && open.health() != null) {
      text.append("\nHealth: ")
          .append(open.health().readings().stream().map(HealthGates::describe).collect(Collectors.joining("; ")));
    }
    text.append("\nApprove: `")
        .append(cli("approve --gate " + gateName))
        .append("` or signal `")
        .append(UpgradeSignals.APPROVE)
        .append("` with `")
        .append(UpgradeSignals.approvalJson(gateName))
        .append('`');
    return text.toString();
  }

  private String cli(String command) {
    return "eks-upgrader " + command + " --cluster " + request.cluster().name() + " --region " + request.cluster().region();
  }

  /** Temporal keeps a signal's sender on its history event; the workflow cannot read it. */
  private static String signalIdentity() {
    return "not known to the workflow: the Temporal server records the sender's identity on the signal's WorkflowExecutionSignaled history event";
  }

  // ---- human input -------------------------------------------------------------------------

  /**
   * Signals arrive here undecoded, so a malformed payload is refused and recorded instead of
   * being dropped by the SDK. A signal handler must never throw: that would fail the workflow.
   */
  private void onSignal(String name, EncodedValues args) {
    try {
      switch (name) {
        case UpgradeSignals.APPROVE, UpgradeSignals.REJECT -> {
          boolean approve = name.equals(UpgradeSignals.APPROVE);
          Approval approval = decodeApproval(name, args);
          if (approval != null) {
            String refusal = approvalRefusal(approval, approve);
            record(name, approval.gate(), approval.by(), approval.comment(), refusal, "signal", signalIdentity());
            if (refusal == null) {
              gate.verdict = approve;
            }
          }
        }
        case UpgradeSignals.DECIDE -> {
          OperatorDecision decision = decodeDecision(args);
          if (decision != null) {
            String refusal = decisionRefusal(decision);
            record(name, decision.step(), decision.by(), decision.comment(), refusal, "signal", signalIdentity());
            if (refusal == null) {
              pending.action = decision.action();
            }
          }
        }
        default ->
            record(
                name,
                null,
                null,
                null,
                "unknown signal '" + name + "': send approve, reject or decide",
                "signal");
      }
    } catch (RuntimeException e) {
      record(name, null, null, null, "refused: " + e.getMessage(), "signal");
    }
    refreshDetails();
  }

  private Approval decodeApproval(String name, EncodedValues args) {
    Map<?, ?> payload = decodeObject(name, args, APPROVAL_FIELDS, UpgradeSignals.approvalJson("<gate>"));
    if (payload == null) {
      return null;
    }
    return new Approval(text(payload, "gate"), text(payload, "by"), text(payload, "comment"));
  }

  private OperatorDecision decodeDecision(EncodedValues args) {
    Map<?, ?> payload =
        decodeObject(UpgradeSignals.DECIDE, args, DECISION_FIELDS, UpgradeSignals.decisionJson("<step>"));
    if (payload == null) {
      return null;
    }
    String actionText = text(payload, "action");
    DecisionAction action = DecisionAction.parse(actionText);
    if (action == null) {
      record(
          UpgradeSignals.DECIDE,
          text(payload, "step"),
          text(payload, "by"),
          text(payload, "comment"),
          "malformed payload: action '" + actionText + "' is not retry, skip, abort, force or continue",
          "signal");
      return null;
    }
    return new OperatorDecision(text(payload, "step"), action, text(payload, "by"), text(payload, "comment"));
  }

  /** Decodes a JSON object with only the given fields, or records why not and returns null. */
  private Map<?, ?> decodeObject(String name, EncodedValues args, Set<String> fields, String example) {
    SignalPayloads.Decoded decoded = SignalPayloads.object(args, fields, example);
    if (decoded.refusal() != null) {
      record(name, null, null, null, decoded.refusal(), "signal");
    }
    return decoded.fields();
  }

  private static String text(Map<?, ?> payload, String field) {
    return SignalPayloads.text(payload, field);
  }

  @Override
  public void validateApproveGate(Approval approval) {
    validateApprovalShape(approval);
  }

  @Override
  public String approveGate(Approval approval) {
    return answerApproval(UpgradeSignals.APPROVE, approval, true);
  }

  @Override
  public void validateRejectGate(Approval approval) {
    validateApprovalShape(approval);
  }

  @Override
  public String rejectGate(Approval approval) {
    return answerApproval(UpgradeSignals.REJECT, approval, false);
  }

  @Override
  public void validateDecideStep(OperatorDecision decision) {
    if (decision == null || isBlank(decision.step()) || decision.action() == null || isBlank(decision.by())) {
      throw new IllegalArgumentException(
          "malformed decision: step, action (RETRY, SKIP, ABORT, FORCE or CONTINUE) and by are required");
    }
  }

  @Override
  public String decideStep(OperatorDecision decision) {
    String refusal = decisionRefusal(decision);
    record(UpgradeSignals.DECIDE, decision.step(), decision.by(), decision.comment(), refusal, "update", decision.identity());
    refreshDetails();
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, DECISION_REFUSED);
    }
    pending.action = decision.action();
    return decision.action() + " accepted for step " + decision.step();
  }

  private static void validateApprovalShape(Approval approval) {
    if (approval == null || isBlank(approval.gate()) || isBlank(approval.by())) {
      throw new IllegalArgumentException("malformed approval: gate and by are required");
    }
  }

  /** Gate checks happen in the handler, not the validator, so that refusals are recorded. */
  private String answerApproval(String kind, Approval approval, boolean approve) {
    String refusal = approvalRefusal(approval, approve);
    record(kind, approval.gate(), approval.by(), approval.comment(), refusal, "update", approval.identity());
    refreshDetails();
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, APPROVAL_REFUSED);
    }
    gate.verdict = approve;
    return (approve ? "approved" : "rejected") + " gate " + approval.gate();
  }

  private String approvalRefusal(Approval approval, boolean approve) {
    if (isBlank(approval.gate())) {
      return "the payload names no gate: send " + UpgradeSignals.approvalJson("<gate>");
    }
    if (isBlank(approval.by())) {
      return "the payload names no approver: set \"by\" to your name";
    }
    if (gate != null && gate.name.equals(approval.gate())) {
      if (gate.verdict != null) {
        return "gate " + approval.gate() + " was already answered";
      }
      // Anyone may stop an upgrade; only who the policy allows may let it go on.
      return approve && policy != null
          ? ApprovalRules.refusal(
              policy, ApprovalRules.gateType(gate.name), approval.by(), approval.identity(), request.requestedBy())
          : null;
    }
    List<String> known = knownGates();
    if (!known.contains(approval.gate())) {
      return "unknown gate '"
          + approval.gate()
          + "'"
          + (known.isEmpty() ? "; the plan is not built yet" : "; gates of this upgrade: " + String.join(", ", known));
    }
    return "gate "
        + approval.gate()
        + " is not open"
        + (gate != null ? "; the open gate is " + gate.name : "; no gate is open now");
  }

  private String decisionRefusal(OperatorDecision decision) {
    if (pending == null) {
      return "no step waits for a decision; decide is only taken for a FAILED step";
    }
    if (!pending.step.equals(decision.step())) {
      return "step '" + decision.step() + "' does not wait for a decision; step " + pending.step + " does";
    }
    if (pending.action != null) {
      return "step " + pending.step + " was already decided";
    }
    if (!pending.allowed.contains(decision.action())) {
      return decision.action() + " is not possible for step " + pending.step + "; allowed: " + pending.allowed;
    }
    return policy == null
        ? null
        : ApprovalRules.refusal(policy, ApprovalRules.DECIDE, decision.by(), decision.identity(), request.requestedBy());
  }

  private StepProgress stepProgress(String id) {
    return steps.stream().filter(s -> s.step.id().equals(id)).findFirst().orElseThrow();
  }

  private List<String> knownGates() {
    return steps.stream().map(s -> s.step.gate()).filter(g -> g != null).toList();
  }

  private void record(String kind, String target, String by, String comment, String refusal, String via) {
    record(kind, target, by, comment, refusal, via, null);
  }

  private void record(
      String kind, String target, String by, String comment, String refusal, String via, String identity) {
    boolean accepted = refusal == null;
    audit.add(
        new AuditEntry(now(), kind, target, by, comment, accepted, accepted ? "accepted" : refusal, via, identity));
    if (!accepted) {
      log.warn("Refused {} via {} for '{}' by '{}': {}", kind, via, target, by, refusal);
    }
  }

  // ---- status ----------------------------------------------------------------------------

  @Override
  public UpgradeStatus status() {
    return new UpgradeStatus(
        workflowId,
        request == null ? null : request.cluster(),
        request == null ? null : request.targetVersion(),
        currentVersion,
        request == null ? null : request.requestedBy(),
        outcome,
        phase,
        plan,
        steps.stream().map(StepProgress::toStatus).toList(),
        gate == null ? null : openGate(),
        pending == null
            ? null
            : new PendingDecision(
                pending.step,
                pending.error,
                pending.allowed,
                pending.since,
                pending.reminders,
                stepProgress(pending.step).blockedPods),
        List.copyOf(audit),
        lastError,
        startedAt,
        now(),
        findings,
        operatorExperience ? healthStatus() : null,
        policy);
  }

  private OpenGate openGate() {
    String type = ApprovalRules.gateType(gate.name);
    List<String> approvers = List.of();
    if (policy != null) {
      approvers = policy.approvers().getOrDefault(type, policy.approvers().getOrDefault(ApprovalRules.ANY, List.of()));
    }
    return new OpenGate(
        gate.name, gate.step, gate.summary, gate.openedAt, gate.reminders, gate.lastReminderAt, type, approvers,
        gate.health);
  }

  private HealthStatus healthStatus() {
    HealthGateOptions options = request.optionsOrDefaults().healthOrNone();
    String summary =
        options.configured()
            ? "Prometheus at " + options.prometheusUrl() + ": " + HealthGates.effective(options).size()
                + " gate(s), asked before each gate opens and every " + options.intervalSecondsOrDefault()
                + " s while a control-plane update or a drain runs"
            : "not configured: no Prometheus URL (healthGates.prometheus, --prometheus-url); health gates are skipped";
    return new HealthStatus(options.configured(), summary, lastHealth, healthBreaches);
  }

  private UpgradeResult refuse(StepProgress preflight, List<String> blockers) {
    preflight.state = StepState.FAILED;
    preflight.finishedAt = now();
    preflight.error = String.join("; ", blockers);
    lastError = "refused: " + preflight.error;
    outcome = UpgradeOutcome.REFUSED;
    phase = "refused";
    upsert(SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.PHASE, phase));
    refreshDetails();
    String where = request != null && request.cluster() != null ? " of " + request.cluster() : "";
    if (operatorExperience && request != null && request.cluster() != null) {
      notify(NotificationActivities.Events.UPGRADE_ENDED, "upgrade refused before any change", preflight.error);
      awaitNotifications();
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "upgrade" + where + " refused before any change: " + String.join("; ", blockers),
        UPGRADE_REFUSED);
  }

  // ---- cancellation -----------------------------------------------------------------------

  /**
   * What a cancelled upgrade does, in a detached scope: stop the node group children and wait until
   * their drains stopped; per group whose replacement had not finished, observe its old nodes and
   * uncordon them unless they were drained empty; wait for a control-plane update in flight until
   * EKS ends it; then end CANCELLED. Nothing new is started, no group is deleted.
   */
  private void afterCancellation() {
    String at =
        gate != null
            ? "gate " + gate.name
            : pending != null ? pending.step + " (waiting for a decision)" : phase;
    if (cancelRequest == null) {
      record("cancel", workflowId, null, null, null, "temporal", cancelIdentity());
    }
    gate = null;
    pending = null;
    phase = "cancelling";
    upsert(
        SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.PHASE, phase),
        SearchAttributeUpdate.valueUnset(UpgradeSearchAttributes.AWAITING_GATE));
    refreshDetails();
    log.warn("Upgrade {} cancelled at {}; stopping what runs", workflowId, at);
    List<String> done = new ArrayList<>();

    nodeGroupScopes.values().forEach(CancellationScope::cancel);
    Workflow.await(CHILDREN_STOP_WAIT, () -> nodeGroupChildren.values().stream().allMatch(Promise::isCompleted));
    for (StepProgress step : steps) {
      if (isReplacement(step.step.kind()) && (step.state == StepState.RUNNING || step.state == StepState.FAILED)) {
        done.add(stopReplacement(step));
      }
    }
    startedAhead.clear();
    nodeGroupScopes.clear();

    for (StepProgress step : steps) {
      if ((step.state == StepState.RUNNING || step.state == StepState.FAILED) && step != controlPlaneStep) {
        step.state = StepState.CANCELLED;
        step.finishedAt = now();
        step.detail = "stopped by the cancellation" + (step.error == null ? "" : " (it had failed: " + step.error + ")");
      }
    }
    if (controlPlaneRunning != null) {
      done.add(awaitControlPlaneAfterCancel(controlPlaneStep, controlPlaneRunning));
    }
    String who =
        cancelRequest == null
            ? "cancelled through Temporal"
            : "cancelled by " + cancelRequest.by() + (isBlank(cancelRequest.reason()) ? "" : " (" + cancelRequest.reason() + ")");
    String message =
        who + " at " + at + (done.isEmpty() ? "" : "; " + String.join("; ", done)) + "; the cluster runs "
            + currentVersion;
    // The status keeps what the cancellation did: Temporal drops a cancelled workflow's result.
    audit.add(
        new AuditEntry(
            now(), "cancelled", workflowId, cancelRequest == null ? null : cancelRequest.by(),
            cancelRequest == null ? null : cancelRequest.reason(), true, message,
            cancelRequest == null ? "temporal" : "update", cancelRequest == null ? cancelIdentity() : cancelRequest.identity()));
    end(UpgradeOutcome.CANCELLED, message);
  }

  /** A replacement the cancellation stopped: observe its old nodes, give them back their pods' home. */
  private String stopReplacement(StepProgress step) {
    String group = step.step.nodeGroup();
    Promise<NodeGroupStepResult> child = nodeGroupChildren.get(step.step.id());
    step.finishedAt = now();
    if (child != null && child.isCompleted() && child.getFailure() == null) {
      // It finished before the cancellation reached it: its old nodes are drained and stay cordoned.
      NodeGroupStepResult result = child.get();
      drainChecks.put(result.oldNodeGroup(), result.check());
      step.state = StepState.SUCCEEDED;
      step.detail = describe(result);
      return "node group " + group + " had been replaced; its old group stays";
    }
    step.state = StepState.CANCELLED;
    try {
      DrainedCheck check = drain.checkNodesDrained(oldNodes(group));
      if (check.drained()) {
        step.detail =
            "stopped by the cancellation after its old nodes were drained empty; they stay cordoned and the old group"
                + " stays";
        return "node group " + group + " drained, kept cordoned, not deleted";
      }
      String uncordoned = uncordonOldNodes(step);
      step.detail = "stopped by the cancellation; the old group stays; " + uncordoned;
      return "node group " + group + " stays, " + uncordoned;
    } catch (ActivityFailure e) {
      step.detail =
          "stopped by the cancellation; its old nodes could not be read (" + describe(e) + "): " + uncordonHint(group);
      return "node group " + group + ": " + step.detail;
    }
  }

  /** An EKS control-plane update cannot be stopped: wait until EKS reports its end, and report it. */
  private String awaitControlPlaneAfterCancel(StepProgress step, Promise<ControlPlaneStepResult> running) {
    step.detail =
        "the upgrade was cancelled while EKS updates the control plane to " + step.step.toVersion()
            + "; an EKS update cannot be stopped, so the upgrade waits until EKS reports it Successful or Failed";
    refreshDetails();
    while (!Workflow.await(CONTROL_PLANE_WAIT_REFRESH, running::isCompleted)) {
      refreshDetails();
    }
    step.finishedAt = now();
    if (running.getFailure() == null) {
      ControlPlaneStepResult result = running.get();
      currentVersion = result.finalVersion();
      step.state = StepState.SUCCEEDED;
      step.detail = describe(result) + " (observed to its end after the cancellation)";
      return "the control-plane update to " + step.step.toVersion() + " was observed to its end: Successful";
    }
    step.state = StepState.FAILED;
    step.error = describe(running.getFailure());
    lastError = step.step.id() + ": " + step.error;
    step.detail = "observed to its end after the cancellation: it failed";
    return "the control-plane update to " + step.step.toVersion() + " was observed to its end: failed (" + step.error + ")";
  }

  /** Temporal keeps a cancel request's sender on its history event; the workflow cannot read it. */
  private static String cancelIdentity() {
    return "not known to the workflow: the Temporal server records the sender's identity and reason on the"
        + " WorkflowExecutionCancelRequested history event";
  }

  @Override
  public void validateAnnounceCancel(CancelRequest cancel) {
    if (cancel == null || isBlank(cancel.by())) {
      throw new IllegalArgumentException("malformed cancellation: by is required");
    }
  }

  @Override
  public String announceCancel(CancelRequest cancel) {
    String refusal =
        outcome != UpgradeOutcome.RUNNING
            ? "the upgrade already ended " + outcome
            : !cancelHandled
                ? "this upgrade was started before upgrades handled their own cancellation: cancel it with"
                    + " `temporal workflow cancel`, then uncordon its old nodes by hand"
                : null;
    record("cancel", workflowId, cancel.by(), cancel.reason(), refusal, "update", cancel.identity());
    refreshDetails();
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, CANCEL_REFUSED);
    }
    cancelRequest = cancel;
    return "cancellation of " + workflowId + " announced by " + cancel.by() + " at " + phase;
  }

  private UpgradeResult end(UpgradeOutcome finalOutcome, String message) {
    outcome = finalOutcome;
    phase = finalOutcome.name().toLowerCase();
    for (StepProgress step : steps) {
      if (step.state == StepState.PENDING || step.state == StepState.AWAITING_APPROVAL) {
        step.state = StepState.CANCELLED;
      } else if (startedAhead.containsKey(step.step.id())) {
        // Its child ends with this workflow; its old nodes may be cordoned and need a look.
        step.state = StepState.CANCELLED;
        step.finishedAt = now();
        step.detail =
            "started beside another node group and stopped when the upgrade ended; its old nodes may"
                + " still be cordoned: "
                + uncordonHint(step.step.nodeGroup());
      }
    }
    upsert(SearchAttributeUpdate.valueSet(UpgradeSearchAttributes.PHASE, phase));
    refreshDetails();
    log.info("Upgrade {} ended {}: {}", workflowId, finalOutcome, message);
    if (operatorExperience) {
      Workflow.getMetricsScope()
          .tagged(Map.of(UpgradeMetrics.OUTCOME, finalOutcome.name().toLowerCase(java.util.Locale.ROOT)))
          .counter(UpgradeMetrics.UPGRADES_ENDED)
          .inc(1);
      notify(NotificationActivities.Events.UPGRADE_ENDED, "upgrade " + finalOutcome.name().toLowerCase(java.util.Locale.ROOT), message);
      awaitNotifications();
    }
    return new UpgradeResult(finalOutcome, currentVersion, message, status());
  }

  private void refreshDetails() {
    Workflow.setCurrentDetails(StatusMarkdown.render(status()));
  }

  @SafeVarargs
  private static void upsert(SearchAttributeUpdate<String>... updates) {
    Workflow.upsertTypedSearchAttributes(updates);
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** The innermost failure's message, which is where EKS's own words end up. */
  static String describe(Throwable failure) {
    Throwable innermost = failure;
    while (innermost.getCause() != null && innermost.getCause() != innermost) {
      innermost = innermost.getCause();
    }
    if (innermost instanceof ApplicationFailure app) {
      return app.getType() + ": " + app.getOriginalMessage();
    }
    if (innermost instanceof TemporalFailure temporal) {
      return temporal.getOriginalMessage();
    }
    return innermost.getMessage();
  }

  /** The mutable progress of one plan step. */
  private static final class StepProgress {
    final PlanStep step;
    StepState state = StepState.PENDING;
    Instant startedAt;
    Instant finishedAt;
    int attempts;
    String detail;
    String error;
    List<DrainBlockage.BlockedPod> blockedPods = List.of();
    List<String> forcePodUids = List.of();

    StepProgress(PlanStep step) {
      this.step = step;
    }

    StepStatus toStatus() {
      return new StepStatus(
          step.id(), step.kind(), step.title(), step.gate(), state, startedAt, finishedAt, attempts, detail, error);
    }
  }

  /** An open gate and, once a human answered, the answer. */
  private static final class GateWait {
    final String name;
    final String step;
    final String summary;
    final Instant openedAt;
    int reminders;
    Instant lastReminderAt;
    Boolean verdict;
    HealthReport health;

    GateWait(String name, String step, String summary, Instant openedAt) {
      this.name = name;
      this.step = step;
      this.summary = summary;
      this.openedAt = openedAt;
    }
  }

  /** A failed step waiting for a decision and, once taken, the decision. */
  private static final class PendingWait {
    final String step;
    final String error;
    final List<DecisionAction> allowed;
    final Instant since;
    int reminders;
    DecisionAction action;

    PendingWait(String step, String error, List<DecisionAction> allowed, Instant since) {
      this.step = step;
      this.error = error;
      this.allowed = allowed;
      this.since = since;
    }
  }
}
