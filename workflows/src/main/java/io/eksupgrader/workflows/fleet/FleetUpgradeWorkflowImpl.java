package io.eksupgrader.workflows.fleet;

import io.eksupgrader.workflows.activities.ApprovalPolicyActivities;
import io.eksupgrader.workflows.model.Approval;
import io.eksupgrader.workflows.model.ApprovalPolicy;
import io.eksupgrader.workflows.model.AuditEntry;
import io.eksupgrader.workflows.model.OpenGate;
import io.eksupgrader.workflows.model.UpgradeOutcome;
import io.eksupgrader.workflows.model.UpgradeRequest;
import io.eksupgrader.workflows.model.UpgradeResult;
import io.eksupgrader.workflows.planning.ApprovalRules;
import io.eksupgrader.workflows.planning.WorkflowIds;
import io.eksupgrader.workflows.upgrade.ClusterUpgradeWorkflow;
import io.eksupgrader.workflows.upgrade.SignalPayloads;
import io.eksupgrader.workflows.upgrade.UpgradeSignals;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.DynamicSignalHandler;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Upgrades a fleet of clusters wave by wave.
 *
 * <ol>
 *   <li>Refuse a bad request (unknown or duplicate clusters, empty waves, concurrency below 1, an
 *       impossible approval policy) before any cluster starts.
 *   <li>For each wave in order: after the previous wave, sleep its soak time; if the wave has a
 *       gate, open {@code wave-<name>} and wait for {@code approve} or {@code reject} (re-announcing
 *       itself, never approving by itself unless the fleet was started with auto-approve); then
 *       start one {@link ClusterUpgradeWorkflow} child per cluster, at most {@code concurrency} at
 *       once, in the order the spec lists them.
 *   <li>A cluster fails when its upgrade ends other than SUCCEEDED (refused, rejected, aborted) or
 *       its child fails. With {@code stop-wave} the first failure stops its wave from starting more
 *       clusters (the running ones finish) and no later wave starts; with {@code continue} the fleet
 *       goes on until {@code maxFailures} clusters failed (0: no limit).
 * </ol>
 *
 * The children are abandoned, not terminated, if the fleet ends first: a cluster half way through a
 * control-plane update must finish or be answered on its own, not be cut off.
 */
public class FleetUpgradeWorkflowImpl implements FleetUpgradeWorkflow {

  public static final String FLEET_REFUSED = "FleetRequestRefused";
  public static final String APPROVAL_REFUSED = "ApprovalRefused";

  private static final Set<String> APPROVAL_FIELDS = Set.of("gate", "by", "comment");
  private static final Logger log = Workflow.getLogger(FleetUpgradeWorkflowImpl.class);

  private final ApprovalPolicyActivities approvalPolicies = Workflow.newActivityStub(ApprovalPolicyActivities.class);

  private final List<WaveProgress> waves = new ArrayList<>();
  private final List<AuditEntry> audit = new ArrayList<>();
  private FleetRequest request;
  private String workflowId;
  private ApprovalPolicy policy;
  private GateWait gate;
  private FleetOutcome outcome = FleetOutcome.RUNNING;
  private String phase = "starting";
  private String message;
  private int failures;
  private Instant startedAt;

