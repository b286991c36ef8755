package io.eksupgrader.activities.eks;

import java.time.Duration;

/**
 * @param pollInterval how often AwaitVersionUpdate asks EKS; an update takes about 25 minutes
 * @param conflictBackoff how long StartVersionUpdate waits after a 409 before observing again
 */
public record ControlPlaneActivitySettings(Duration pollInterval, Duration conflictBackoff) {}
