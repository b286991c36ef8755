package io.eksupgrader.workflows.model;

import java.time.Instant;

/**
 * A step's state as the status query reports it.
 *
 * @param attempts how many times the step started (an operator's retry adds one)
 * @param detail what the step found or did, e.g. "adopted update 6c1f… already in flight"
 * @param error the last failure, while or after the step failed
 */
public record StepStatus(
    String id,
    StepKind kind,
    String title,
    String gate,
    StepState state,
    Instant startedAt,
    Instant finishedAt,
    int attempts,
    String detail,
    String error) {}