  @Override
  public FleetResult upgrade(FleetRequest fleet) {
    request = fleet;
    workflowId = Workflow.getInfo().getWorkflowId();
    startedAt = now();
    Workflow.registerListener((DynamicSignalHandler) this::onSignal);
    List<String> problems = FleetRequestValidation.problems(fleet);
    if (!problems.isEmpty()) {
      refuse("invalid fleet request, no cluster was started:\n  - " + String.join("\n  - ", problems));
    }
    for (FleetWave wave : fleet.waves()) {
      waves.add(new WaveProgress(wave));
    }
    ApprovalRules.Merged merged = ApprovalRules.merge(approvalPolicies.loadApprovalPolicy(), fleet.approvals());
    if (!merged.problems().isEmpty()) {
      refuse("the approval policy cannot be met, no cluster was started:\n  - " + String.join("\n  - ", merged.problems()));
    }
    policy = merged.policy();

    for (int i = 0; i < waves.size(); i++) {
      WaveProgress wave = waves.get(i);
      if (i > 0) {
        soakAfter(waves.get(i - 1));
      }
      if (wave.wave.gate() && !awaitGate(wave, i > 0 ? waves.get(i - 1) : null)) {
        wave.state = WaveState.REJECTED;
        stop(FleetOutcome.REJECTED, "gate " + FleetIds.gate(wave.wave.name()) + " was rejected; wave " + wave.wave.name()
            + " and the ones after it did not start");
        return result();
      }
      runWave(wave);
      if (stopRequested()) {
        stop(FleetOutcome.FAILED, failures + " cluster(s) failed (onFailure " + fleet.onFailure().specName()
            + (fleet.onFailure() == FailureMode.CONTINUE ? ", maxFailures " + fleet.maxFailures() : "")
            + "): the fleet stopped after wave " + wave.wave.name());
        return result();
      }
    }
    WaveProgress last = waves.get(waves.size() - 1);
    last.state = last.failed > 0 ? WaveState.FAILED : WaveState.SUCCEEDED;
    outcome = failures > 0 ? FleetOutcome.SUCCEEDED_WITH_FAILURES : FleetOutcome.SUCCEEDED;
    message = failures > 0 ? failures + " cluster(s) failed; every wave ran (onFailure continue)" : "every cluster succeeded";
    phase = outcome.name();
    return result();
  }

  private void refuse(String why) {
    outcome = FleetOutcome.FAILED;
    message = why;
    phase = "refused";
    throw ApplicationFailure.newNonRetryableFailure(why, FLEET_REFUSED);
  }

  private FleetResult result() {
    log.info("Fleet {} ended {}: {}", request.name(), outcome, message);
    return new FleetResult(outcome, message, status());
  }

  // ---- waves -----------------------------------------------------------------------------

  /** Starts the wave's clusters in spec order, never more than its concurrency at once. */
  private void runWave(WaveProgress wave) {
    wave.state = WaveState.RUNNING;
    wave.startedAt = now();
    phase = "wave " + wave.wave.name() + " running";
    log.info("Wave {} starts: {} cluster(s), {} at a time", wave.wave.name(), wave.clusters.size(), wave.wave.concurrency());
    for (ClusterProgress cluster : wave.clusters) {
      Workflow.await(() -> wave.running < wave.wave.concurrency() || stopRequested());
      if (stopRequested()) {
        cluster.skip("not started: " + failures + " cluster(s) failed and onFailure is " + request.onFailure().specName());
        continue;
      }
      start(wave, cluster);
    }
    Workflow.await(() -> wave.running == 0);
    wave.endedAt = now();
    wave.state = wave.failed > 0 ? WaveState.FAILED : WaveState.SUCCEEDED;
  }

