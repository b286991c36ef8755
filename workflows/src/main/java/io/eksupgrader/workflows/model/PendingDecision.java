package io.eksupgrader.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * A failed step that waits for {@code decide}.
 *
 * @param blockedPods for a blocked drain: each pod that blocked it, with its PodDisruptionBudgets;
 *     empty otherwise
 */
public record PendingDecision(
    String step,
    String error,
    List<DecisionAction> allowed,
    Instant since,
    int reminders,
    List<DrainBlockage.BlockedPod> blockedPods) {}
