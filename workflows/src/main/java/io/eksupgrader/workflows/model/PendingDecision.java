package io.eksupgrader.workflows.model;

import java.time.Instant;
import java.util.List;

/** A failed step that waits for {@code decide}. */
public record PendingDecision(
    String step, String error, List<DecisionAction> allowed, Instant since, int reminders) {}