  private void start(WaveProgress wave, ClusterProgress cluster) {
    ClusterUpgradeWorkflow child =
        Workflow.newChildWorkflowStub(
            ClusterUpgradeWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(cluster.workflowId)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    cluster.state = FleetClusterState.RUNNING;
    cluster.startedAt = now();
    wave.running++;
    Promise<UpgradeResult> done = Async.function(child::upgrade, cluster.request);
    done.handle(
        (result, failure) -> {
          cluster.endedAt = now();
          if (failure != null) {
            cluster.state = FleetClusterState.FAILED;
            cluster.message = failureMessage(failure);
          } else {
            cluster.outcome = result.outcome();
            cluster.finalVersion = result.finalVersion();
            cluster.message = result.message();
            cluster.state =
                result.outcome() == UpgradeOutcome.SUCCEEDED ? FleetClusterState.SUCCEEDED : FleetClusterState.FAILED;
          }
          if (cluster.state == FleetClusterState.FAILED) {
            failures++;
            wave.failed++;
            log.warn("Cluster {} of wave {} failed: {}", cluster.request.cluster(), wave.wave.name(), cluster.message);
          }
          wave.running--;
          return null;
        });
  }

  private static String failureMessage(Throwable failure) {
    Throwable cause = failure instanceof ChildWorkflowFailure && failure.getCause() != null ? failure.getCause() : failure;
    return "the cluster's upgrade failed: " + cause.getMessage();
  }

  private boolean stopRequested() {
    if (request.onFailure() == FailureMode.STOP_WAVE) {
      return failures > 0;
    }
    return request.maxFailures() > 0 && failures >= request.maxFailures();
  }

  private void soakAfter(WaveProgress previous) {
    if (previous.wave.soakSeconds() <= 0) {
      return;
    }
    previous.state = WaveState.SOAKING;
    previous.soakEndsAt = now().plusSeconds(previous.wave.soakSeconds());
    phase = "soaking after wave " + previous.wave.name() + " until " + previous.soakEndsAt;
    log.info("Soaking {}s after wave {}", previous.wave.soakSeconds(), previous.wave.name());
    Workflow.sleep(Duration.ofSeconds(previous.wave.soakSeconds()));
    previous.state = previous.failed > 0 ? WaveState.FAILED : WaveState.SUCCEEDED;
  }

  private void stop(FleetOutcome end, String why) {
    outcome = end;
    message = why;
    phase = end.name();
    for (WaveProgress wave : waves) {
      for (ClusterProgress cluster : wave.clusters) {
        if (cluster.state == FleetClusterState.PENDING) {
          cluster.skip("not started: " + why);
        }
      }
      if (wave.state == WaveState.PENDING) {
        wave.state = WaveState.SKIPPED;
      }
      if (wave.state == WaveState.SOAKING) {
        wave.state = wave.failed > 0 ? WaveState.FAILED : WaveState.SUCCEEDED;
      }
    }
  }

  // ---- gates -----------------------------------------------------------------------------

  private boolean awaitGate(WaveProgress wave, WaveProgress previous) {
    String gateName = FleetIds.gate(wave.wave.name());
    if (request.autoApprove()) {
      audit.add(new AuditEntry(now(), "approve", gateName, request.requestedBy(), null, true, "autoApprove option", "option"));
      return true;
    }
    wave.state = WaveState.AWAITING_APPROVAL;
    gate = new GateWait(gateName, wave.wave.name(), gateSummary(wave, previous), now());
    phase = "wave " + wave.wave.name() + " waits for approval at gate " + gateName;
    log.info("Gate {} is open: send signal '{}' with {}", gateName, UpgradeSignals.APPROVE, UpgradeSignals.approvalJson(gateName));
    Duration reminder = Duration.ofMinutes(request.gateReminderMinutes() > 0 ? request.gateReminderMinutes() : 30);
    while (gate.verdict == null) {
      if (!Workflow.await(reminder, () -> gate.verdict != null)) {
        gate.reminders++;
        gate.lastReminderAt = now();
        log.warn("Gate {} still waits for approval: send signal '{}' or '{}' with {}", gateName, UpgradeSignals.APPROVE,
            UpgradeSignals.REJECT, UpgradeSignals.approvalJson(gateName));
      }
    }
    boolean approved = gate.verdict;
    gate = null;
    return approved;
  }

  private String gateSummary(WaveProgress wave, WaveProgress previous) {
    StringBuilder text = new StringBuilder("wave ").append(wave.wave.name()).append(" (").append(wave.clusters.size())
        .append(" cluster(s), ").append(wave.wave.concurrency()).append(" at a time) waits for approval");
    if (previous != null) {
      long succeeded = previous.clusters.stream().filter(c -> c.state == FleetClusterState.SUCCEEDED).count();
      text.append(" after wave ").append(previous.wave.name()).append(": ").append(succeeded).append("/")
          .append(previous.clusters.size()).append(" succeeded");
      if (previous.wave.soakSeconds() > 0) {
        text.append(", soaked ").append(Duration.ofSeconds(previous.wave.soakSeconds()).toString().substring(2).toLowerCase());
      }
    }
    text.append(". Approve: eks-upgrader fleet approve --name ").append(request.name()).append(" --wave ")
        .append(wave.wave.name()).append(", or signal '").append(UpgradeSignals.APPROVE).append("' with ")
        .append(UpgradeSignals.approvalJson(FleetIds.gate(wave.wave.name())));
    return text.toString();
  }

  private List<String> gateApprovers() {
    if (policy == null) {
      return List.of();
    }
    List<String> names = policy.approvers().get(FleetIds.WAVE_GATE_TYPE);
    if (names == null) {
      names = policy.approvers().get(ApprovalRules.ANY);
    }
    return names == null ? List.of() : names;
  }

  // ---- human input -----------------------------------------------------------------------

  /**
   * Signals arrive here undecoded, so a malformed payload is refused and recorded instead of
   * being dropped by the SDK. A signal handler must never throw: that would fail the workflow.
   */
  private void onSignal(String name, EncodedValues args) {
    try {
      if (name.equals(UpgradeSignals.APPROVE) || name.equals(UpgradeSignals.REJECT)) {
        boolean approve = name.equals(UpgradeSignals.APPROVE);
        Approval approval = decodeApproval(name, args);
        if (approval != null) {
          String refusal = approvalRefusal(approval, approve);
          record(name, approval.gate(), approval.by(), approval.comment(), refusal, "signal", null);
          if (refusal == null) {
            gate.verdict = approve;
          }
        }
      } else {
        record(name, null, null, null, "unknown signal '" + name + "': a fleet takes approve or reject", "signal", null);
      }
    } catch (RuntimeException e) {
      record(name, null, null, null, "refused: " + e.getMessage(), "signal", null);
    }
  }

  /** A JSON object with only the approval's fields, all strings; otherwise records why not. */
  private Approval decodeApproval(String name, EncodedValues args) {
    SignalPayloads.Decoded decoded =
        SignalPayloads.object(args, APPROVAL_FIELDS, UpgradeSignals.approvalJson("wave-<name>"));
    if (decoded.refusal() != null) {
      record(name, null, null, null, decoded.refusal(), "signal", null);
      return null;
    }
    Map<?, ?> payload = decoded.fields();
    return new Approval(
        SignalPayloads.text(payload, "gate"), SignalPayloads.text(payload, "by"), SignalPayloads.text(payload, "comment"));
  }

  @Override
  public void validateApproveGate(Approval approval) {
    validateApprovalShape(approval);
  }

  @Override
  public String approveGate(Approval approval) {
    return answer(UpgradeSignals.APPROVE, approval, true);
  }

  @Override
  public void validateRejectGate(Approval approval) {
    validateApprovalShape(approval);
  }

  @Override
  public String rejectGate(Approval approval) {
    return answer(UpgradeSignals.REJECT, approval, false);
  }

  private static void validateApprovalShape(Approval approval) {
    if (approval == null || isBlank(approval.gate()) || isBlank(approval.by())) {
      throw new IllegalArgumentException("malformed approval: gate and by are required");
    }
  }

  /** Gate checks happen in the handler, not the validator, so that refusals are recorded. */
  private String answer(String kind, Approval approval, boolean approve) {
    String refusal = approvalRefusal(approval, approve);
    record(kind, approval.gate(), approval.by(), approval.comment(), refusal, "update", approval.identity());
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, APPROVAL_REFUSED);
    }
    gate.verdict = approve;
    return (approve ? "approved" : "rejected") + " gate " + approval.gate();
  }

  private String approvalRefusal(Approval approval, boolean approve) {
    if (isBlank(approval.gate())) {
      return "the payload names no gate: send " + UpgradeSignals.approvalJson("wave-<name>");
    }
    if (isBlank(approval.by())) {
      return "the payload names no approver: set \"by\" to your name";
    }
    if (gate != null && gate.name.equals(approval.gate())) {
      if (gate.verdict != null) {
        return "gate " + approval.gate() + " was already answered";
      }
      // Anyone may stop a fleet; only who the policy allows may let it go on.
      return approve && policy != null
          ? ApprovalRules.refusal(policy, FleetIds.WAVE_GATE_TYPE, approval.by(), approval.identity(), request.requestedBy())
          : null;
    }
    List<String> known = waves.stream().filter(w -> w.wave.gate()).map(w -> FleetIds.gate(w.wave.name())).toList();
    if (!known.contains(approval.gate())) {
      return "unknown gate '" + approval.gate() + "'"
          + (known.isEmpty() ? "; this fleet has no wave gate" : "; gates of this fleet: " + String.join(", ", known));
    }
    return "gate " + approval.gate() + " is not open" + (gate != null ? "; the open gate is " + gate.name : "; no gate is open now");
  }

  private void record(String kind, String target, String by, String comment, String refusal, String via, String identity) {
    boolean accepted = refusal == null;
    audit.add(new AuditEntry(now(), kind, target, by, comment, accepted, accepted ? "accepted" : refusal, via, identity));
    if (!accepted) {
      log.warn("Refused {} via {} for '{}' by '{}': {}", kind, via, target, by, refusal);
    }
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  // ---- status ----------------------------------------------------------------------------

  @Override
  public FleetStatus status() {
    return new FleetStatus(
        workflowId,
        request == null ? null : request.name(),
        request == null ? null : request.requestedBy(),
        outcome,
        phase,
        waves.stream().map(WaveProgress::toStatus).toList(),
        gate == null
            ? null
            : new OpenGate(gate.name, gate.wave, gate.summary, gate.openedAt, gate.reminders, gate.lastReminderAt,
                FleetIds.WAVE_GATE_TYPE, gateApprovers(), null),
        failures,
        request == null ? null : request.onFailure(),
        request == null ? 0 : request.maxFailures(),
        audit,
        message,
        startedAt,
        now());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  private static final class GateWait {
    final String name;
    final String wave;
    final String summary;
    final Instant openedAt;
    int reminders;
    Instant lastReminderAt;
    Boolean verdict;

    GateWait(String name, String wave, String summary, Instant openedAt) {
      this.name = name;
      this.wave = wave;
      this.summary = summary;
      this.openedAt = openedAt;
    }
  }

  private static final class WaveProgress {
    final FleetWave wave;
    final List<ClusterProgress> clusters;
    WaveState state = WaveState.PENDING;
    int running;
    int failed;
    Instant startedAt;
    Instant endedAt;
    Instant soakEndsAt;

    WaveProgress(FleetWave wave) {
      this.wave = wave;
      this.clusters = wave.clusters().stream().map(ClusterProgress::new).toList();
    }

    WaveStatus toStatus() {
      return new WaveStatus(
          wave.name(), state, wave.concurrency(), wave.soakSeconds(), wave.gate(),
          clusters.stream().map(ClusterProgress::toStatus).toList(), startedAt, endedAt, soakEndsAt);
    }
  }

  private static final class ClusterProgress {
    final UpgradeRequest request;
    final String workflowId;
    FleetClusterState state = FleetClusterState.PENDING;
    UpgradeOutcome outcome;
    String finalVersion;
    String message;
    Instant startedAt;
    Instant endedAt;

    ClusterProgress(UpgradeRequest request) {
      this.request = request;
      this.workflowId = WorkflowIds.clusterUpgrade(request.cluster());
    }

    void skip(String why) {
      state = FleetClusterState.SKIPPED;
      message = why;
    }

    FleetClusterStatus toStatus() {
      return new FleetClusterStatus(
          request.cluster(), workflowId, request.targetVersion(), state, outcome, finalVersion, message, startedAt, endedAt);
    }
  }
}
